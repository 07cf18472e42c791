package dev.hitbox.benchmarks.engine;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.hitbox.caffeine.CaffeineBackend;
import dev.hitbox.core.CacheEndpoint;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CacheListener;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.CacheStatus;
import dev.hitbox.core.CachedUpstream;
import dev.hitbox.core.HitboxCache;
import dev.hitbox.core.spi.ValueCodec;
import dev.hitbox.micrometer.MicrometerCacheListener;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * The cost of a cache hit: the complete path a user sees, from the call to the value in hand, for
 * plain Caffeine and for the Hitbox engine on its Caffeine backend. Every implementation holds the
 * same {@code size} pre-populated entries and reads keys in the same precomputed random order, so
 * the benchmark measures neither key building nor misses (a miss fails the trial).
 *
 * <p>The implementations, through one {@link HitPath} adapter:
 *
 * <ul>
 *   <li>{@code caffeine_raw}: {@code Cache<String, String>.getIfPresent(key)}, the baseline, built
 *       as a user of Caffeine would build it (size bound only).
 *   <li>{@code caffeine_expiry}: the same, built as {@code CaffeineBackend} builds its cache:
 *       per-entry expiry ({@code expireAfter}) and maintenance on the caller's thread. It shows
 *       what the backend's Caffeine configuration costs before Hitbox adds anything.
 *   <li>{@code caffeine_backend}: {@code CaffeineBackend.read(cacheKey)} with a prebuilt {@link
 *       CacheKey}: the backend alone (per-entry expiry, envelope bytes, no decoding), to split the
 *       engine's cost from the backend's.
 *   <li>{@code hitbox_cache}: {@code HitboxCache.get(key, loader).join()}. Its UTF-8 codec declares
 *       its values immutable, so repeated hits share the decoded value (the object tier).
 *   <li>{@code hitbox_cache_unshared}: the same with a UTF-8 codec that does not declare its values
 *       immutable: every hit decodes its own value, as every hit did before the object tier.
 *   <li>{@code hitbox_cache_micrometer}: {@code hitbox_cache} with a {@code
 *       MicrometerCacheListener} on a {@code PrometheusMeterRegistry} as the cache's listener: what
 *       metrics add to a hit.
 *   <li>{@code hitbox_endpoint}: {@code CachedUpstream.call(request).join()} on a {@link
 *       CacheEndpoint} with the default key extractor.
 * </ul>
 *
 * <p>Run with {@code ./hitbox bench HitPath}; add {@code -prof gc} for the allocation per hit
 * ({@code gc.alloc.rate.norm}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HitPathBenchmark {
  private static final int INDEXES = 1 << 16;
  private static final int INDEX_MASK = INDEXES - 1;
  private static final String NAMESPACE = "bench";
  private static final Duration TTL = Duration.ofDays(1);

  /** Which implementation is measured; the first value is the baseline. */
  @Param({
    "caffeine_raw",
    "caffeine_expiry",
    "caffeine_backend",
    "hitbox_cache",
    "hitbox_cache_unshared",
    "hitbox_cache_micrometer",
    "hitbox_endpoint"
  })
  String impl = "caffeine_raw";

  /** How many entries are cached (all of them are read). */
  @Param("10000")
  int size = 10_000;

  /** The length of each cached value, in ASCII characters. */
  @Param("64")
  int valueLength = 64;

  private HitPath path = i -> null;
  private int[] indexes = new int[0];
  private final AtomicLong upstreamCalls = new AtomicLong();
  private long upstreamCallsBeforeMeasuring;

  /** Each thread walks the shared index array from its own random start. */
  @State(Scope.Thread)
  public static class ThreadState {
    int next = ThreadLocalRandom.current().nextInt();
  }

  /** Fills the cache under test and checks that every key is a hit. */
  @Setup(Level.Trial)
  public void setUp() {
    String[] keys = new String[size];
    String[] values = new String[size];
    for (int i = 0; i < size; i++) {
      keys[i] = "item:" + i;
      values[i] = value(i, valueLength);
    }
    indexes = new int[INDEXES];
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < INDEXES; i++) {
      indexes[i] = random.nextInt(size);
    }
    path = create(impl, keys, values);
    for (int i = 0; i < size; i++) {
      if (path.read(i) == null) {
        throw new IllegalStateException(impl + ": key " + keys[i] + " is not cached");
      }
    }
    upstreamCallsBeforeMeasuring = upstreamCalls.get();
  }

  /** Fails the trial if any measured read was not a hit. */
  @TearDown(Level.Trial)
  public void checkAllHits() {
    long misses = upstreamCalls.get() - upstreamCallsBeforeMeasuring;
    if (misses != 0) {
      throw new IllegalStateException(impl + ": " + misses + " reads missed while measuring");
    }
  }

  /** One caller. */
  @Benchmark
  @Threads(1)
  public @Nullable Object oneThread(ThreadState thread) {
    return path.read(indexes[thread.next++ & INDEX_MASK]);
  }

  /** As many callers as processors, all reading the same cache. */
  @Benchmark
  @Threads(Threads.MAX)
  public @Nullable Object allThreads(ThreadState thread) {
    return path.read(indexes[thread.next++ & INDEX_MASK]);
  }

  /** One way of reading a cached value; every implementation holds the same entries. */
  @FunctionalInterface
  interface HitPath {
    /** Reads the value cached for key number {@code i}; {@code null} when it is not cached. */
    @Nullable Object read(int i);
  }

  private HitPath create(String impl, String[] keys, String[] values) {
    switch (impl) {
      case "caffeine_raw":
        return rawCaffeine(keys, values, Caffeine.newBuilder());
      case "caffeine_expiry":
        return rawCaffeine(
            keys,
            values,
            Caffeine.newBuilder()
                .ticker(System::nanoTime)
                .executor(Runnable::run)
                .expireAfter(new FixedExpiry(TTL)));
      case "caffeine_backend":
        return backendOnly(keys, values);
      case "hitbox_cache":
        return hitboxCache(keys, values, ValueCodec.utf8(), CacheListener.NONE);
      case "hitbox_cache_unshared":
        return hitboxCache(keys, values, new Unshared(ValueCodec.utf8()), CacheListener.NONE);
      case "hitbox_cache_micrometer":
        return hitboxCache(keys, values, ValueCodec.utf8(), prometheusListener());
      case "hitbox_endpoint":
        return hitboxEndpoint(keys, values);
      default:
        throw new IllegalArgumentException(
            "impl: "
                + impl
                + " (expected: caffeine_raw, caffeine_expiry, caffeine_backend, hitbox_cache,"
                + " hitbox_cache_unshared, hitbox_cache_micrometer, hitbox_endpoint)");
    }
  }

  private static HitPath rawCaffeine(
      String[] keys, String[] values, Caffeine<Object, Object> builder) {
    Cache<String, String> cache = builder.maximumSize(2L * keys.length).build();
    for (int i = 0; i < keys.length; i++) {
      cache.put(keys[i], values[i]);
    }
    return i -> cache.getIfPresent(keys[i]);
  }

  /** Per-entry expiry as {@code CaffeineBackend} has it: set on write, unchanged by reads. */
  private static final class FixedExpiry implements Expiry<Object, Object> {
    private final long nanos;

    FixedExpiry(Duration ttl) {
      this.nanos = ttl.toNanos();
    }

    @Override
    public long expireAfterCreate(Object key, Object value, long currentTime) {
      return nanos;
    }

    @Override
    public long expireAfterUpdate(
        Object key, Object value, long currentTime, long currentDuration) {
      return nanos;
    }

    @Override
    public long expireAfterRead(Object key, Object value, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }

  private static CaffeineBackend backend(int size) {
    return CaffeineBackend.builder().maxCapacity(2L * size).build();
  }

  private HitPath backendOnly(String[] keys, String[] values) {
    CaffeineBackend backend = backend(keys.length);
    // Written through a cache so that the backend holds real envelopes.
    HitboxCache<String> writer = newCache(backend);
    CacheKey[] cacheKeys = new CacheKey[keys.length];
    for (int i = 0; i < keys.length; i++) {
      writer.put(keys[i], values[i]).join();
      cacheKeys[i] = CacheKey.of(NAMESPACE, keys[i]);
    }
    return i -> backend.read(cacheKeys[i]).toCompletableFuture().join();
  }

  /**
   * Hitbox's Micrometer listener on a Prometheus registry, as a service that exposes {@code
   * /metrics} has it.
   */
  static CacheListener prometheusListener() {
    return MicrometerCacheListener.of(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  private HitPath hitboxCache(
      String[] keys, String[] values, ValueCodec<String> codec, CacheListener listener) {
    HitboxCache<String> cache = newCache(backend(keys.length), codec, listener);
    for (int i = 0; i < keys.length; i++) {
      cache.put(keys[i], values[i]).join();
    }
    Map<String, String> source = toMap(keys, values);
    Function<String, CompletionStage<String>> loader =
        key -> {
          upstreamCalls.incrementAndGet();
          return CompletableFuture.completedFuture(source.get(key));
        };
    for (String key : keys) {
      CacheStatus status = cache.getWithStatus(key, loader).join().status();
      if (status != CacheStatus.HIT) {
        throw new IllegalStateException(impl + ": " + key + " is a " + status);
      }
    }
    return i -> cache.get(keys[i], loader).join();
  }

  private HitPath hitboxEndpoint(String[] keys, String[] values) {
    Map<String, String> source = toMap(keys, values);
    CachedUpstream<String, String> cached =
        CacheEndpoint.<String, String>builder(NAMESPACE)
            .backend(backend(keys.length))
            .codec(ValueCodec.utf8())
            .policy(CachePolicy.builder().ttl(TTL).build())
            .build()
            .wrap(
                request -> {
                  upstreamCalls.incrementAndGet();
                  return CompletableFuture.completedFuture(source.get(request));
                });
    // The requests are the keys themselves: built once, here, not in the measured call.
    for (String request : keys) {
      cached.call(request).join();
      CacheStatus status = cached.exchange(request).join().status();
      if (status != CacheStatus.HIT) {
        throw new IllegalStateException("hitbox_endpoint: " + request + " is a " + status);
      }
    }
    return i -> cached.call(keys[i]).join();
  }

  private static HitboxCache<String> newCache(CaffeineBackend backend) {
    return newCache(backend, ValueCodec.utf8(), CacheListener.NONE);
  }

  private static HitboxCache<String> newCache(
      CaffeineBackend backend, ValueCodec<String> codec, CacheListener listener) {
    return HitboxCache.builder(NAMESPACE, codec)
        .backend(backend)
        .listener(listener)
        .policy(CachePolicy.builder().ttl(TTL).concurrency(1).build())
        .build();
  }

  /** Another codec's format, without declaring its values immutable: no decoded value is kept. */
  private static final class Unshared implements ValueCodec<String> {
    private final ValueCodec<String> codec;

    Unshared(ValueCodec<String> codec) {
      this.codec = codec;
    }

    @Override
    public byte formatId() {
      return codec.formatId();
    }

    @Override
    public byte[] encode(String value) {
      return codec.encode(value);
    }

    @Override
    public String decode(byte[] bytes, int offset, int length) {
      return codec.decode(bytes, offset, length);
    }
  }

  private static Map<String, String> toMap(String[] keys, String[] values) {
    Map<String, String> map = new HashMap<>(keys.length * 2);
    for (int i = 0; i < keys.length; i++) {
      map.put(keys[i], values[i]);
    }
    return map;
  }

  private static String value(int i, int length) {
    StringBuilder sb = new StringBuilder(length);
    sb.append("value-").append(i).append(':');
    while (sb.length() < length) {
      sb.append((char) ('a' + sb.length() % 26));
    }
    sb.setLength(length);
    return sb.toString();
  }
}
