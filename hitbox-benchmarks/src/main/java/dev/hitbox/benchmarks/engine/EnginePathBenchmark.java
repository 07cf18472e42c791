package dev.hitbox.benchmarks.engine;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.hitbox.caffeine.CaffeineBackend;
import dev.hitbox.core.CacheListener;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.CacheStatus;
import dev.hitbox.core.HitboxCache;
import dev.hitbox.core.StalePolicy;
import dev.hitbox.core.spi.ValueCodec;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.caffeine.CaffeineCacheManager;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The three paths of a cache read, each for raw Caffeine, Spring Cache ({@code @Cacheable} on a
 * proxied bean, {@code CaffeineCacheManager}) and Hitbox ({@code HitboxCache.get} on {@code
 * CaffeineBackend}), measured as throughput with as many threads as the run asks for ({@code
 * ./hitbox bench engine} runs it on 1, 2 and all cores). {@code hitbox_cache_micrometer} is {@code
 * hitbox_cache} with a {@code MicrometerCacheListener} on a {@code PrometheusMeterRegistry} as the
 * cache's listener: what metrics add to each path.
 *
 * <ul>
 *   <li>{@code hit}: {@code size} pre-populated entries read in a precomputed random order; a load
 *       while measuring fails the trial.
 *   <li>{@code miss}: every read is of a key never seen before, so every read calls the loader
 *       (which answers at once) and stores the value; the cache is bounded to {@code size} entries,
 *       so each store also evicts.
 *   <li>{@code stale}: every entry is past its freshness (1 ms) and within its stale window (1
 *       day): each read answers the old value at once and starts a background refresh, one per key
 *       at a time. Caffeine: {@code refreshAfterWrite} on a {@code LoadingCache}; Spring: the same
 *       Caffeine given to {@code CaffeineCacheManager} with a cache loader; Hitbox: {@code
 *       StalePolicy.OFFLOAD_REVALIDATE}. The refreshes run on the common fork-join pool in all
 *       three and compete for the same cores.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EnginePathBenchmark {
  private static final int INDEXES = 1 << 16;
  private static final int INDEX_MASK = INDEXES - 1;
  private static final Duration LONG_TTL = Duration.ofDays(1);
  private static final Duration STALE_AFTER = Duration.ofMillis(1);

  /** The implementation; the first value is the baseline. */
  @Param({"caffeine_raw", "spring_cacheable", "hitbox_cache", "hitbox_cache_micrometer"})
  String impl = "caffeine_raw";

  /** Which path every read takes. */
  @Param({"hit", "miss", "stale"})
  String path = "hit";

  /** How many entries the cache holds (and, for misses, its bound). */
  @Param("10000")
  int size = 10_000;

  private final AtomicLong loads = new AtomicLong();
  private final AtomicInteger threadIds = new AtomicInteger();
  private long loadsBeforeMeasuring;
  private String[] keys = new String[0];
  private int[] indexes = new int[0];
  private String value = "";
  private Reader reader = key -> null;
  private @Nullable AnnotationConfigApplicationContext spring;

  /** Each thread walks the index array from its own start and names its own missing keys. */
  @State(Scope.Thread)
  public static class ThreadState {
    int next = ThreadLocalRandom.current().nextInt();
    long missing;
    String prefix = "";

    /** Gives the thread a prefix no other thread uses. */
    @Setup(Level.Trial)
    public void setUp(EnginePathBenchmark bench) {
      prefix = "miss-" + bench.threadIds.incrementAndGet() + ":";
    }
  }

  /** One way of reading through a cache. */
  @FunctionalInterface
  interface Reader {
    @Nullable Object read(String key);
  }

  /** Builds the cache under test, fills it, and checks that a read takes the intended path. */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    value = "v".repeat(64);
    keys = new String[size];
    for (int i = 0; i < size; i++) {
      keys[i] = "item:" + i;
    }
    indexes = new int[INDEXES];
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < INDEXES; i++) {
      indexes[i] = random.nextInt(size);
    }
    boolean stale = path.equals("stale");
    reader =
        switch (impl) {
          case "caffeine_raw" -> caffeine(stale);
          case "spring_cacheable" -> spring(stale);
          case "hitbox_cache" -> hitbox(stale, CacheListener.NONE);
          case "hitbox_cache_micrometer" -> hitbox(stale, HitPathBenchmark.prometheusListener());
          default ->
              throw new IllegalArgumentException(
                  "impl: "
                      + impl
                      + " (expected: caffeine_raw, spring_cacheable, hitbox_cache,"
                      + " hitbox_cache_micrometer)");
        };
    if (!path.equals("miss")) {
      for (String key : keys) {
        reader.read(key);
      }
      if (stale) {
        Thread.sleep(STALE_AFTER.toMillis() * 5); // every entry is now past its freshness
      }
    }
    loadsBeforeMeasuring = loads.get();
  }

  /** Fails a hit trial that loaded; closes Spring's context. */
  @TearDown(Level.Trial)
  public void tearDown() {
    long measuredLoads = loads.get() - loadsBeforeMeasuring;
    if (spring != null) {
      spring.close();
    }
    if (path.equals("hit") && measuredLoads != 0) {
      throw new IllegalStateException(impl + ": " + measuredLoads + " loads while reading hits");
    }
    if (!path.equals("hit") && measuredLoads == 0) {
      throw new IllegalStateException(impl + ": no load at all on the " + path + " path");
    }
  }

  /** One read. */
  @Benchmark
  public @Nullable Object read(ThreadState t) {
    if (path.equals("miss")) {
      return reader.read(t.prefix + t.missing++);
    }
    return reader.read(keys[indexes[t.next++ & INDEX_MASK]]);
  }

  private String load(String key) {
    loads.incrementAndGet();
    return value;
  }

  private Reader caffeine(boolean stale) {
    if (stale) {
      LoadingCache<String, String> cache =
          Caffeine.newBuilder().maximumSize(size).refreshAfterWrite(STALE_AFTER).build(this::load);
      return cache::get;
    }
    Cache<String, String> cache = Caffeine.newBuilder().maximumSize(size).build();
    Function<String, String> loader = this::load;
    return key -> cache.get(key, loader);
  }

  private Reader spring(boolean stale) {
    AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
    context.registerBean(EnginePathBenchmark.class, () -> this);
    context.registerBean("stale", Boolean.class, () -> stale);
    context.register(SpringCaching.class);
    context.refresh();
    spring = context;
    Items items = context.getBean(Items.class);
    if (!org.springframework.aop.support.AopUtils.isAopProxy(items)) {
      throw new IllegalStateException("spring_cacheable: the bean is not proxied");
    }
    return items::item;
  }

  private Reader hitbox(boolean stale, CacheListener listener) {
    CachePolicy.Builder policy = CachePolicy.builder().concurrency(1);
    if (stale) {
      policy.ttl(STALE_AFTER).stale(LONG_TTL).stalePolicy(StalePolicy.OFFLOAD_REVALIDATE);
    } else {
      policy.ttl(LONG_TTL);
    }
    HitboxCache<String> cache =
        HitboxCache.builder("bench", ValueCodec.utf8())
            .backend(CaffeineBackend.builder().maxCapacity(size).build())
            .policy(policy.build())
            .listener(listener)
            .build();
    Function<String, CompletionStage<String>> loader =
        key -> CompletableFuture.completedFuture(load(key));
    if (stale) {
      // check once that a read after the freshness is served stale
      cache.get("probe", loader).join();
      try {
        Thread.sleep(STALE_AFTER.toMillis() * 5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      CacheStatus status = cache.getWithStatus("probe", loader).join().status();
      if (status != CacheStatus.STALE) {
        throw new IllegalStateException(impl + ": a stale read answered " + status);
      }
    }
    return key -> cache.get(key, loader).join();
  }

  /** The bean Spring proxies: {@code @Cacheable} on a method that calls the loader. */
  public static class Items {
    private final EnginePathBenchmark bench;

    /** A bean that loads through {@code bench}. */
    public Items(EnginePathBenchmark bench) {
      this.bench = bench;
    }

    /** The cached method. */
    @Cacheable("items")
    public String item(String key) {
      return bench.load(key);
    }
  }

  /** Spring Cache on Caffeine, with the same Caffeine settings as {@code caffeine_raw}. */
  @Configuration(proxyBeanMethods = false)
  @EnableCaching
  public static class SpringCaching {
    /** The cache manager: bounded Caffeine, refreshing after 1 ms for the stale path. */
    @Bean
    public CaffeineCacheManager cacheManager(EnginePathBenchmark bench, Boolean stale) {
      CaffeineCacheManager manager = new CaffeineCacheManager("items");
      if (stale) {
        // the loader first: setCaffeine builds the cache, and refreshAfterWrite needs a loader
        manager.setCacheLoader(key -> bench.load((String) key));
        manager.setCaffeine(
            Caffeine.newBuilder().maximumSize(bench.size).refreshAfterWrite(STALE_AFTER));
      } else {
        manager.setCaffeine(Caffeine.newBuilder().maximumSize(bench.size));
      }
      return manager;
    }

    /** The proxied bean. */
    @Bean
    public Items items(EnginePathBenchmark bench) {
      return new Items(bench);
    }
  }
}
