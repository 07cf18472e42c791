package dev.hitbox.core.spi;

import static java.util.Objects.requireNonNull;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the engine asks a {@link Backend} to store: the envelope bytes and, so that the backend can
 * expire and index the entry natively, its timestamps and tags.
 *
 * <p>The array is not copied; neither side may modify it after handing it over.
 *
 * <p>An {@link InProcessBackend} stores the entry object itself and hands it back on reads; the
 * engine then keeps what it decoded from the bytes in the entry's {@linkplain #memo() memo slot}.
 * Backends neither read nor set the memo. Thread-safe.
 */
public final class BackendEntry {
  private final byte[] bytes;
  private final long staleAt;
  private final long expireAt;
  private final Set<String> tags;
  // Written and read by the engine only; volatile so that a decoded value is seen fully built.
  private volatile @Nullable Object memo;

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

  /**
   * What the engine decoded from {@link #bytes()}, kept for the next read of this same entry
   * object, or {@code null} when nothing is kept. The engine records in it which codec and
   * compressor decoded it, and ignores a memo that another endpoint's codec made. Backends neither
   * read nor set it.
   */
  public @Nullable Object memo() {
    return memo;
  }

  /**
   * Keeps {@code memo} with this entry, replacing any earlier one; called by the engine only.
   *
   * @param memo what the engine decoded from this entry's bytes, or {@code null} to drop it
   */
  public void memo(@Nullable Object memo) {
    this.memo = memo;
  }
}
