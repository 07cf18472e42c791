package dev.hitbox.core;

/** How a response was obtained. */
public enum CacheStatus {
  /** Served from a fresh cache entry; the upstream was not called. */
  HIT,
  /** Served from a stale entry (within its stale window); the upstream was not waited for. */
  STALE,
  /** The request was cacheable but no usable entry existed; the answer came from the upstream. */
  MISS,
  /** The request or policy was not cacheable; the cache was not consulted. */
  BYPASS
}
