package dev.hitbox.benchmarks.rocksdb;

import dev.hitbox.benchmarks.TempDirectories;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.HitboxCache;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.core.spi.ValueCodec;
import dev.hitbox.rocksdb.RocksDbBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Throughput of the RocksDB backend, on disk (a temporary directory) and in memory: writes, read
 * hits through {@link RocksDbBackend#read}, and hits through {@link HitboxCache#get}.
 *
 * <p>Fills {@code --keys} keys with {@code --value-size}-byte random values, then keeps {@code
 * --concurrency} operations in flight on random keys until {@code --requests} have completed (after
 * a warm-up run of the same size), and prints operations per second.
 */
public final class RocksDbThroughput {
  private RocksDbThroughput() {}

  /**
   * Runs the benchmark.
   *
   * @param args {@code [--requests N] [--concurrency C] [--value-size B] [--keys K] [--threads T]}
   */
  public static void main(String[] args) throws Exception {
    int requests = intArg(args, "--requests", 200_000);
    int concurrency = intArg(args, "--concurrency", 64);
    int valueSize = intArg(args, "--value-size", 1024);
    int keys = intArg(args, "--keys", 10_000);
    int threads =
        intArg(args, "--threads", Math.max(2, Runtime.getRuntime().availableProcessors()));
    System.out.printf(
        Locale.ROOT,
        "%d cores, %d requests, concurrency %d, %d-byte values, %d keys, %d threads%n",
        Runtime.getRuntime().availableProcessors(),
        requests,
        concurrency,
        valueSize,
        keys,
        threads);
    Path dir = Files.createTempDirectory("hitbox-rocksdb-bench");
    try {
      measure(
          "disk",
          RocksDbBackend.builder().path(dir).threads(threads).build(),
          requests,
          concurrency,
          valueSize,
          keys);
      measure(
          "in memory",
          RocksDbBackend.builder().inMemory().threads(threads).build(),
          requests,
          concurrency,
          valueSize,
          keys);
    } finally {
      TempDirectories.delete(dir);
    }
  }

  private static void measure(
      String label,
      RocksDbBackend backend,
      int requests,
      int concurrency,
      int valueSize,
      int keyCount)
      throws Exception {
    try (backend) {
      List<CacheKey> rawKeys = new ArrayList<>(keyCount);
      byte[] value = new byte[valueSize];
      new Random(1).nextBytes(value);
      long expireAt = System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1);
      for (int i = 0; i < keyCount; i++) {
        rawKeys.add(CacheKey.of("bench-raw", "key:" + i));
      }
      BackendEntry entry = BackendEntry.of(value, expireAt, expireAt, Set.of());
      IntFunction<CompletionStage<?>> write = i -> backend.write(rawKeys.get(i), entry);
      AtomicLong wrong = new AtomicLong();
      IntFunction<CompletionStage<?>> read =
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
      HitboxCache<String> cache =
          HitboxCache.builder("bench-cache", ValueCodec.utf8())
              .backend(backend)
              .backendTimeout(Duration.ofSeconds(5))
              .policy(CachePolicy.builder().ttl(Duration.ofHours(1)).build())
              .build();
      String text = "x".repeat(valueSize);
      List<CompletableFuture<Void>> puts = new ArrayList<>();
      for (int i = 0; i < keyCount; i++) {
        puts.add(cache.put("key:" + i, text));
      }
      CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
      AtomicLong loads = new AtomicLong();
      IntFunction<CompletionStage<?>> engine =
          i ->
              cache.get(
                  "key:" + i,
                  k -> {
                    loads.incrementAndGet();
                    return CompletableFuture.completedFuture(text);
                  });

      run(write, keyCount, concurrency, requests); // warm-up
      double writes = run(write, keyCount, concurrency, requests);
      run(read, keyCount, concurrency, requests);
      double reads = run(read, keyCount, concurrency, requests);
      run(engine, keyCount, concurrency, requests);
      double gets = run(engine, keyCount, concurrency, requests);
      System.out.printf(
          Locale.ROOT,
          "%s: write %,.0f ops/s | read hit %,.0f ops/s | HitboxCache.get hit %,.0f ops/s"
              + " (wrong values %d, loader calls %d)%n",
          label,
          writes,
          reads,
          gets,
          wrong.get(),
          loads.get());
    }
  }

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

  private static int intArg(String[] args, String name, int def) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return def;
  }
}
