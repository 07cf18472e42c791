package dev.hitbox.benchmarks;

import dev.hitbox.benchmarks.redis.RedisHitThroughput;
import dev.hitbox.benchmarks.report.Chart;
import dev.hitbox.benchmarks.report.Report;
import dev.hitbox.benchmarks.report.Table;
import dev.hitbox.caffeine.CaffeineBackend;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.HitboxCache;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.core.spi.ValueCodec;
import dev.hitbox.jdbc.JdbcBackend;
import dev.hitbox.memcached.MemcachedBackend;
import dev.hitbox.redis.RedisBackend;
import dev.hitbox.rocksdb.RocksDbBackend;
import dev.hitbox.testkit.MemcachedServer;
import dev.hitbox.testkit.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * {@code backends}: GET hits on every backend, through the backend alone and through the engine, at
 * 1 KiB and 64 KiB values, next to the store's own benchmark tool where one exists, in one run:
 * Caffeine; Redis and Memcached, on servers started on loopback; RocksDB and SQLite, each in a
 * temporary directory deleted afterwards. Each backend is one line of {@link #TARGETS}.
 */
final class BackendsSuite implements Suite {
  /**
   * Requests in flight against every store whose calls complete on another thread: the networked
   * ones, and the blocking embedded ones (RocksDB, SQLite), whose calls run on the backend's own
   * executor and queue there. A store that answers at once (Caffeine) runs one caller per core.
   */
  static final int CONCURRENCY = 64;

  static final List<Integer> VALUE_SIZES = List.of(1024, 64 * 1024);

  /**
   * The backends measured, in order: a name and how to start one (and its server, if any). Adding a
   * backend is adding a line here.
   */
  static final List<Target> TARGETS =
      List.of(
          new Target(
              "Caffeine", () -> Running.of(CaffeineBackend.builder().maxCapacity(100_000).build())),
          new Target("Redis", BackendsSuite::redis),
          new Target("Memcached", BackendsSuite::memcached),
          new Target("RocksDB", BackendsSuite::rocksDb),
          new Target("SQLite", BackendsSuite::sqlite));

  /** A backend to measure. */
  record Target(String name, Starter starter) {}

  /** Starts a backend, and the server it needs. */
  @FunctionalInterface
  interface Starter {
    Running start() throws Exception;
  }

  /**
   * A started backend: the backend (closed first when it is {@link AutoCloseable}), what to close
   * after it in order (its server, or its temporary directory), and the store's own benchmark tool
   * when there is one.
   */
  record Running(Backend backend, List<AutoCloseable> closeables, @Nullable Tool tool) {
    static Running of(Backend backend) {
      return new Running(backend, List.of(), null);
    }
  }

  /** The store's own benchmark tool: name, and its GET rate for a value size. */
  interface Tool {
    String name();

    double getsPerSecond(int valueSize, int concurrency, int seconds) throws Exception;
  }

  @Override
  public String name() {
    return "backends";
  }

  @Override
  public String description() {
    return "GET hits on Caffeine, Redis, Memcached, RocksDB, SQLite at 1 KiB and 64 KiB, vs"
        + " redis-benchmark";
  }

  @Override
  public Report run(SuiteOptions options) throws Exception {
    Tools.require(name(), "redis-server", "redis-benchmark", "memcached");
    Report report =
        Report.start(name(), "Backends: GET hits at 1 KiB and 64 KiB", options.command(name()));
    Table table =
        Table.of(
            "",
            "backend",
            "value",
            "store's tool, GET/s",
            "`Backend.read`, GET/s",
            "p50 / p99",
            "vs tool",
            "`HitboxCache.get`, GET/s",
            "p50 / p99",
            "vs tool");
    List<String> categories = new ArrayList<>();
    List<Double> tools = new ArrayList<>();
    List<Double> reads = new ArrayList<>();
    List<Double> gets = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (Target target : TARGETS) {
      Running running = target.starter().start();
      try {
        for (int size : VALUE_SIZES) {
          String label = size >= 1024 ? size / 1024 + " KiB" : size + " B";
          System.err.printf(Locale.ROOT, "backends: %s, %s values...%n", target.name(), label);
          Measured m = measure(running, target.name(), size, options);
          categories.add(target.name() + " " + label);
          tools.add(m.tool);
          reads.add(m.read.opsPerSecond());
          gets.add(m.get.opsPerSecond());
          table.row(
              target.name(),
              label,
              m.tool > 0 ? Table.count(m.tool) + " (" + running.tool().name() + ")" : "-",
              Table.count(m.read.opsPerSecond()),
              latency(m.read),
              m.tool > 0 ? Table.ratio(m.read.opsPerSecond() / m.tool) : "-",
              Table.count(m.get.opsPerSecond()),
              latency(m.get),
              m.tool > 0 ? Table.ratio(m.get.opsPerSecond() / m.tool) : "-");
          long bad = m.read.misses() + m.read.errors() + m.get.misses() + m.get.errors();
          if (bad > 0) {
            notes.add(
                String.format(
                    Locale.ROOT,
                    "%s %s: %d misses and %d errors through `Backend.read`, %d and %d through"
                        + " `HitboxCache.get`.",
                    target.name(),
                    label,
                    m.read.misses(),
                    m.read.errors(),
                    m.get.misses(),
                    m.get.errors()));
          }
        }
      } finally {
        close(running);
      }
    }
    report.finish();
    report.intro(
        "Every variant reads keys that are all cached (a miss is counted and reported), in a"
            + " closed loop: "
            + CONCURRENCY
            + " requests in flight, each starting the next when it completes, against a networked"
            + " store and against a blocking embedded one (RocksDB, SQLite): their calls run on"
            + " the backend's own executor and complete there, as a networked store's do, so"
            + " they get the same load and a request's time includes its wait in the executor's"
            + " queue. Caffeine answers at once, so it runs one caller per core. `Backend.read` is the backend alone (envelope bytes, no decoding);"
            + " `HitboxCache.get` is the whole engine on it (decoding, policy, dogpile"
            + " bookkeeping). "
            + options.warmupSeconds()
            + " s warm-up (longer, up to 30 s, until 50,000 requests were made) and "
            + options.seconds()
            + " s measured per variant. Servers are started by the benchmark on free loopback"
            + " ports (`redis-server --save '' --appendonly no`, `memcached -m 1024`); the"
            + " memcached backend uses 2 connections, the Redis backend 1 (Lettuce pipelines the"
            + " requests on it). `redis-benchmark -t get -c "
            + CONCURRENCY
            + " -d SIZE` runs against the same server in the same run. memcached has no"
            + " benchmark tool in Debian (memtier_benchmark is not packaged): no baseline. RocksDB"
            + " (`RocksDbBackend`, default settings: one thread per core, at least 2) and SQLite"
            + " (`JdbcBackend` on a `jdbc:sqlite:` file, default settings: WAL, 4 pooled"
            + " connections, one thread each) each get a new temporary directory, deleted"
            + " afterwards; the data written (up to 26 MB at 64 KiB) stays in the OS page cache."
            + " Neither has a GET benchmark tool to compare with.");
    report.table(table);
    report.chart(
        Chart.of("GET hits per second (higher is better, log scale)", "GET/s", categories)
            .series("store's own tool", tools)
            .series("Backend.read", reads)
            .series("HitboxCache.get", gets)
            .logarithmic());
    for (String n : notes) {
      report.note(n);
    }
    return report;
  }

  /** Closes the backend, then what is listed, in order; rethrows the first error. */
  private static void close(Running running) throws Exception {
    List<AutoCloseable> all = new ArrayList<>();
    if (running.backend() instanceof AutoCloseable c) {
      all.add(c);
    }
    all.addAll(running.closeables());
    @Nullable Exception first = null;
    for (AutoCloseable c : all) {
      try {
        c.close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private static String latency(ClosedLoop.Result r) {
    return Table.nanos(r.p50Nanos()) + " / " + Table.nanos(r.p99Nanos());
  }

  private record Measured(double tool, ClosedLoop.Result read, ClosedLoop.Result get) {}

  private static Measured measure(Running running, String name, int size, SuiteOptions options)
      throws Exception {
    Backend backend = running.backend();
    int keys = size > 16 * 1024 ? 200 : 1000;
    String ns = "bench-" + size;
    byte[] value = new byte[size];
    Arrays.fill(value, (byte) 'x');
    String text = "x".repeat(size);
    long expireAt = System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1);
    CacheKey[] rawKeys = new CacheKey[keys];
    List<CompletableFuture<?>> writes = new ArrayList<>();
    HitboxCache<String> cache =
        HitboxCache.builder("engine-" + size, ValueCodec.utf8())
            .backend(backend)
            .backendTimeout(Duration.ofSeconds(2))
            .policy(CachePolicy.builder().ttl(Duration.ofHours(1)).build())
            .build();
    for (int i = 0; i < keys; i++) {
      rawKeys[i] = CacheKey.of(ns, "key:" + i);
      writes.add(
          backend
              .write(rawKeys[i], BackendEntry.of(value, expireAt, expireAt, Set.of()))
              .toCompletableFuture());
      writes.add(cache.put("key:" + i, text));
      if (writes.size() >= 128) {
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        writes.clear();
      }
    }
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    double tool = 0;
    if (running.tool() != null) {
      tool = running.tool().getsPerSecond(size, CONCURRENCY, options.seconds());
    }
    ClosedLoop loop = new ClosedLoop(CONCURRENCY, keys);
    ClosedLoop.Result read =
        loop.measure(
            options.warmupSeconds(),
            options.seconds(),
            i -> backend.read(rawKeys[i]).thenApply(v -> v == null || v.length != size ? null : v));
    String[] cacheKeys = new String[keys];
    for (int i = 0; i < keys; i++) {
      cacheKeys[i] = "key:" + i;
    }
    ClosedLoop.Result get =
        loop.measure(
            options.warmupSeconds(),
            options.seconds(),
            i ->
                cache
                    .getWithStatus(cacheKeys[i], k -> CompletableFuture.completedFuture(text))
                    .thenApply(r -> r.status() == dev.hitbox.core.CacheStatus.HIT ? r : null));
    return new Measured(tool, read, get);
  }

  private static Running redis() {
    RedisServer server = RedisServer.launch();
    RedisBackend backend =
        RedisBackend.builder()
            .host("127.0.0.1")
            .port(server.port())
            .commandTimeout(Duration.ofSeconds(10))
            .buildVerified();
    Tool tool =
        new Tool() {
          @Override
          public String name() {
            return "redis-benchmark";
          }

          @Override
          public double getsPerSecond(int valueSize, int concurrency, int seconds)
              throws Exception {
            // about as many requests as the other variants make in their measured time
            int requests = valueSize > 16 * 1024 ? 20_000 * seconds : 40_000 * seconds;
            return RedisHitThroughput.redisBenchmark(
                server.port(), requests, concurrency, valueSize);
          }
        };
    return new Running(backend, List.of(server), tool);
  }

  private static Running memcached() throws Exception {
    MemcachedServer server = MemcachedServer.launch("-m", "1024");
    MemcachedBackend backend =
        MemcachedBackend.builder().servers(server.address()).maxConnections(2).build();
    backend.connected().get(10, TimeUnit.SECONDS);
    return new Running(backend, List.of(server), null);
  }

  private static Running rocksDb() throws IOException {
    return inTempDirectory(
        "hitbox-bench-rocksdb", dir -> RocksDbBackend.builder().path(dir.resolve("db")).build());
  }

  private static Running sqlite() throws IOException {
    return inTempDirectory(
        "hitbox-bench-sqlite",
        dir -> JdbcBackend.builder().url("jdbc:sqlite:" + dir.resolve("cache.db")).build());
  }

  /**
   * A backend built in a new temporary directory, which is deleted after the backend is closed (or
   * at once when the backend cannot be built).
   */
  private static Running inTempDirectory(String prefix, Function<Path, Backend> build)
      throws IOException {
    Path dir = Files.createTempDirectory(prefix);
    Backend backend;
    try {
      backend = build.apply(dir);
    } catch (RuntimeException e) {
      TempDirectories.delete(dir);
      throw e;
    }
    return new Running(backend, List.of(() -> TempDirectories.delete(dir)), null);
  }
}
