package dev.hitbox.core;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.OptionalInt;

/**
 * Whether and how long responses are cached: {@link #disabled()}, or enabled with a ttl (fresh
 * period), a stale window, a {@link StalePolicy} and an optional dogpile concurrency limit.
 *
 * <p>An entry written at {@code now} is fresh until {@code now + ttl}, stale until {@code now + ttl
 * + stale}, and gone after. With {@link #staleIfError()} it is kept {@code staleIfError} longer,
 * and served only when the upstream fails. With {@link #earlyRefresh()} a hit close to the end of
 * the ttl may refresh the entry in the background first, so that popular keys do not go stale.
 * Immutable and thread-safe.
 *
 * <pre>{@code
 * CachePolicy policy = CachePolicy.builder()
 *     .ttl(Duration.ofSeconds(60))
 *     .stale(Duration.ofSeconds(300))
 *     .stalePolicy(StalePolicy.OFFLOAD_REVALIDATE)
 *     .concurrency(1)
 *     .staleIfError(Duration.ofMinutes(10))
 *     .earlyRefresh(Duration.ofSeconds(2))
 *     .build();
 * }</pre>
 */
public final class CachePolicy {
  private static final CachePolicy DISABLED =
      new CachePolicy(
          false,
          Duration.ZERO,
          Duration.ZERO,
          StalePolicy.RETURN,
          0,
          Duration.ZERO,
          Duration.ZERO,
          1.0);

  private final boolean enabled;
  private final Duration ttl;
  private final Duration stale;
  private final StalePolicy stalePolicy;
  private final int concurrency;
  private final Duration staleIfError;
  private final Duration earlyRefresh;
  private final double earlyRefreshBeta;

  private CachePolicy(
      boolean enabled,
      Duration ttl,
      Duration stale,
      StalePolicy stalePolicy,
      int concurrency,
      Duration staleIfError,
      Duration earlyRefresh,
      double earlyRefreshBeta) {
    this.enabled = enabled;
    this.ttl = ttl;
    this.stale = stale;
    this.stalePolicy = stalePolicy;
    this.concurrency = concurrency;
    this.staleIfError = staleIfError;
    this.earlyRefresh = earlyRefresh;
    this.earlyRefreshBeta = earlyRefreshBeta;
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

  /**
   * How long past its stale window an entry is kept to answer when the upstream fails
   * (stale-if-error, RFC 5861); {@link Duration#ZERO} when off. Within the stale window the bound
   * adds nothing: a stale entry always answers a failed upstream call when this is on.
   */
  public Duration staleIfError() {
    return staleIfError;
  }

  /**
   * The scale of early refresh (probabilistic early expiration, "XFetch"): about how long the
   * upstream takes to produce a value. A hit at {@code now} refreshes the entry in the background
   * when {@code now - earlyRefresh * beta * ln(random) >= staleAt}, so the chance grows as the
   * entry nears its stale time. {@link Duration#ZERO} when off.
   */
  public Duration earlyRefresh() {
    return earlyRefresh;
  }

  /** The factor {@code beta} of early refresh: above 1 refreshes earlier, below 1 later. */
  public double earlyRefreshBeta() {
    return earlyRefreshBeta;
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
        + (staleIfError.isZero() ? "" : ", staleIfError=" + staleIfError)
        + (earlyRefresh.isZero() ? "" : ", earlyRefresh=" + earlyRefresh + "*" + earlyRefreshBeta)
        + '}';
  }

  /** Builds an enabled {@link CachePolicy}; setters validate at once. Not thread-safe. */
  public static final class Builder {
    private Duration ttl = Duration.ofSeconds(60);
    private Duration stale = Duration.ZERO;
    private StalePolicy stalePolicy = StalePolicy.RETURN;
    private int concurrency;
    private Duration staleIfError = Duration.ZERO;
    private Duration earlyRefresh = Duration.ZERO;
    private double earlyRefreshBeta = 1.0;

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

    /**
     * Answers with a stale entry when the upstream fails (completes exceptionally, e.g. with its
     * own timeout), for up to {@code bound} past the entry's stale window; entries are kept that
     * much longer in the backend. {@link Duration#ZERO} (the default) turns it off.
     *
     * @throws ConfigurationException if negative
     */
    public Builder staleIfError(Duration bound) {
      requireNonNull(bound, "staleIfError");
      if (bound.isNegative()) {
        throw new ConfigurationException("stale_if_error: " + bound + " (expected: >= 0)");
      }
      this.staleIfError = bound;
      return this;
    }

    /**
     * Refreshes hot entries in the background shortly before they go stale, with {@code beta} 1:
     * see {@link #earlyRefresh(Duration, double)}.
     *
     * @throws ConfigurationException if negative
     */
    public Builder earlyRefresh(Duration delta) {
      return earlyRefresh(delta, 1.0);
    }

    /**
     * Refreshes hot entries in the background shortly before they go stale (probabilistic early
     * expiration): a hit at {@code now} on a fresh entry starts a refresh through the offload
     * manager, one per key at a time, when {@code now - delta * beta * ln(random) >= staleAt}. Set
     * {@code delta} to about how long the upstream takes; the caller still gets the entry as a hit.
     * {@link Duration#ZERO} (the default) turns it off.
     *
     * @throws ConfigurationException if {@code delta} is negative or {@code beta} is not a positive
     *     finite number
     */
    public Builder earlyRefresh(Duration delta, double beta) {
      requireNonNull(delta, "earlyRefresh");
      if (delta.isNegative()) {
        throw new ConfigurationException("early_refresh: " + delta + " (expected: >= 0)");
      }
      if (!(beta > 0) || Double.isInfinite(beta)) {
        throw new ConfigurationException(
            "early_refresh.beta: " + beta + " (expected: a finite number > 0)");
      }
      this.earlyRefresh = delta;
      this.earlyRefreshBeta = beta;
      return this;
    }

    /** Builds the policy. */
    public CachePolicy build() {
      return new CachePolicy(
          true, ttl, stale, stalePolicy, concurrency, staleIfError, earlyRefresh, earlyRefreshBeta);
    }
  }
}
