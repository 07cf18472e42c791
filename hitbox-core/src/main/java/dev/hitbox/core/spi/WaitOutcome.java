package dev.hitbox.core.spi;

import static java.util.Objects.requireNonNull;

import dev.hitbox.core.CacheValue;
import org.jspecify.annotations.Nullable;

/**
 * What a waiting caller learns from its leader.
 *
 * @param <V> the value type
 */
public final class WaitOutcome<V> {

  /** The kinds of outcome. */
  public enum Kind {
    /** The leader's value is available: serve it. */
    VALUE,
    /** The leader failed: compete again for leadership. */
    RETRY,
    /** The leader's answer was not shareable: go upstream yourself. */
    GO_UPSTREAM,
    /**
     * A leader elsewhere (another process sharing the backend) has finished or gone away: read the
     * cache again, and compete for leadership if the entry is not there.
     */
    STORED
  }

  private static final WaitOutcome<?> RETRY = new WaitOutcome<>(Kind.RETRY, null);
  private static final WaitOutcome<?> GO_UPSTREAM = new WaitOutcome<>(Kind.GO_UPSTREAM, null);
  private static final WaitOutcome<?> STORED = new WaitOutcome<>(Kind.STORED, null);

  private final Kind kind;
  private final @Nullable CacheValue<V> value;

  private WaitOutcome(Kind kind, @Nullable CacheValue<V> value) {
    this.kind = kind;
    this.value = value;
  }

  /** The leader's value. */
  public static <V> WaitOutcome<V> value(CacheValue<V> value) {
    return new WaitOutcome<>(Kind.VALUE, requireNonNull(value, "value"));
  }

  /** Compete again. */
  @SuppressWarnings("unchecked")
  public static <V> WaitOutcome<V> retry() {
    return (WaitOutcome<V>) RETRY;
  }

  /** Go upstream. */
  @SuppressWarnings("unchecked")
  public static <V> WaitOutcome<V> goUpstream() {
    return (WaitOutcome<V>) GO_UPSTREAM;
  }

  /**
   * Read the cache again: the leader's value was written by another process, or the leader went
   * away. A distributed {@link ConcurrencyManager} answers this when it cannot hand over the value
   * itself.
   */
  @SuppressWarnings("unchecked")
  public static <V> WaitOutcome<V> stored() {
    return (WaitOutcome<V>) STORED;
  }

  /** The kind of outcome. */
  public Kind kind() {
    return kind;
  }

  /**
   * The value, for {@link Kind#VALUE}.
   *
   * @throws IllegalStateException for the other kinds
   */
  public CacheValue<V> value() {
    if (value == null) {
      throw new IllegalStateException("no value for outcome " + kind);
    }
    return value;
  }

  @Override
  public String toString() {
    return "WaitOutcome{" + kind + '}';
  }
}
