package dev.hitbox.core;

import static java.util.Objects.requireNonNull;

/**
 * A response together with how it was obtained.
 *
 * @param <Res> the response type
 */
public final class CacheResult<Res> {
  private final Res value;
  private final CacheStatus status;
  private final long ageMillis;

  private CacheResult(Res value, CacheStatus status, long ageMillis) {
    this.value = value;
    this.status = status;
    this.ageMillis = ageMillis;
  }

  /**
   * Creates a result.
   *
   * @param value the response
   * @param status how it was obtained
   * @param ageMillis how long ago the response left the upstream, {@code 0} for a fresh one
   */
  public static <Res> CacheResult<Res> of(Res value, CacheStatus status, long ageMillis) {
    requireNonNull(value, "value");
    requireNonNull(status, "status");
    if (ageMillis < 0) {
      throw new IllegalArgumentException("ageMillis: " + ageMillis + " (expected: >= 0)");
    }
    return new CacheResult<>(value, status, ageMillis);
  }

  /** The response. */
  public Res value() {
    return value;
  }

  /** How the response was obtained. */
  public CacheStatus status() {
    return status;
  }

  /** Milliseconds since the response was produced by the upstream; {@code 0} for a miss. */
  public long ageMillis() {
    return ageMillis;
  }

  @Override
  public String toString() {
    return "CacheResult{" + status + ", age=" + ageMillis + "ms, value=" + value + '}';
  }
}
