package dev.hitbox.core;

/** What to do with an entry that is past its ttl but still within its stale window. */
public enum StalePolicy {
  /** Serve the stale entry; do not refresh it. */
  RETURN,
  /** Treat the stale entry like a miss: wait for a fresh answer from the upstream. */
  REVALIDATE,
  /**
   * Serve the stale entry at once and refresh it in the background through the {@link
   * OffloadManager} (stale-while-revalidate).
   */
  OFFLOAD_REVALIDATE
}
