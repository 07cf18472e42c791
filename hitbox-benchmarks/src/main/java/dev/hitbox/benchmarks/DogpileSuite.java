package dev.hitbox.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.hitbox.benchmarks.report.Chart;
import dev.hitbox.benchmarks.report.Report;
import dev.hitbox.benchmarks.report.Table;
import dev.hitbox.caffeine.CaffeineBackend;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.HitboxCache;
import dev.hitbox.core.spi.ValueCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.caffeine.CaffeineCacheManager;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code dogpile}: N callers ask for the same cold key at the same moment; how many calls reach the
 * upstream, and how long the callers wait, for N = 1, 2 and 4, per implementation.
 */
final class DogpileSuite implements Suite {
  static final List<Integer> CONCURRENCY = List.of(1, 2, 4);
  static final long UPSTREAM_MILLIS = 10;

  @Override
  public String name() {
    return "dogpile";
  }

  @Override
  public String description() {
    return "N concurrent cold requests for one key (N = 1, 2, 4) vs upstream calls";
  }

  /** A cache in front of the upstream: {@code get} blocks until the caller has its value. */
  interface Impl extends AutoCloseable {
    String get(String key) throws Exception;

    @Override
    default void close() {}
  }

  /** The slow upstream: counts calls, answers after {@value #UPSTREAM_MILLIS} ms. */
  static final class Upstream {
    final AtomicLong calls = new AtomicLong();

    String call(String key) {
      calls.incrementAndGet();
      try {
        Thread.sleep(UPSTREAM_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "value of " + key;
    }

    CompletableFuture<String> callAsync(String key) {
      calls.incrementAndGet();
      return CompletableFuture.supplyAsync(
          () -> "value of " + key,
          CompletableFuture.delayedExecutor(UPSTREAM_MILLIS, TimeUnit.MILLISECONDS));
    }
  }

  @Override
  public Report run(SuiteOptions options) throws Exception {
    int keys = options.longRun() ? 500 : 100;
    Report report =
        Report.start(
            name(), "Dogpile: concurrent cold requests vs upstream calls", options.command(name()));
    Map<String, Function<Upstream, Impl>> impls = new LinkedHashMap<>();
    impls.put("no cache", u -> u::call);
    impls.put("Spring `@Cacheable`", u -> spring(u, false));
    impls.put("Spring `@Cacheable(sync = true)`", u -> spring(u, true));
    impls.put("Caffeine `get(key, loader)`", DogpileSuite::caffeine);
    impls.put("Hitbox, `concurrency(1)`", DogpileSuite::hitbox);
    impls.put("Hitbox, no concurrency limit", DogpileSuite::hitboxUnlimited);

    Map<String, double[]> callsPerKey = new LinkedHashMap<>();
    Map<String, double[]> waitMillis = new LinkedHashMap<>();
    ExecutorService callers = Executors.newFixedThreadPool(CONCURRENCY.get(CONCURRENCY.size() - 1));
    try {
      for (Map.Entry<String, Function<Upstream, Impl>> e : impls.entrySet()) {
        double[] calls = new double[CONCURRENCY.size()];
        double[] waits = new double[CONCURRENCY.size()];
        for (int c = 0; c < CONCURRENCY.size(); c++) {
          int n = CONCURRENCY.get(c);
          Upstream upstream = new Upstream();
          try (Impl impl = e.getValue().apply(upstream)) {
            impl.get("warm-up"); // proxies, classes and the JIT's first pass
            upstream.calls.set(0);
            long waited = 0;
            for (int k = 0; k < keys; k++) {
              waited += round(callers, impl, "n" + n + "-key-" + k, n);
            }
            calls[c] = (double) upstream.calls.get() / keys;
            waits[c] = waited / 1e6 / keys / n;
          }
          System.err.printf(
              Locale.ROOT,
              "dogpile: %-34s %d callers: %.2f upstream calls per key%n",
              e.getKey(),
              n,
              calls[c]);
        }
        callsPerKey.put(e.getKey(), calls);
        waitMillis.put(e.getKey(), waits);
      }
    } finally {
      callers.shutdownNow();
    }
    report.finish();
    report.intro(
        "For each of "
            + keys
            + " keys never asked before, N callers on N threads ask for it at the same moment"
            + " (released by one latch); the upstream answers after "
            + UPSTREAM_MILLIS
            + " ms (Spring and Caffeine call it on the caller's thread, Hitbox's loader returns a"
            + " future completed after the delay). Upstream calls are counted per key; the"
            + " wait is the mean time from a caller's request to its answer. Everything runs in"
            + " one process, in one run.");
    List<String> header = new ArrayList<>(List.of("implementation"));
    for (int n : CONCURRENCY) {
      header.add("N=" + n + ": upstream calls per key");
    }
    for (int n : CONCURRENCY) {
      header.add("N=" + n + ": mean wait");
    }
    Table table = Table.of("", header.toArray(String[]::new));
    List<String> categories = new ArrayList<>();
    for (int n : CONCURRENCY) {
      categories.add(n + " concurrent caller" + (n == 1 ? "" : "s"));
    }
    Chart chart =
        Chart.of("Upstream calls per cold key (lower is better)", "calls per key", categories);
    for (String impl : callsPerKey.keySet()) {
      List<Object> row = new ArrayList<>(List.of(impl));
      List<Double> values = new ArrayList<>();
      for (double v : callsPerKey.get(impl)) {
        row.add(Table.num(v, 2));
        values.add(v);
      }
      for (double w : waitMillis.get(impl)) {
        row.add(Table.num(w, 1) + " ms");
      }
      table.row(row.toArray());
      chart.series(impl.replace("`", ""), values);
    }
    report.table(table).chart(chart);
    double[] hitbox = callsPerKey.get("Hitbox, `concurrency(1)`");
    double[] none = callsPerKey.get("no cache");
    int last = CONCURRENCY.size() - 1;
    report.note(
        String.format(
            Locale.ROOT,
            "With %d concurrent callers per cold key the upstream saw %.2f calls per key through"
                + " Hitbox (`concurrency(1)`) against %.2f without a cache: %s fewer.",
            CONCURRENCY.get(last),
            hitbox[last],
            none[last],
            Table.ratio(none[last] / hitbox[last])));
    return report;
  }

  /** Releases {@code n} callers on {@code key} at once; returns the sum of their waits, in ns. */
  private static long round(ExecutorService callers, Impl impl, String key, int n)
      throws Exception {
    CountDownLatch ready = new CountDownLatch(n);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Long>> waits = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      waits.add(
          callers.submit(
              () -> {
                ready.countDown();
                go.await();
                long start = System.nanoTime();
                String v = impl.get(key);
                if (!v.equals("value of " + key)) {
                  throw new IllegalStateException(key + ": wrong value " + v);
                }
                return System.nanoTime() - start;
              }));
    }
    ready.await();
    go.countDown();
    long sum = 0;
    for (Future<Long> f : waits) {
      sum += f.get(30, TimeUnit.SECONDS);
    }
    return sum;
  }

  private static Impl caffeine(Upstream upstream) {
    Cache<String, String> cache = Caffeine.newBuilder().maximumSize(10_000).build();
    return key -> cache.get(key, upstream::call);
  }

  private static Impl hitbox(Upstream upstream) {
    return hitbox(upstream, CachePolicy.builder().ttl(Duration.ofMinutes(10)).concurrency(1));
  }

  private static Impl hitboxUnlimited(Upstream upstream) {
    return hitbox(
        upstream, CachePolicy.builder().ttl(Duration.ofMinutes(10)).unlimitedConcurrency());
  }

  private static Impl hitbox(Upstream upstream, CachePolicy.Builder policy) {
    HitboxCache<String> cache =
        HitboxCache.builder("dogpile", ValueCodec.utf8())
            .backend(CaffeineBackend.builder().maxCapacity(10_000).build())
            .policy(policy.build())
            .build();
    return key -> cache.get(key, upstream::callAsync).get(30, TimeUnit.SECONDS);
  }

  private static Impl spring(Upstream upstream, boolean sync) {
    AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
    context.registerBean(Upstream.class, () -> upstream);
    context.register(SpringCaching.class);
    context.refresh();
    Items items = context.getBean(Items.class);
    return new Impl() {
      @Override
      public String get(String key) {
        return sync ? items.itemSync(key) : items.item(key);
      }

      @Override
      public void close() {
        context.close();
      }
    };
  }

  /** The proxied bean: the same upstream call behind {@code @Cacheable}, with and without sync. */
  public static class Items {
    private final Upstream upstream;

    /** A bean calling {@code upstream}. */
    public Items(Upstream upstream) {
      this.upstream = upstream;
    }

    /** {@code @Cacheable}: every caller that misses calls the upstream. */
    @Cacheable("items")
    public String item(String key) {
      return upstream.call(key);
    }

    /** {@code @Cacheable(sync = true)}: callers of one key wait for the first. */
    @Cacheable(cacheNames = "items-sync", sync = true)
    public String itemSync(String key) {
      return upstream.call(key);
    }
  }

  /** Spring Cache on Caffeine. */
  @Configuration(proxyBeanMethods = false)
  @EnableCaching
  public static class SpringCaching {
    /** Both caches on bounded Caffeine. */
    @Bean
    public CaffeineCacheManager cacheManager() {
      CaffeineCacheManager manager = new CaffeineCacheManager("items", "items-sync");
      manager.setCaffeine(Caffeine.newBuilder().maximumSize(10_000));
      return manager;
    }

    /** The proxied bean. */
    @Bean
    public Items items(Upstream upstream) {
      return new Items(upstream);
    }
  }
}
