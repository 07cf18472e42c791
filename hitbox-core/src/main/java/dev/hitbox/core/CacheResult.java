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
  private final boolean staleIfError;

  private CacheResult(Res value, CacheStatus status, long ageMillis, boolean staleIfError) {
    this.value = value;
    this.status = status;
    this.ageMillis = ageMillis;
    this.staleIfError = staleIfError;
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
    return new CacheResult<>(value, status, ageMillis, false);
  }

  /**
   * A stale entry that answers because the upstream failed (stale-if-error): status {@link
   * CacheStatus#STALE} and {@link #staleIfError()} true.
   *
   * @param value the stored response
   * @param ageMillis how long ago the response left the upstream
   */
  public static <Res> CacheResult<Res> staleIfError(Res value, long ageMillis) {
    CacheResult<Res> r = of(value, CacheStatus.STALE, ageMillis);
    return new CacheResult<>(r.value, r.status, r.ageMillis, true);
  }

  /** The response. */
  public Res value() {
    return value;
  }

  /** How the response was obtained. */
  public CacheStatus status() {
    return status;
  }

  /**
   * Whether a stale entry answered because the upstream failed ({@link CacheStatus#STALE} only);
   * protocol layers report it, e.g. HTTP as {@code Cache-Status: ...; fwd=stale}.
   */
  public boolean staleIfError() {
    return staleIfError;
  }

  /** Milliseconds since the response was produced by the upstream; {@code 0} for a miss. */
  public long ageMillis() {
    return ageMillis;
  }

  @Override
  public String toString() {
    return "CacheResult{"
        + status
        + (staleIfError ? " (stale-if-error)" : "")
        + ", age="
        + ageMillis
        + "ms, value="
        + value
        + '}';
  }
}
