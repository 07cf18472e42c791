package dev.hitbox.spring.cache;

import static java.util.Objects.requireNonNull;

import dev.hitbox.core.CacheListener;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.HitboxCache;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.core.spi.ValueCodec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;

/**
 * A Spring {@link CacheManager} whose caches are {@link HitboxCache}s: {@code @Cacheable} gets the
 * engine's policies (ttl, stale serving), tiers (through the backend, e.g. {@code l1.compose(l2)})
 * and fail-open backends, and {@code @Cacheable(sync = true)} gets dogpile prevention: concurrent
 * callers of one key run the method once.
 *
 * <pre>{@code
 * @Bean
 * HitboxCacheManager cacheManager(Backend backend, ObjectMapper mapper) {
 *   return HitboxCacheManager.builder(backend, JacksonValueCodec.of(mapper, List.of("com.example")))
 *       .policy(CachePolicy.builder().ttl(Duration.ofMinutes(5)).concurrency(1).build())
 *       .build();
 * }
 * }</pre>
 *
 * <p>Keys are the text of Spring's keys ({@code toString()}: {@code "42"}, {@code "SimpleKey [a,
 * 1]"}), so two keys with the same text share an entry. Null values are cached (as Spring's null
 * marker). Cache names must be valid Hitbox namespaces (1 to 128 of {@code [A-Za-z0-9_.-]}).
 *
 * <p>Thread-safe.
 */
public final class HitboxCacheManager implements CacheManager {
  private final Builder config;
  private final boolean dynamic;
  private final ConcurrentMap<String, SpringCache> caches = new ConcurrentHashMap<>();

  private HitboxCacheManager(Builder b) {
    this.config = b;
    this.dynamic = b.names.isEmpty();
    for (String name : b.names) {
      caches.put(name, create(name));
    }
  }

  /**
   * Starts a manager.
   *
   * @param backend where every cache stores its entries
   * @param codec how values are stored, e.g. {@link JacksonValueCodec}
   */
  public static Builder builder(Backend backend, ValueCodec<Object> codec) {
    return new Builder(backend, codec);
  }

  /**
   * The cache named {@code name}; created on first use unless the manager was built with fixed
   * {@linkplain Builder#cacheNames names}.
   *
   * @throws dev.hitbox.core.ConfigurationException if a new name is not a valid namespace
   */
  @Override
  public @Nullable Cache getCache(String name) {
    requireNonNull(name, "name");
    SpringCache c = caches.get(name);
    if (c != null || !dynamic) {
      return c;
    }
    return caches.computeIfAbsent(name, this::create);
  }

  /** The names of the caches created so far. */
  @Override
  public Collection<String> getCacheNames() {
    return Collections.unmodifiableSet(new LinkedHashSet<>(caches.keySet()));
  }

  /** The engine cache under the Spring cache {@code name}, if it exists. */
  public @Nullable HitboxCache<Object> hitboxCache(String name) {
    SpringCache c = caches.get(name);
    return c == null ? null : c.getNativeCache();
  }

  private SpringCache create(String name) {
    HitboxCache.Builder<Object> b =
        HitboxCache.builder(name, config.codec).backend(config.backend).policy(config.policy);
    if (config.listener != null) {
      b.listener(config.listener);
    }
    return new SpringCache(b.build(), config.loaderExecutor);
  }

  @Override
  public String toString() {
    return "HitboxCacheManager" + getCacheNames();
  }

  /** Builds a {@link HitboxCacheManager}; setters validate at once. Not thread-safe. */
  public static final class Builder {
    private final Backend backend;
    private final ValueCodec<Object> codec;
    private CachePolicy policy = CachePolicy.builder().concurrency(1).build();
    private @Nullable CacheListener listener;
    private @Nullable Executor loaderExecutor;
    private List<String> names = List.of();

    private Builder(Backend backend, ValueCodec<Object> codec) {
      this.backend = requireNonNull(backend, "backend");
      this.codec = requireNonNull(codec, "codec");
    }

    /** Sets every cache's policy (default: ttl 60 s, no stale window, concurrency 1). */
    public Builder policy(CachePolicy policy) {
      this.policy = requireNonNull(policy, "policy");
      return this;
    }

    /** Sets the listener of every cache (default none). */
    public Builder listener(CacheListener listener) {
      this.listener = requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Runs {@code @Cacheable} methods on {@code executor} instead of the thread that asked the
     * cache (default). Set it with a backend whose reads complete on its own I/O threads (Redis),
     * so that a blocking method does not run there.
     */
    public Builder loaderExecutor(Executor executor) {
      this.loaderExecutor = requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Creates exactly these caches at once, and no others (default: any name, on first use).
     *
     * @throws dev.hitbox.core.ConfigurationException if a name is not a valid namespace
     */
    public Builder cacheNames(Collection<String> names) {
      List<String> copy = new ArrayList<>(new LinkedHashSet<>(requireNonNull(names, "names")));
      copy.forEach(n -> dev.hitbox.core.CacheKey.checkNamespace(requireNonNull(n, "name")));
      this.names = List.copyOf(copy);
      return this;
    }

    /** Builds the manager. */
    public HitboxCacheManager build() {
      return new HitboxCacheManager(this);
    }
  }
}
