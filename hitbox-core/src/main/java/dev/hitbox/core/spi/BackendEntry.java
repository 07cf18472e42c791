package dev.hitbox.core.spi;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/**
 * What the engine asks a {@link Backend} to store: the envelope bytes and, so that the backend can
 * expire and index the entry natively, its timestamps and tags.
 *
 * <p>The array is not copied; neither side may modify it after handing it over.
 */
public final class BackendEntry {
  private final byte[] bytes;
  private final long staleAt;
  private final long expireAt;
  private final Set<String> tags;

  private BackendEntry(byte[] bytes, long staleAt, long expireAt, Set<String> tags) {
    this.bytes = bytes;
    this.staleAt = staleAt;
    this.expireAt = expireAt;
    this.tags = tags;
  }

  /**
   * Creates an entry.
   *
   * @param bytes the envelope
   * @param staleAt when the entry turns stale, epoch milliseconds
   * @param expireAt when the entry expires, epoch milliseconds ({@code >= staleAt})
   * @param tags the tags the entry can be invalidated by
   */
  public static BackendEntry of(byte[] bytes, long staleAt, long expireAt, Set<String> tags) {
    requireNonNull(bytes, "bytes");
    if (expireAt < staleAt) {
      throw new IllegalArgumentException(
          "expireAt: " + expireAt + " (expected: >= staleAt " + staleAt + ")");
    }
    return new BackendEntry(bytes, staleAt, expireAt, Set.copyOf(tags));
  }

  /** The envelope bytes. */
  public byte[] bytes() {
    return bytes;
  }

  /** When the entry turns stale, epoch milliseconds. */
  public long staleAt() {
    return staleAt;
  }

  /** When the entry expires, epoch milliseconds. */
  public long expireAt() {
    return expireAt;
  }

  /** The entry's tags. */
  public Set<String> tags() {
    return tags;
  }
}
