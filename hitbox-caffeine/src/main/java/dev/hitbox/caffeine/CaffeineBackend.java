package dev.hitbox.caffeine;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.Ticker;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.core.spi.KeyPattern;
import dev.hitbox.core.spi.PatternInvalidator;
import dev.hitbox.core.spi.TagInvalidator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The in-memory backend: a Caffeine cache of envelopes, bounded by entry count or by bytes,
 * expiring each entry at its own {@code expireAt}. Supports pattern and tag invalidation. Every
 * call completes on the caller's thread. Thread-safe.
 *
 * <pre>{@code
 * Backend memory = CaffeineBackend.builder().maxCapacity(10_000).build();
 * Backend bounded = CaffeineBackend.builder().maxWeightBytes(64L << 20).build();
 * }</pre>
 */
public final class CaffeineBackend implements Backend, PatternInvalidator, TagInvalidator {
  /** Estimated bytes a stored entry costs beyond its envelope (key, node, entry objects). */
  static final int ENTRY_OVERHEAD = 96;

  private final Cache<CacheKey, BackendEntry> cache;
  private final Ticker ticker;
  private final String name;

  private CaffeineBackend(Builder b) {
    this.ticker = b.ticker;
    this.name = b.name;
    Caffeine<CacheKey, BackendEntry> c =
        Caffeine.newBuilder()
            .ticker(ticker::nanoTime)
            .executor(Runnable::run)
            .expireAfter(new EntryExpiry(ticker));
    if (b.maxWeightBytes > 0) {
      c.maximumWeight(b.maxWeightBytes).weigher(CaffeineBackend::weigh);
    } else {
      c.maximumSize(b.maxCapacity);
    }
    this.cache = c.build();
  }

  private static int weigh(CacheKey key, BackendEntry entry) {
    long w = (long) entry.bytes().length + ENTRY_OVERHEAD + 2L * key.text().length();
    return (int) Math.min(Integer.MAX_VALUE, w);
  }

  /** Starts a backend. Default: at most 10,000 entries. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public CompletionStage<byte @Nullable []> read(CacheKey key) {
    BackendEntry e = cache.getIfPresent(key);
    if (e == null || e.expireAt() <= ticker.currentTimeMillis()) {
      return CompletableFuture.completedFuture(null);
    }
    return CompletableFuture.completedFuture(e.bytes());
  }

  @Override
  public CompletionStage<Void> write(CacheKey key, BackendEntry entry) {
    requireNonNull(entry, "entry");
    if (entry.expireAt() > ticker.currentTimeMillis()) {
      cache.put(key, entry);
    } else {
      cache.invalidate(key);
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Boolean> remove(CacheKey key) {
    return CompletableFuture.completedFuture(cache.asMap().remove(key) != null);
  }

  @Override
  public CompletionStage<Long> invalidatePattern(String namespace, String pattern) {
    long n = 0;
    for (Map.Entry<CacheKey, BackendEntry> e : cache.asMap().entrySet()) {
      CacheKey k = e.getKey();
      if (k.namespace().equals(namespace)
          && KeyPattern.matches(pattern, k.text())
          && cache.asMap().remove(k, e.getValue())) {
        n++;
      }
    }
    return CompletableFuture.completedFuture(n);
  }

  @Override
  public CompletionStage<Long> invalidateTag(String tag) {
    long n = 0;
    for (Map.Entry<CacheKey, BackendEntry> e : cache.asMap().entrySet()) {
      if (e.getValue().tags().contains(tag) && cache.asMap().remove(e.getKey(), e.getValue())) {
        n++;
      }
    }
    return CompletableFuture.completedFuture(n);
  }

  /** The number of entries held now (approximate: expired entries may not be swept yet). */
  public long estimatedSize() {
    return cache.estimatedSize();
  }

  /** Performs pending maintenance (evictions, expirations) now; for tests and reports. */
  public void cleanUp() {
    cache.cleanUp();
  }

  @Override
  public String toString() {
    return "CaffeineBackend{" + name + ", size=" + cache.estimatedSize() + '}';
  }

  /** Each entry lives until its own {@code expireAt}. */
  private static final class EntryExpiry implements Expiry<CacheKey, BackendEntry> {
    private final Ticker ticker;

    EntryExpiry(Ticker ticker) {
      this.ticker = ticker;
    }

    private long remaining(BackendEntry e) {
      long ms = e.expireAt() - ticker.currentTimeMillis();
      return ms <= 0 ? 0 : TimeUnit.MILLISECONDS.toNanos(ms);
    }

    @Override
    public long expireAfterCreate(CacheKey key, BackendEntry value, long currentTime) {
      return remaining(value);
    }

    @Override
    public long expireAfterUpdate(
        CacheKey key, BackendEntry value, long currentTime, long currentDuration) {
      return remaining(value);
    }

    @Override
    public long expireAfterRead(
        CacheKey key, BackendEntry value, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }

  /** Builds a {@link CaffeineBackend}; setters validate at once. Not thread-safe. */
  public static final class Builder {
    private long maxCapacity = 10_000;
    private long maxWeightBytes;
    private Ticker ticker = Ticker.systemTicker();
    private String name = "caffeine";

    private Builder() {}

    /**
     * Bounds the number of entries (default 10,000); the least valuable are evicted first.
     *
     * @throws ConfigurationException unless {@code >= 1}
     */
    public Builder maxCapacity(long entries) {
      if (entries < 1) {
        throw new ConfigurationException("max_capacity: " + entries + " (expected: >= 1)");
      }
      this.maxCapacity = entries;
      this.maxWeightBytes = 0;
      return this;
    }

    /**
     * Bounds the memory held instead of the entry count: envelope bytes plus an estimated overhead
     * per entry.
     *
     * @throws ConfigurationException unless {@code >= 1}
     */
    public Builder maxWeightBytes(long bytes) {
      if (bytes < 1) {
        throw new ConfigurationException("max_bytes: " + bytes + " (expected: >= 1)");
      }
      this.maxWeightBytes = bytes;
      return this;
    }

    /** Sets the ticker that expires entries (default the system clock). */
    public Builder ticker(Ticker ticker) {
      this.ticker = requireNonNull(ticker, "ticker");
      return this;
    }

    /** Sets the name used in metrics (default {@code "caffeine"}). */
    public Builder name(String name) {
      requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new ConfigurationException("name: \"" + name + "\" (expected: non-blank)");
      }
      this.name = name;
      return this;
    }

    /** Builds the backend. */
    public CaffeineBackend build() {
      return new CaffeineBackend(this);
    }
  }
}
