package dev.hitbox.core;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/**
 * A cached value with its absolute timestamps (epoch milliseconds): it was created at {@link
 * #createdAt()}, is fresh before {@link #staleAt()}, stale until {@link #expireAt()}, and gone
 * after. Immutable and thread-safe when the value is.
 *
 * @param <T> the value type
 */
public final class CacheValue<T> {

  /** Where a value stands at a given instant. */
  public enum Freshness {
    /** Before {@code staleAt}: serve it. */
    FRESH,
    /** Between {@code staleAt} and {@code expireAt}: serve according to the stale policy. */
    STALE,
    /** At or after {@code expireAt}: treat as absent. */
    EXPIRED
  }

  private final T value;
  private final long createdAt;
  private final long staleAt;
  private final long expireAt;
  private final Set<String> tags;

  private CacheValue(T value, long createdAt, long staleAt, long expireAt, Set<String> tags) {
    this.value = value;
    this.createdAt = createdAt;
    this.staleAt = staleAt;
    this.expireAt = expireAt;
    this.tags = tags;
  }

  /**
   * Creates a value.
   *
   * @throws IllegalArgumentException unless {@code createdAt <= staleAt <= expireAt}
   */
  public static <T> CacheValue<T> of(
      T value, long createdAt, long staleAt, long expireAt, Set<String> tags) {
    requireNonNull(value, "value");
    if (createdAt > staleAt || staleAt > expireAt) {
      throw new IllegalArgumentException(
          "timestamps: created="
              + createdAt
              + " stale="
              + staleAt
              + " expire="
              + expireAt
              + " (expected: created <= stale <= expire)");
    }
    return new CacheValue<>(value, createdAt, staleAt, expireAt, Set.copyOf(tags));
  }

  /** The value. */
  public T value() {
    return value;
  }

  /** When the value left the upstream, in epoch milliseconds. */
  public long createdAt() {
    return createdAt;
  }

  /** When the value turns stale, in epoch milliseconds. */
  public long staleAt() {
    return staleAt;
  }

  /** When the value expires, in epoch milliseconds. */
  public long expireAt() {
    return expireAt;
  }

  /** The tags the value can be invalidated by. */
  public Set<String> tags() {
    return tags;
  }

  /** Where the value stands at {@code nowMillis}. */
  public Freshness freshness(long nowMillis) {
    if (nowMillis < staleAt) {
      return Freshness.FRESH;
    }
    return nowMillis < expireAt ? Freshness.STALE : Freshness.EXPIRED;
  }

  /** The same timestamps and tags with another value. */
  public <U> CacheValue<U> withValue(U newValue) {
    return new CacheValue<>(
        requireNonNull(newValue, "newValue"), createdAt, staleAt, expireAt, tags);
  }

  @Override
  public String toString() {
    return "CacheValue{created="
        + createdAt
        + ", stale="
        + staleAt
        + ", expire="
        + expireAt
        + ", tags="
        + tags
        + ", value="
        + value
        + '}';
  }
}
