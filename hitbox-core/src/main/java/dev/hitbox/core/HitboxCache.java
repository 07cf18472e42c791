package dev.hitbox.core;

import static java.util.Objects.requireNonNull;

import dev.hitbox.core.internal.CacheEngine;
import dev.hitbox.core.internal.Events;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.core.spi.ConcurrencyManager;
import dev.hitbox.core.spi.ValueCodec;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The application-cache form of the engine: {@code get(key, loader)}, {@code put}, {@code
 * invalidate}, with the same policies, dogpile prevention, stale handling and fail-open backends as
 * a {@link CachedUpstream}. Keys are strings in the cache's namespace. Thread-safe.
 *
 * <pre>{@code
 * HitboxCache<String> users = HitboxCache.builder("users", ValueCodec.utf8())
 *     .backend(CaffeineBackend.builder().maxCapacity(10_000).build())
 *     .policy(CachePolicy.builder().ttl(Duration.ofMinutes(5)).concurrency(1).build())
 *     .build();
 * users.get("user:42", key -> userService.load(key));       // CompletableFuture<String>
 * users.invalidate("user:42");
 * users.invalidatePattern("user:4*");
 * }</pre>
 *
 * <p>Unlike an endpoint, a cache's default policy has dogpile prevention on ({@code concurrency
 * 1}): concurrent {@code get}s of one missing key run the loader once, as users of Caffeine's
 * {@code AsyncCache} expect.
 *
 * @param <V> the value type
 */
public final class HitboxCache<V> {

  /** A load request: the key and the loader of this call. */
  private record Load<V>(
      String key, Function<? super String, ? extends CompletionStage<V>> loader) {
    @Override
    public String toString() {
      return key;
    }
  }

  private final CacheEngine<Load<V>, V> engine;
  private final String name;

  private HitboxCache(CacheEngine<Load<V>, V> engine, String name) {
    this.engine = engine;
    this.name = name;
  }

  /**
   * Starts a cache.
   *
   * @param name the namespace of the cache's keys (1 to 128 of {@code [A-Za-z0-9_.-]})
   * @param codec how values are stored
   */
  public static <V> Builder<V> builder(String name, ValueCodec<V> codec) {
    return new Builder<>(name, codec);
  }

  /** The cache's name. */
  public String name() {
    return name;
  }

  /**
   * Returns the cached value for {@code key}, or loads it with {@code loader} (at most {@code
   * concurrency} loads per key at once; other callers wait for the first).
   *
   * @return the caller's own future: cancelling it affects no other caller
   */
  public CompletableFuture<V> get(
      String key, Function<? super String, ? extends CompletionStage<V>> loader) {
    requireNonNull(key, "key");
    requireNonNull(loader, "loader");
    return engine.call(new Load<>(key, loader));
  }

  /** Like {@link #get}, and says whether the value was a hit, stale, or loaded. */
  public CompletableFuture<CacheResult<V>> getWithStatus(
      String key, Function<? super String, ? extends CompletionStage<V>> loader) {
    requireNonNull(key, "key");
    requireNonNull(loader, "loader");
    return engine.exchange(new Load<>(key, loader));
  }

  /**
   * Returns the value for {@code key} if one is fresh or stale, without loading. An entry kept only
   * for the policy's {@code staleIfError} is not returned. The lookup is reported to the listener
   * as a hit, stale or miss, as a {@link #get} lookup is.
   */
  public CompletableFuture<@Nullable V> getIfPresent(String key) {
    long now = engine.endpoint().ticker().currentTimeMillis();
    CacheKey k = CacheKey.of(name, requireNonNull(key, "key"));
    CacheListener listener = engine.endpoint().listener();
    return engine
        .peek(k)
        .thenApply(
            v -> {
              CacheValue.Freshness f =
                  v == null || !engine.servable(v, now)
                      ? CacheValue.Freshness.EXPIRED
                      : v.freshness(now);
              switch (f) {
                case FRESH -> Events.safely(() -> listener.onHit(k));
                case STALE -> Events.safely(() -> listener.onStale(k));
                default -> Events.safely(() -> listener.onMiss(k));
              }
              return f == CacheValue.Freshness.EXPIRED ? null : v.value();
            });
  }

  /** Stores {@code value} under {@code key} with the policy's ttl and stale window. */
  public CompletableFuture<Void> put(String key, V value) {
    return put(key, value, Set.of());
  }

  /** Stores {@code value} under {@code key}, tagged with {@code tags}. */
  public CompletableFuture<Void> put(String key, V value, Set<String> tags) {
    requireNonNull(value, "value");
    return engine.put(CacheKey.of(name, requireNonNull(key, "key")), value, tags);
  }

  /** Removes {@code key}; completes with whether an entry was removed. */
  public CompletableFuture<Boolean> invalidate(String key) {
    return engine.invalidateKey(CacheKey.of(name, requireNonNull(key, "key")));
  }

  /**
   * Removes every key matching a glob pattern ({@code *}, {@code ?}, {@code \} escapes), e.g.
   * {@code "posts:user:42:*"}.
   *
   * @return the number removed; fails with {@link CacheException} if the backend cannot
   */
  public CompletableFuture<Long> invalidatePattern(String pattern) {
    return engine.invalidatePattern(pattern);
  }

  /**
   * Removes every entry tagged {@code tag}.
   *
   * @return the number removed; fails with {@link CacheException} if the backend cannot
   */
  public CompletableFuture<Long> invalidateTag(String tag) {
    return engine.invalidateTag(tag);
  }

  @Override
  public String toString() {
    return "HitboxCache{" + name + ", " + engine.endpoint().policy() + '}';
  }

  /**
   * Builds a {@link HitboxCache}; setters validate at once. Not thread-safe.
   *
   * @param <V> the value type
   */
  public static final class Builder<V> {
    private final CacheEndpoint.Builder<Load<V>, V> endpoint;
    private final String name;

    private Builder(String name, ValueCodec<V> codec) {
      this.name = name;
      this.endpoint =
          CacheEndpoint.<Load<V>, V>builder(name)
              .codec(requireNonNull(codec, "codec"))
              .policy(CachePolicy.builder().concurrency(1).build());
    }

    /** Sets the backend (required). */
    public Builder<V> backend(Backend backend) {
      endpoint.backend(backend);
      return this;
    }

    /** Sets the policy (default: ttl 60 s, no stale window, concurrency 1). */
    public Builder<V> policy(CachePolicy policy) {
      endpoint.policy(policy);
      return this;
    }

    /** Sets the compressor of stored values. */
    public Builder<V> compressor(dev.hitbox.core.spi.Compressor compressor) {
      endpoint.compressor(compressor);
      return this;
    }

    /**
     * Whether hits on an in-process backend such as {@code CaffeineBackend} return one shared
     * decoded value instead of decoding a copy each time (default {@code false}; always on for a
     * codec whose {@link ValueCodec#immutableValues()} is true, such as {@link ValueCodec#utf8()}).
     * Turn it on only when no caller modifies the values it gets. See {@link
     * CacheEndpoint.Builder#shareDecodedValues}.
     */
    public Builder<V> shareDecodedValues(boolean share) {
      endpoint.shareDecodedValues(share);
      return this;
    }

    /** Sets which loaded values are cached (default all). */
    public Builder<V> cacheIf(dev.hitbox.core.spi.CachePredicate<? super V> predicate) {
      endpoint.responsePredicate(predicate);
      return this;
    }

    /** Sets the listener. */
    public Builder<V> listener(CacheListener listener) {
      endpoint.listener(listener);
      return this;
    }

    /** Sets the ticker. */
    public Builder<V> ticker(Ticker ticker) {
      endpoint.ticker(ticker);
      return this;
    }

    /** Sets the executor of the default offload manager. */
    public Builder<V> executor(Executor executor) {
      endpoint.executor(executor);
      return this;
    }

    /** Sets the offload manager. */
    public Builder<V> offloadManager(OffloadManager offloadManager) {
      endpoint.offloadManager(offloadManager);
      return this;
    }

    /** Sets the concurrency manager. */
    public Builder<V> concurrencyManager(ConcurrencyManager concurrencyManager) {
      endpoint.concurrencyManager(concurrencyManager);
      return this;
    }

    /** Bounds each backend call (default 50 ms). */
    public Builder<V> backendTimeout(Duration timeout) {
      endpoint.backendTimeout(timeout);
      return this;
    }

    /** Bounds waiting for another caller's load (default 30 s). */
    public Builder<V> dogpileTimeout(Duration timeout) {
      endpoint.dogpileTimeout(timeout);
      return this;
    }

    /** Builds the cache. */
    public HitboxCache<V> build() {
      CacheEndpoint<Load<V>, V> e = endpoint.build();
      return new HitboxCache<>(
          (CacheEngine<Load<V>, V>) e.wrap(load -> load.loader().apply(load.key())), name);
    }
  }
}
