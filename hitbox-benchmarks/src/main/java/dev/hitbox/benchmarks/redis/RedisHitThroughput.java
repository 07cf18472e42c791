package dev.hitbox.benchmarks.redis;

import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.HitboxCache;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.core.spi.ValueCodec;
import dev.hitbox.redis.RedisBackend;
import dev.hitbox.testkit.RedisServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GET-hit throughput of the Redis backend at a fixed concurrency, next to {@code redis-benchmark}
 * against the same {@code redis-server} in the same run.
 *
 * <p>Starts its own {@code redis-server} on a free loopback port (or uses {@code --port P}), fills
 * {@code --keys} keys with {@code --value-size}-byte values, then keeps {@code --concurrency}
 * requests in flight (a closed loop, as {@code redis-benchmark -c} does with its connections) until
 * {@code --requests} have completed, for:
 *
 * <ol>
 *   <li>{@code redis-benchmark -t set,get -d SIZE -c CONCURRENCY -n REQUESTS -q} (its GET line);
 *   <li>{@link RedisBackend#read} directly;
 *   <li>{@link HitboxCache#get} (envelope decoding, listener, dogpile bookkeeping) on the backend.
 * </ol>
 *
 * <p>Every measured run follows a warm-up run of the same size. Prints one line per run and the
 * ratio to {@code redis-benchmark}.
 */
public final class RedisHitThroughput {
  private static final Pattern GET_LINE =
      Pattern.compile("GET: ([0-9.]+) requests per second", Pattern.CASE_INSENSITIVE);

  private RedisHitThroughput() {}

  /**
   * Runs the benchmark.
   *
   * @param args {@code [--port P] [--requests N] [--concurrency C] [--value-size B] [--keys K]
   *     [--pool-size S] [--rounds R]}
   */
  public static void main(String[] args) throws Exception {
    int port = intArg(args, "--port", 0);
    int requests = intArg(args, "--requests", 200_000);
    int concurrency = intArg(args, "--concurrency", 64);
    int valueSize = intArg(args, "--value-size", 1024);
    int keyCount = intArg(args, "--keys", 1_000);
    int poolSize = intArg(args, "--pool-size", 1);
    int rounds = intArg(args, "--rounds", 3);

    RedisServer server = port == 0 ? RedisServer.launch() : null;
    int redisPort = server != null ? server.port() : port;
    try (RedisBackend backend =
        RedisBackend.builder()
            .host("127.0.0.1")
            .port(redisPort)
            .poolSize(poolSize)
            .commandTimeout(Duration.ofSeconds(10))
            .buildVerified()) {
      System.out.printf(
          Locale.ROOT,
          "redis-server 127.0.0.1:%d, %d cores, %d requests, concurrency %d, %d-byte values,"
              + " %d keys, pool_size %d%n",
          redisPort,
          Runtime.getRuntime().availableProcessors(),
          requests,
          concurrency,
          valueSize,
          keyCount,
          poolSize);

      // raw backend keys and values
      List<CacheKey> rawKeys = new ArrayList<>(keyCount);
      byte[] value = new byte[valueSize];
      Arrays.fill(value, (byte) 'x');
      long expireAt = System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1);
      List<CompletableFuture<Void>> writes = new ArrayList<>();
      for (int i = 0; i < keyCount; i++) {
        CacheKey k = CacheKey.of("bench-raw", "key:" + i);
        rawKeys.add(k);
        writes.add(
            backend
                .write(k, BackendEntry.of(value, expireAt, expireAt, Set.of()))
                .toCompletableFuture());
      }
      // the same through the engine: a 1 KiB string per key, stored as an envelope
      AtomicLong loads = new AtomicLong();
      HitboxCache<String> cache =
          HitboxCache.builder("bench-cache", ValueCodec.utf8())
              .backend(backend)
              .backendTimeout(Duration.ofSeconds(1))
              .policy(CachePolicy.builder().ttl(Duration.ofHours(1)).build())
              .build();
      String text = "x".repeat(valueSize);
      for (int i = 0; i < keyCount; i++) {
        writes.add(cache.put("key:" + i, text));
      }
      CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

      AtomicLong wrong = new AtomicLong();
      IntFunction<CompletionStage<?>> raw =
          i ->
              backend
                  .read(rawKeys.get(i))
                  .thenApply(
                      v -> {
                        if (v == null || v.length != valueSize) {
                          wrong.incrementAndGet();
                        }
                        return v;
                      });
      IntFunction<CompletionStage<?>> engine =
          i ->
              cache.get(
                  "key:" + i,
                  k -> {
                    loads.incrementAndGet();
                    return CompletableFuture.completedFuture(text);
                  });

      List<String> lines = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        double benchmark = redisBenchmark(redisPort, requests, concurrency, valueSize);
        run(raw, keyCount, concurrency, requests); // warm-up
        double backendRate = run(raw, keyCount, concurrency, requests);
        run(engine, keyCount, concurrency, requests); // warm-up
        double cacheRate = run(engine, keyCount, concurrency, requests);
        String line =
            String.format(
                Locale.ROOT,
                "round %d: redis-benchmark GET %,.0f req/s | RedisBackend.read %,.0f req/s (%.2fx)"
                    + " | HitboxCache.get %,.0f req/s (%.2fx)",
                round,
                benchmark,
                backendRate,
                backendRate / benchmark,
                cacheRate,
                cacheRate / benchmark);
        System.out.println(line);
        lines.add(line);
      }
      System.out.printf(
          Locale.ROOT,
          "wrong or missing values: %d, loader calls (misses through the engine): %d%n",
          wrong.get(),
          loads.get());
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  /**
   * Keeps {@code concurrency} operations in flight, each on a random key, until {@code requests}
   * have completed.
   *
   * @return completed operations per second
   */
  static double run(IntFunction<CompletionStage<?>> op, int keys, int concurrency, int requests)
      throws InterruptedException {
    AtomicLong issued = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    CountDownLatch done = new CountDownLatch(concurrency);
    long start = System.nanoTime();
    for (int c = 0; c < concurrency; c++) {
      next(op, keys, requests, issued, failed, done);
    }
    if (!done.await(5, TimeUnit.MINUTES)) {
      throw new IllegalStateException("benchmark run did not finish within 5 minutes");
    }
    long nanos = System.nanoTime() - start;
    if (failed.get() > 0) {
      System.out.println("  failed operations: " + failed.get());
    }
    return requests * 1e9 / nanos;
  }

  private static void next(
      IntFunction<CompletionStage<?>> op,
      int keys,
      int requests,
      AtomicLong issued,
      AtomicLong failed,
      CountDownLatch done) {
    if (issued.incrementAndGet() > requests) {
      done.countDown();
      return;
    }
    op.apply(ThreadLocalRandom.current().nextInt(keys))
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                failed.incrementAndGet();
              }
              next(op, keys, requests, issued, failed, done);
            });
  }

  /** Runs {@code redis-benchmark} and returns its GET requests per second. */
  public static double redisBenchmark(int port, int requests, int concurrency, int valueSize)
      throws IOException, InterruptedException {
    List<String> cmd =
        List.of(
            "redis-benchmark",
            "-h",
            "127.0.0.1",
            "-p",
            Integer.toString(port),
            "-t",
            "set,get",
            "-d",
            Integer.toString(valueSize),
            "-c",
            Integer.toString(concurrency),
            "-n",
            Integer.toString(requests),
            "-q");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + out);
    }
    // -q prints progress with carriage returns before each final line
    String last = out.substring(out.lastIndexOf('\r') + 1);
    Matcher m = GET_LINE.matcher(out.contains("GET:") ? out : last);
    double rate = 0;
    while (m.find()) {
      rate = Double.parseDouble(m.group(1));
    }
    if (rate == 0) {
      throw new IllegalStateException("no GET figure in the output of redis-benchmark:\n" + out);
    }
    return rate;
  }

  private static int intArg(String[] args, String name, int fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return fallback;
  }
}
