package dev.hitbox.core;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How long one stored response stays fresh ({@link #ttl()}) and then stale ({@link #stale()}), when
 * it should differ from the endpoint's {@link CachePolicy}: for example taken from an HTTP
 * response's {@code Cache-Control: max-age} and {@code stale-while-revalidate}. Immutable.
 */
public final class Lifetime {
  private final Duration ttl;
  private final Duration stale;

  private Lifetime(Duration ttl, Duration stale) {
    this.ttl = ttl;
    this.stale = stale;
  }

  /**
   * Creates a lifetime. A zero ttl with a zero stale window means "do not store".
   *
   * @throws ConfigurationException if either is negative
   */
  public static Lifetime of(Duration ttl, Duration stale) {
    requireNonNull(ttl, "ttl");
    requireNonNull(stale, "stale");
    if (ttl.isNegative()) {
      throw new ConfigurationException("ttl: " + ttl + " (expected: >= 0)");
    }
    if (stale.isNegative()) {
      throw new ConfigurationException("stale: " + stale + " (expected: >= 0)");
    }
    return new Lifetime(ttl, stale);
  }

  /** The fresh period. */
  public Duration ttl() {
    return ttl;
  }

  /** The stale window after the fresh period. */
  public Duration stale() {
    return stale;
  }

  /** Whether nothing should be stored (both periods are zero). */
  public boolean isZero() {
    return ttl.isZero() && stale.isZero();
  }

  @Override
  public String toString() {
    return "Lifetime{ttl=" + ttl + ", stale=" + stale + '}';
  }
}
