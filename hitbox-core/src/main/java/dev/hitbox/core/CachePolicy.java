package dev.hitbox.core;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.OptionalInt;

/**
 * Whether and how long responses are cached: {@link #disabled()}, or enabled with a ttl (fresh
 * period), a stale window, a {@link StalePolicy} and an optional dogpile concurrency limit.
 *
 * <p>An entry written at {@code now} is fresh until {@code now + ttl}, stale until {@code now + ttl
 * + stale}, and gone after. Immutable and thread-safe.
 *
 * <pre>{@code
 * CachePolicy policy = CachePolicy.builder()
 *     .ttl(Duration.ofSeconds(60))
 *     .stale(Duration.ofSeconds(300))
 *     .stalePolicy(StalePolicy.OFFLOAD_REVALIDATE)
 *     .concurrency(1)
 *     .build();
 * }</pre>
 */
public final class CachePolicy {
  private static final CachePolicy DISABLED =
      new CachePolicy(false, Duration.ZERO, Duration.ZERO, StalePolicy.RETURN, 0);

  private final boolean enabled;
  private final Duration ttl;
  private final Duration stale;
  private final StalePolicy stalePolicy;
  private final int concurrency;

  private CachePolicy(
      boolean enabled, Duration ttl, Duration stale, StalePolicy stalePolicy, int concurrency) {
    this.enabled = enabled;
    this.ttl = ttl;
    this.stale = stale;
    this.stalePolicy = stalePolicy;
    this.concurrency = concurrency;
  }

  /** A policy that caches nothing: every request goes upstream. */
  public static CachePolicy disabled() {
    return DISABLED;
  }

  /** Starts an enabled policy. Defaults: ttl 60 s, stale 0, {@code RETURN}, no limit. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether caching is enabled. */
  public boolean enabled() {
    return enabled;
  }

  /** How long an entry is fresh. */
  public Duration ttl() {
    return ttl;
  }

  /** How long an entry may be served stale after its ttl. */
  public Duration stale() {
    return stale;
  }

  /** What to do with stale entries. */
  public StalePolicy stalePolicy() {
    return stalePolicy;
  }

  /**
   * How many callers per key may go upstream at once; empty when unlimited (no dogpile prevention).
   */
  public OptionalInt concurrency() {
    return concurrency == 0 ? OptionalInt.empty() : OptionalInt.of(concurrency);
  }

  @Override
  public String toString() {
    if (!enabled) {
      return "Disabled";
    }
    return "Enabled{ttl="
        + ttl
        + ", stale="
        + stale
        + ", policy="
        + stalePolicy
        + ", concurrency="
        + (concurrency == 0 ? "unlimited" : concurrency)
        + '}';
  }

  /** Builds an enabled {@link CachePolicy}; setters validate at once. Not thread-safe. */
  public static final class Builder {
    private Duration ttl = Duration.ofSeconds(60);
    private Duration stale = Duration.ZERO;
    private StalePolicy stalePolicy = StalePolicy.RETURN;
    private int concurrency;

    private Builder() {}

    /**
     * Sets how long entries are fresh.
     *
     * @throws ConfigurationException unless positive
     */
    public Builder ttl(Duration ttl) {
      requireNonNull(ttl, "ttl");
      if (ttl.isNegative() || ttl.isZero()) {
        throw new ConfigurationException("ttl: " + ttl + " (expected: > 0)");
      }
      this.ttl = ttl;
      return this;
    }

    /**
     * Sets how long entries may be served stale after their ttl.
     *
     * @throws ConfigurationException if negative
     */
    public Builder stale(Duration stale) {
      requireNonNull(stale, "stale");
      if (stale.isNegative()) {
        throw new ConfigurationException("stale: " + stale + " (expected: >= 0)");
      }
      this.stale = stale;
      return this;
    }

    /** Sets what to do with stale entries (default {@link StalePolicy#RETURN}). */
    public Builder stalePolicy(StalePolicy stalePolicy) {
      this.stalePolicy = requireNonNull(stalePolicy, "stalePolicy");
      return this;
    }

    /**
     * Limits how many callers per key go upstream at once; the others wait for the first cacheable
     * answer.
     *
     * @throws ConfigurationException unless {@code >= 1}
     */
    public Builder concurrency(int concurrency) {
      if (concurrency < 1) {
        throw new ConfigurationException("concurrency: " + concurrency + " (expected: >= 1)");
      }
      this.concurrency = concurrency;
      return this;
    }

    /** Removes the concurrency limit (the default): no dogpile prevention. */
    public Builder unlimitedConcurrency() {
      this.concurrency = 0;
      return this;
    }

    /** Builds the policy. */
    public CachePolicy build() {
      return new CachePolicy(true, ttl, stale, stalePolicy, concurrency);
    }
  }
}
