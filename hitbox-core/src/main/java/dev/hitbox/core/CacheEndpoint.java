package dev.hitbox.core;

import static java.util.Objects.requireNonNull;

import dev.hitbox.core.internal.CacheEngine;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.core.spi.CachePredicate;
import dev.hitbox.core.spi.Compressor;
import dev.hitbox.core.spi.ConcurrencyManager;
import dev.hitbox.core.spi.Coordination;
import dev.hitbox.core.spi.KeyExtractor;
import dev.hitbox.core.spi.Revalidator;
import dev.hitbox.core.spi.ValueCodec;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * How one kind of request is cached: which requests and responses are cacheable, how the key is
 * built, the policy, the backend and the value codec. Immutable and thread-safe; {@link
 * #wrap(Upstream)} puts it in front of an upstream.
 *
 * <pre>{@code
 * CacheEndpoint<GetCatalog, String> catalog = CacheEndpoint.<GetCatalog, String>builder("catalog")
 *     .backend(CaffeineBackend.builder().maxCapacity(10_000).build())
 *     .codec(ValueCodec.utf8())
 *     .extractor(KeyExtractor.of(r -> List.of(KeyPart.of("category", r.category()),
 *                                             KeyPart.of("page", String.valueOf(r.page())))))
 *     .policy(CachePolicy.builder().ttl(Duration.ofSeconds(120)).concurrency(1).build())
 *     .build();
 * CachedUpstream<GetCatalog, String> cached = catalog.wrap(catalogService::fetch);
 * }</pre>
 *
 * @param <Req> the request type
 * @param <Res> the response type
 */
public final class CacheEndpoint<Req, Res> {
  /** The bound on each backend call unless set otherwise. */
  public static final Duration DEFAULT_BACKEND_TIMEOUT = Duration.ofMillis(50);

  private final String name;
  private final CachePolicy policy;
  private final Backend backend;
  private final ValueCodec<Res> codec;
  private final Compressor compressor;
  private final int compressionThreshold;
  private final CachePredicate<? super Req> requestPredicate;
  private final CachePredicate<? super Res> responsePredicate;
  private final KeyExtractor<? super Req> extractor;
  private final BiFunction<CacheKey, Res, Set<String>> tagger;
  private final Function<? super Res, @Nullable Lifetime> lifetime;
  private final BiPredicate<? super Req, ? super Res> reuseIf;
  private final @Nullable Revalidator<Req, Res> revalidator;
  private final Predicate<? super Res> failureIf;
  private final CacheListener listener;
  private final Ticker ticker;
  private final OffloadManager offloadManager;
  private final ConcurrencyManager concurrencyManager;
  private final Duration backendTimeout;
  private final Duration dogpileTimeout;
  private final int keyVersion;
  private final boolean shareDecodedValues;

  private CacheEndpoint(Builder<Req, Res> b, Backend backend, ValueCodec<Res> codec) {
    this.name = b.name;
    this.policy = b.policy;
    this.backend = backend;
    this.codec = codec;
    this.compressor = b.compressor;
    this.compressionThreshold = b.compressionThreshold;
    this.requestPredicate = b.requestPredicate;
    this.responsePredicate = b.responsePredicate;
    this.extractor = b.extractor;
    this.tagger = b.tagger;
    this.lifetime = b.lifetime;
    this.reuseIf = b.reuseIf;
    this.revalidator = b.revalidator;
    this.failureIf = b.failureIf;
    this.listener = b.listener;
    this.ticker = b.ticker;
    OffloadManager offload = b.offloadManager;
    this.offloadManager =
        offload != null
            ? offload
            : OffloadManager.builder().executor(b.executor).listener(b.listener).build();
    ConcurrencyManager cm = b.concurrencyManager;
    if (cm == null && backend instanceof Coordination c) {
      cm = c.concurrencyManager().orElse(null);
    }
    this.concurrencyManager = cm != null ? cm : ConcurrencyManager.local();
    this.backendTimeout = b.backendTimeout;
    this.dogpileTimeout = b.dogpileTimeout;
    this.keyVersion = b.keyVersion;
    this.shareDecodedValues = b.shareDecodedValues;
  }

  /**
   * Starts an endpoint.
   *
   * @param name the namespace of the endpoint's keys (1 to 128 of {@code [A-Za-z0-9_.-]})
   * @throws ConfigurationException if the name is not valid
   */
  public static <Req, Res> Builder<Req, Res> builder(String name) {
    return new Builder<>(CacheKey.checkNamespace(name));
  }

  /** Puts this endpoint's cache in front of {@code upstream}. */
  public CachedUpstream<Req, Res> wrap(Upstream<Req, Res> upstream) {
    return new CacheEngine<>(this, requireNonNull(upstream, "upstream"));
  }

  /** The endpoint's name: the namespace of its keys. */
  public String name() {
    return name;
  }

  /** The cache policy. */
  public CachePolicy policy() {
    return policy;
  }

  /** The backend. */
  public Backend backend() {
    return backend;
  }

  /** The value codec. */
  public ValueCodec<Res> codec() {
    return codec;
  }

  /** The compressor of stored payloads. */
  public Compressor compressor() {
    return compressor;
  }

  /** Payloads smaller than this many bytes are stored uncompressed. */
  public int compressionThreshold() {
    return compressionThreshold;
  }

  /** Which requests are cacheable. */
  public CachePredicate<? super Req> requestPredicate() {
    return requestPredicate;
  }

  /** Which responses are cacheable. */
  public CachePredicate<? super Res> responsePredicate() {
    return responsePredicate;
  }

  /** How keys are built from requests. */
  public KeyExtractor<? super Req> extractor() {
    return extractor;
  }

  /** How tags are computed for a stored response. */
  public BiFunction<CacheKey, Res, Set<String>> tagger() {
    return tagger;
  }

  /** Per-response lifetimes; returns {@code null} for "use the policy's". */
  public Function<? super Res, @Nullable Lifetime> lifetime() {
    return lifetime;
  }

  /** Whether a stored response may answer a given request (e.g. its {@code Vary} matches). */
  public BiPredicate<? super Req, ? super Res> reuseIf() {
    return reuseIf;
  }

  /** The conditional revalidation of stale entries, if any. */
  public Optional<Revalidator<Req, Res>> revalidator() {
    return Optional.ofNullable(revalidator);
  }

  /** Which upstream answers count as failures of the upstream (stale-if-error). */
  public Predicate<? super Res> failureIf() {
    return failureIf;
  }

  /** The listener. */
  public CacheListener listener() {
    return listener;
  }

  /** The ticker. */
  public Ticker ticker() {
    return ticker;
  }

  /** The offload manager for background revalidation. */
  public OffloadManager offloadManager() {
    return offloadManager;
  }

  /** The concurrency manager for dogpile prevention. */
  public ConcurrencyManager concurrencyManager() {
    return concurrencyManager;
  }

  /** The bound on each backend call; past it a read is a miss, a write is skipped. */
  public Duration backendTimeout() {
    return backendTimeout;
  }

  /** The bound on waiting for another caller's upstream call. */
  public Duration dogpileTimeout() {
    return dogpileTimeout;
  }

  /** The schema version put into every key. */
  public int keyVersion() {
    return keyVersion;
  }

  /**
   * Whether decoded values are shared between callers on an in-process backend (set with {@link
   * Builder#shareDecodedValues}; a codec whose {@link ValueCodec#immutableValues()} is true shares
   * them whatever this says).
   */
  public boolean shareDecodedValues() {
    return shareDecodedValues;
  }

  @Override
  public String toString() {
    return "CacheEndpoint{" + name + ", " + policy + ", backend=" + backend.name() + '}';
  }

  /**
   * Builds a {@link CacheEndpoint}; setters validate at once. Not thread-safe.
   *
   * @param <Req> the request type
   * @param <Res> the response type
   */
  public static final class Builder<Req, Res> {
    private final String name;
    private CachePolicy policy = CachePolicy.builder().build();
    private @Nullable Backend backend;
    private @Nullable ValueCodec<Res> codec;
    private Compressor compressor = Compressor.none();
    private int compressionThreshold = 512;
    private CachePredicate<? super Req> requestPredicate = CachePredicate.always();
    private CachePredicate<? super Res> responsePredicate = CachePredicate.always();
    private KeyExtractor<? super Req> extractor = KeyExtractor.string();
    private BiFunction<CacheKey, Res, Set<String>> tagger = (k, r) -> Set.of();
    private Function<? super Res, @Nullable Lifetime> lifetime = r -> null;
    private BiPredicate<? super Req, ? super Res> reuseIf = (q, r) -> true;
    private @Nullable Revalidator<Req, Res> revalidator;
    private Predicate<? super Res> failureIf = r -> false;
    private CacheListener listener = CacheListener.NONE;
    private Ticker ticker = Ticker.systemTicker();
    private Executor executor = ForkJoinPool.commonPool();
    private @Nullable OffloadManager offloadManager;
    private @Nullable ConcurrencyManager concurrencyManager;
    private Duration backendTimeout = DEFAULT_BACKEND_TIMEOUT;
    private boolean backendTimeoutSet;
    private Duration dogpileTimeout = Duration.ofSeconds(30);
    private int keyVersion;
    private boolean shareDecodedValues;

    private Builder(String name) {
      this.name = name;
    }

    /** Sets the policy (default: enabled, ttl 60 s, no stale window, no dogpile limit). */
    public Builder<Req, Res> policy(CachePolicy policy) {
      this.policy = requireNonNull(policy, "policy");
      return this;
    }

    /** Sets the backend (required). */
    public Builder<Req, Res> backend(Backend backend) {
      this.backend = requireNonNull(backend, "backend");
      return this;
    }

    /** Sets the codec of stored responses (required). */
    public Builder<Req, Res> codec(ValueCodec<Res> codec) {
      this.codec = requireNonNull(codec, "codec");
      return this;
    }

    /**
     * Whether hits on an in-process backend ({@link dev.hitbox.core.spi.InProcessBackend}, such as
     * {@code CaffeineBackend}) share one decoded value (default {@code false}). When on, the value
     * decoded by the first hit on a stored entry is kept beside that entry, and every later hit on
     * it returns the same instance without decoding: the object tier. A write, an invalidation or
     * an eviction replaces or drops the entry and its decoded value with it.
     *
     * <p>Turn it on only when no caller modifies a value it gets from the cache (immutable types,
     * or values treated as read-only): with it, a change made by one caller is seen by every other.
     * Off, each hit decodes its own copy. A codec whose {@link ValueCodec#immutableValues()} is
     * true ({@link ValueCodec#utf8()}) shares values either way; other backends decode every read
     * either way.
     */
    public Builder<Req, Res> shareDecodedValues(boolean share) {
      this.shareDecodedValues = share;
      return this;
    }

    /** Sets the compressor of stored payloads (default none). */
    public Builder<Req, Res> compressor(Compressor compressor) {
      this.compressor = requireNonNull(compressor, "compressor");
      return this;
    }

    /**
     * Payloads smaller than this are stored uncompressed (default 512 bytes).
     *
     * @throws ConfigurationException if negative
     */
    public Builder<Req, Res> compressionThreshold(int bytes) {
      if (bytes < 0) {
        throw new ConfigurationException("compression_threshold: " + bytes + " (expected: >= 0)");
      }
      this.compressionThreshold = bytes;
      return this;
    }

    /** Sets which requests are cacheable (default all). */
    public Builder<Req, Res> requestPredicate(CachePredicate<? super Req> predicate) {
      this.requestPredicate = requireNonNull(predicate, "predicate");
      return this;
    }

    /** Sets which responses are cacheable (default all). */
    public Builder<Req, Res> responsePredicate(CachePredicate<? super Res> predicate) {
      this.responsePredicate = requireNonNull(predicate, "predicate");
      return this;
    }

    /** Sets how keys are built (default: the request's {@code toString()}). */
    public Builder<Req, Res> extractor(KeyExtractor<? super Req> extractor) {
      this.extractor = requireNonNull(extractor, "extractor");
      return this;
    }

    /** Sets how tags are computed for stored responses (default none). */
    public Builder<Req, Res> tagger(BiFunction<CacheKey, Res, Set<String>> tagger) {
      this.tagger = requireNonNull(tagger, "tagger");
      return this;
    }

    /**
     * Gives stored responses their own lifetime instead of the policy's ttl and stale window, e.g.
     * from HTTP {@code Cache-Control}. The function returns {@code null} to use the policy; a
     * {@linkplain Lifetime#isZero() zero} lifetime means "do not store".
     */
    public Builder<Req, Res> lifetime(Function<? super Res, @Nullable Lifetime> lifetime) {
      this.lifetime = requireNonNull(lifetime, "lifetime");
      return this;
    }

    /**
     * Decides whether a stored response may answer a request (default: always). A stored response
     * that may not is a miss, and the fresh answer replaces it; HTTP uses this for {@code Vary}.
     */
    public Builder<Req, Res> reuseIf(BiPredicate<? super Req, ? super Res> reuseIf) {
      this.reuseIf = requireNonNull(reuseIf, "reuseIf");
      return this;
    }

    /** Refreshes stale entries with conditional requests (default: plain requests). */
    public Builder<Req, Res> revalidator(Revalidator<Req, Res> revalidator) {
      this.revalidator = requireNonNull(revalidator, "revalidator");
      return this;
    }

    /**
     * Says which answers of the upstream are its failures (default: none, only a call that
     * completes exceptionally fails). A failure answer is handled like a failed call when a stored
     * entry can answer instead (in its stale window, or within the policy's {@code staleIfError}
     * bound past it): the entry answers, as {@link CacheResult#staleIfError()}, and the failure
     * answer is dropped. With no such entry it goes on as any answer: to the response predicate,
     * and to the caller. It is reported as a failed upstream call either way. HTTP counts {@code
     * 500}, {@code 502}, {@code 503} and {@code 504} answers as failures.
     */
    public Builder<Req, Res> failureIf(Predicate<? super Res> failureIf) {
      this.failureIf = requireNonNull(failureIf, "failureIf");
      return this;
    }

    /** Sets the listener (default {@link CacheListener#NONE}). */
    public Builder<Req, Res> listener(CacheListener listener) {
      this.listener = requireNonNull(listener, "listener");
      return this;
    }

    /** Sets the ticker (default {@link Ticker#systemTicker()}). */
    public Builder<Req, Res> ticker(Ticker ticker) {
      this.ticker = requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Sets the executor of the default offload manager (default the common fork-join pool). Ignored
     * when an {@link #offloadManager} is given.
     */
    public Builder<Req, Res> executor(Executor executor) {
      this.executor = requireNonNull(executor, "executor");
      return this;
    }

    /** Sets the offload manager (default: one of the endpoint's own, unlimited). */
    public Builder<Req, Res> offloadManager(OffloadManager offloadManager) {
      this.offloadManager = requireNonNull(offloadManager, "offloadManager");
      return this;
    }

    /**
     * Sets the concurrency manager (default: the backend's {@linkplain
     * Coordination#concurrencyManager() shared one} when it offers one, else {@link
     * ConcurrencyManager#local()}).
     */
    public Builder<Req, Res> concurrencyManager(ConcurrencyManager concurrencyManager) {
      this.concurrencyManager = requireNonNull(concurrencyManager, "concurrencyManager");
      return this;
    }

    /**
     * Bounds each backend call (default 50 ms; for a {@link CompositeBackend}, at least twice its
     * tier timeout plus 10 ms, so a sequential read can reach its last tier): past it a read is a
     * miss and a write is skipped.
     *
     * @throws ConfigurationException unless positive
     */
    public Builder<Req, Res> backendTimeout(Duration timeout) {
      this.backendTimeout = positive("backend_timeout", timeout);
      this.backendTimeoutSet = true;
      return this;
    }

    /**
     * Bounds how long a caller waits for another caller's upstream call (default 30 s); then it
     * goes upstream itself.
     *
     * @throws ConfigurationException unless positive
     */
    public Builder<Req, Res> dogpileTimeout(Duration timeout) {
      this.dogpileTimeout = positive("dogpile_timeout", timeout);
      return this;
    }

    /**
     * Sets the schema version put into every key (default 0); bump it to orphan old entries.
     *
     * @throws ConfigurationException if negative
     */
    public Builder<Req, Res> keyVersion(int version) {
      if (version < 0) {
        throw new ConfigurationException("key_version: " + version + " (expected: >= 0)");
      }
      this.keyVersion = version;
      return this;
    }

    private static Duration positive(String name, Duration d) {
      requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new ConfigurationException(name + ": " + d + " (expected: > 0)");
      }
      return d;
    }

    /**
     * Builds the endpoint.
     *
     * @throws ConfigurationException if the backend or the codec is missing
     */
    public CacheEndpoint<Req, Res> build() {
      Backend b = backend;
      ValueCodec<Res> c = codec;
      if (b == null) {
        throw new ConfigurationException(
            "endpoint " + name + ": backend is not set (expected: a Backend)");
      }
      if (c == null) {
        throw new ConfigurationException(
            "endpoint " + name + ": codec is not set (expected: a ValueCodec)");
      }
      Duration tierTimeout =
          b instanceof CompositeBackend composite
              ? composite.tierTimeout()
              : b instanceof CoherentBackend coherent ? coherent.tierTimeout() : null;
      if (!backendTimeoutSet && tierTimeout != null) {
        // A sequential read may wait out one tier's timeout before asking the next: leave it
        // the time to reach the last tier instead of turning its hits into misses.
        Duration tiers = tierTimeout.multipliedBy(2).plusMillis(10);
        if (tiers.compareTo(backendTimeout) > 0) {
          backendTimeout = tiers;
        }
      }
      return new CacheEndpoint<>(this, b, c);
    }
  }
}
