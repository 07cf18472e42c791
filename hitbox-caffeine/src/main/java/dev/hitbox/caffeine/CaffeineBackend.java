package dev.hitbox.caffeine;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.Ticker;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.core.spi.Clearable;
import dev.hitbox.core.spi.InProcessBackend;
import dev.hitbox.core.spi.KeyPattern;
import dev.hitbox.core.spi.PatternInvalidator;
import dev.hitbox.core.spi.TagInvalidator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The in-memory backend: a Caffeine cache of envelopes, bounded by entry count or by bytes,
 * expiring each entry at its own {@code expireAt}. Supports pattern and tag invalidation. Every
 * call completes on the caller's thread; Caffeine's maintenance runs on the {@linkplain
 * Builder#executor executor}. Thread-safe.
 *
 * <p>Tag invalidation goes through an index from each tag to the keys whose current entry carries
 * it, so it costs the number of tagged entries, not the size of the cache. The index is updated in
 * the same atomic step as the entry it describes: on write and remove inside a per-key {@code
 * compute}, on eviction and expiry in Caffeine's eviction listener, which runs inside the removal.
 * A key leaves the index when its entry is replaced, removed, evicted or swept after expiry, so the
 * index never outgrows the cache. Pattern invalidation scans the keys.
 *
 * <p>It is an {@link InProcessBackend}: the engine reads the stored {@link BackendEntry} itself,
 * and, for an endpoint that shares decoded values ({@code shareDecodedValues(true)}, or a codec of
 * immutable values such as UTF-8 strings), keeps the decoded value on it, so that a repeated hit
 * decodes nothing. Each write stores a new entry object, so a value decoded from an older entry is
 * never returned after an overwrite, a removal or an invalidation.
 *
 * <pre>{@code
 * Backend memory = CaffeineBackend.builder().maxCapacity(10_000).build();
 * Backend bounded = CaffeineBackend.builder().maxWeightBytes(64L << 20).build();
 * }</pre>
 */
public final class CaffeineBackend
    implements Backend, InProcessBackend, PatternInvalidator, TagInvalidator, Clearable {
  /** Estimated bytes a stored entry costs beyond its envelope (key, node, entry objects). */
  static final int ENTRY_OVERHEAD = 96;

  /** Estimated bytes a tag costs in an entry and in the index, beyond its characters. */
  static final int TAG_OVERHEAD = 48;

  private final Cache<CacheKey, BackendEntry> cache;
  private final Map<CacheKey, BackendEntry> map;
  private final ConcurrentHashMap<String, Set<CacheKey>> tagIndex = new ConcurrentHashMap<>();
  private final Ticker ticker;
  private final String name;

  private CaffeineBackend(Builder b) {
    this.ticker = b.ticker;
    this.name = b.name;
    Caffeine<CacheKey, BackendEntry> c =
        Caffeine.newBuilder()
            .ticker(ticker::nanoTime)
            .executor(b.executor)
            .expireAfter(new EntryExpiry(ticker))
            .evictionListener(
                (@Nullable CacheKey k, @Nullable BackendEntry e, RemovalCause cause) -> {
                  if (k != null && e != null) {
                    unindex(k, e.tags());
                  }
                });
    if (b.maxWeightBytes > 0) {
      c.maximumWeight(b.maxWeightBytes).weigher(CaffeineBackend::weigh);
    } else {
      c.maximumSize(b.maxCapacity);
    }
    this.cache = c.build();
    this.map = cache.asMap();
  }

  private static int weigh(CacheKey key, BackendEntry entry) {
    long w = (long) entry.bytes().length + ENTRY_OVERHEAD + 2L * key.text().length();
    for (String tag : entry.tags()) {
      w += TAG_OVERHEAD + 2L * tag.length();
    }
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
    // Caffeine's per-entry expiry already hides an entry past its expireAt (same ticker), and the
    // engine checks freshness itself: no clock read of our own on the hit path.
    BackendEntry e = cache.getIfPresent(key);
    return CompletableFuture.completedFuture(e == null ? null : e.bytes());
  }

  /**
   * The entry stored under {@code key}, the same instance {@link #write} stored, or {@code null}
   * when there is none or it has expired. Never blocks.
   */
  @Override
  public @Nullable BackendEntry readEntry(CacheKey key) {
    return cache.getIfPresent(key);
  }

  @Override
  public CompletionStage<Void> write(CacheKey key, BackendEntry entry) {
    requireNonNull(key, "key");
    requireNonNull(entry, "entry");
    boolean live = entry.expireAt() > ticker.currentTimeMillis();
    map.compute(
        key,
        (k, old) -> {
          Set<String> before = old == null ? Set.of() : old.tags();
          Set<String> after = live ? entry.tags() : Set.of();
          for (String tag : before) {
            if (!after.contains(tag)) {
              unindex(k, tag);
            }
          }
          for (String tag : after) {
            if (!before.contains(tag)) {
              index(k, tag);
            }
          }
          return live ? entry : null;
        });
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Boolean> remove(CacheKey key) {
    requireNonNull(key, "key");
    long now = ticker.currentTimeMillis();
    boolean[] removed = {false};
    map.computeIfPresent(
        key,
        (k, old) -> {
          unindex(k, old.tags());
          removed[0] = old.expireAt() > now;
          return null;
        });
    return CompletableFuture.completedFuture(removed[0]);
  }

  @Override
  public CompletionStage<Long> invalidatePattern(String namespace, String pattern) {
    requireNonNull(namespace, "namespace");
    requireNonNull(pattern, "pattern");
    List<CacheKey> matching = new ArrayList<>();
    for (CacheKey k : map.keySet()) {
      if (k.namespace().equals(namespace) && KeyPattern.matches(pattern, k.text())) {
        matching.add(k);
      }
    }
    long n = 0;
    for (CacheKey k : matching) {
      n += removeIf(k, null);
    }
    return CompletableFuture.completedFuture(n);
  }

  @Override
  public CompletionStage<Long> invalidateTag(String tag) {
    requireNonNull(tag, "tag");
    Set<CacheKey> keys = tagIndex.get(tag);
    if (keys == null) {
      return CompletableFuture.completedFuture(0L);
    }
    long n = 0;
    for (CacheKey k : List.copyOf(keys)) {
      n += removeIf(k, tag);
    }
    return CompletableFuture.completedFuture(n);
  }

  /** Removes the entry under {@code k} if it carries {@code tag} (any entry when null). */
  private int removeIf(CacheKey k, @Nullable String tag) {
    long now = ticker.currentTimeMillis();
    int[] removed = {0};
    map.computeIfPresent(
        k,
        (key, e) -> {
          if (tag != null && !e.tags().contains(tag)) {
            return e;
          }
          unindex(key, e.tags());
          removed[0] = e.expireAt() > now ? 1 : 0;
          return null;
        });
    return removed[0];
  }

  // The index is only changed inside an atomic operation on the key's entry (a compute or the
  // eviction listener), so changes for one key never interleave. Per tag, compute keeps adding a
  // key and dropping an emptied set atomic with each other.

  private void index(CacheKey key, String tag) {
    tagIndex.compute(
        tag,
        (t, keys) -> {
          Set<CacheKey> s = keys != null ? keys : ConcurrentHashMap.newKeySet();
          s.add(key);
          return s;
        });
  }

  private void unindex(CacheKey key, String tag) {
    tagIndex.computeIfPresent(
        tag,
        (t, keys) -> {
          keys.remove(key);
          return keys.isEmpty() ? null : keys;
        });
  }

  private void unindex(CacheKey key, Set<String> tags) {
    for (String tag : tags) {
      unindex(key, tag);
    }
  }

  /**
   * Removes every entry, one at a time so that the tag index stays in step with concurrent writes;
   * an entry written meanwhile may survive.
   */
  @Override
  public CompletionStage<Void> clear() {
    for (CacheKey key : map.keySet()) {
      remove(key);
    }
    return CompletableFuture.completedFuture(null);
  }

  /** The number of entries held now (approximate: expired entries may not be swept yet). */
  public long estimatedSize() {
    return cache.estimatedSize();
  }

  /** Performs pending maintenance (evictions, expirations) now; for tests and reports. */
  public void cleanUp() {
    cache.cleanUp();
  }

  /** A copy of the tag index: tag to the keys whose entry carries it. For tests. */
  Map<String, Set<CacheKey>> tagIndex() {
    Map<String, Set<CacheKey>> copy = new HashMap<>();
    tagIndex.forEach((tag, keys) -> copy.put(tag, Set.copyOf(keys)));
    return copy;
  }

  /** A copy of the live entries. For tests. */
  Map<CacheKey, BackendEntry> entries() {
    return Map.copyOf(map);
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
    private Executor executor = ForkJoinPool.commonPool();

    private Builder() {}

    /**
     * Bounds the number of entries (default 10,000); the least valuable are evicted first. Replaces
     * a bound set by {@link #maxWeightBytes}.
     *
     * @throws ConfigurationException unless {@code >= 1}, e.g. {@code "max_capacity: 0 (expected:
     *     >= 1)"}
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
     * per entry, key and tag. Replaces a bound set by {@link #maxCapacity}.
     *
     * @throws ConfigurationException unless {@code >= 1}, e.g. {@code "max_weight_bytes: 0
     *     (expected: >= 1)"}
     */
    public Builder maxWeightBytes(long bytes) {
      if (bytes < 1) {
        throw new ConfigurationException("max_weight_bytes: " + bytes + " (expected: >= 1)");
      }
      this.maxWeightBytes = bytes;
      return this;
    }

    /** Sets the ticker that expires entries (default the system clock). */
    public Builder ticker(Ticker ticker) {
      this.ticker = requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Sets where Caffeine runs its maintenance: draining its read and write buffers, expiring and
     * evicting entries (default the common fork-join pool, Caffeine's own default, which keeps that
     * work off the caller's hit path). {@code Runnable::run} does it on the calling thread, for
     * tests that want it deterministic; {@link #cleanUp()} does pending work at once either way.
     * Tag index updates happen inside the eviction, on whichever thread runs it.
     */
    public Builder executor(Executor executor) {
      this.executor = requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Sets the name used in metrics (default {@code "caffeine"}).
     *
     * @throws ConfigurationException if blank
     */
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
