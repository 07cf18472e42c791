package dev.hitbox.spring.cache;

import dev.hitbox.core.HitboxCache;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.cache.Cache;
import org.springframework.cache.support.NullValue;
import org.springframework.cache.support.SimpleValueWrapper;

/** A Spring {@link Cache} over a {@link HitboxCache}. Thread-safe. */
final class SpringCache implements Cache {
  private final HitboxCache<Object> cache;
  private final @Nullable Executor loaderExecutor;

  SpringCache(HitboxCache<Object> cache, @Nullable Executor loaderExecutor) {
    this.cache = cache;
    this.loaderExecutor = loaderExecutor;
  }

  private static String key(Object key) {
    return String.valueOf(key);
  }

  private static Object toStore(@Nullable Object value) {
    return value == null ? NullValue.INSTANCE : value;
  }

  private static @Nullable Object fromStore(@Nullable Object stored) {
    return stored == NullValue.INSTANCE ? null : stored;
  }

  @Override
  public String getName() {
    return cache.name();
  }

  @Override
  public HitboxCache<Object> getNativeCache() {
    return cache;
  }

  @Override
  public @Nullable ValueWrapper get(Object key) {
    Object stored = join(cache.getIfPresent(key(key)));
    return stored == null ? null : new SimpleValueWrapper(fromStore(stored));
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> @Nullable T get(Object key, @Nullable Class<T> type) {
    Object stored = join(cache.getIfPresent(key(key)));
    Object value = fromStore(stored);
    if (value != null && type != null && !type.isInstance(value)) {
      throw new IllegalStateException(
          "cached value is not of required type [" + type.getName() + "]: " + value);
    }
    return (T) value;
  }

  /**
   * Returns the cached value or calls {@code valueLoader} through the engine: concurrent callers of
   * one key wait for the first one's load (dogpile prevention), as {@code @Cacheable(sync = true)}
   * expects.
   */
  @Override
  @SuppressWarnings("unchecked")
  public <T> @Nullable T get(Object key, Callable<T> valueLoader) {
    Function<String, CompletionStage<Object>> load =
        k -> {
          if (loaderExecutor != null) {
            return CompletableFuture.supplyAsync(() -> call(key, valueLoader), loaderExecutor);
          }
          try {
            return CompletableFuture.completedFuture(call(key, valueLoader));
          } catch (ValueRetrievalException e) {
            return CompletableFuture.failedFuture(e);
          }
        };
    return (T) fromStore(join(cache.get(key(key), load)));
  }

  private static Object call(Object key, Callable<?> loader) {
    try {
      return toStore(loader.call());
    } catch (Exception e) {
      throw new ValueRetrievalException(key, loader, e);
    }
  }

  @Override
  public @Nullable CompletableFuture<?> retrieve(Object key) {
    return cache
        .getIfPresent(key(key))
        .thenApply(stored -> stored == null ? null : new SimpleValueWrapper(fromStore(stored)));
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
    return cache
        .get(key(key), k -> valueLoader.get().thenApply(SpringCache::toStore))
        .thenApply(v -> (T) fromStore(v));
  }

  @Override
  public void put(Object key, @Nullable Object value) {
    join(cache.put(key(key), toStore(value)));
  }

  @Override
  public void evict(Object key) {
    join(cache.invalidate(key(key)));
  }

  @Override
  public boolean evictIfPresent(Object key) {
    return Boolean.TRUE.equals(join(cache.invalidate(key(key))));
  }

  /** Removes every entry of this cache (needs a backend with pattern invalidation). */
  @Override
  public void clear() {
    join(cache.invalidatePattern("*"));
  }

  @Override
  public boolean invalidate() {
    Long removed = join(cache.invalidatePattern("*"));
    return removed != null && removed > 0;
  }

  private static <V> V join(CompletableFuture<V> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  @Override
  public String toString() {
    return "SpringCache{" + cache + '}';
  }
}
