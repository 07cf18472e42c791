package dev.hitbox.benchmarks.memcached;

import com.spotify.folsom.BinaryMemcacheClient;
import com.spotify.folsom.MemcacheClientBuilder;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.CacheStatus;
import dev.hitbox.core.HitboxCache;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.core.spi.ValueCodec;
import dev.hitbox.memcached.MemcachedBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * GET-hit throughput against one real {@code memcached}, with 1 KiB values and 64 requests in
 * flight at all times (64 asynchronous chains, each starting its next request when the previous one
 * completes). In one run, against the same server, it measures:
 *
 * <ol>
 *   <li>{@code folsom-raw}: the folsom client alone, {@code get(key)}: the baseline;
 *   <li>{@code backend}: {@link MemcachedBackend#read} of untagged entries (entry and namespace
 *       record in one multi-get);
 *   <li>{@code backend-tagged}: {@link MemcachedBackend#read} of entries with one tag (one more
 *       round trip for the tag counter);
 *   <li>{@code engine}: {@link HitboxCache#get} hits through the whole engine (envelope decode,
 *       listener, per-caller futures) on the backend.
 * </ol>
 *
 * <p>Arguments: {@code --seconds N} (measured, default 10), {@code --warmup N} (default 5), {@code
 * --connections N} (per server, default 10 as in the backend), {@code --server host:port} (default:
 * start a {@code memcached} on a free loopback port and stop it at the end). Not a JMH benchmark:
 * JMH measures a thread's calls, this measures a server round trip under a fixed concurrency, as
 * {@code memtier_benchmark} would.
 */
public final class MemcachedHitBenchmark {
  private static final int KEYS = AsyncLoad.KEYS;
  private static final int VALUE_BYTES = 1024;

  private MemcachedHitBenchmark() {}

  /**
   * Runs the benchmark and prints one line per variant.
   *
   * @param args see the class documentation
   * @throws Exception if the server cannot be started or reached
   */
  public static void main(String[] args) throws Exception {
    int seconds = AsyncLoad.intArg(args, "--seconds", 10);
    int warmup = AsyncLoad.intArg(args, "--warmup", 5);
    int connections = AsyncLoad.intArg(args, "--connections", 10);
    String server = AsyncLoad.stringArg(args, "--server", null);
    Process process = null;
    if (server == null) {
      int port = AsyncLoad.freePort();
      process = AsyncLoad.startMemcached(port);
      server = "127.0.0.1:" + port;
    }
    try {
      run(server, seconds, warmup, connections);
    } finally {
      if (process != null) {
        process.destroy();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  private static void run(String server, int seconds, int warmup, int connections)
      throws Exception {
    String host = server.substring(0, server.lastIndexOf(':'));
    int port = Integer.parseInt(server.substring(server.lastIndexOf(':') + 1));
    byte[] value = new byte[VALUE_BYTES];
    new Random(1).nextBytes(value);
    long hour = System.currentTimeMillis() + 3_600_000;

    BinaryMemcacheClient<byte[]> raw =
        MemcacheClientBuilder.newByteArrayClient()
            .withAddress(host, port)
            .withConnections(connections)
            .withMaxOutstandingRequests(10_000)
            .connectBinary();
    MemcachedBackend backend =
        MemcachedBackend.builder().servers(server).maxConnections(connections).build();
    HitboxCache<byte[]> cache =
        HitboxCache.builder("bench-engine", ValueCodec.bytes())
            .backend(backend)
            .backendTimeout(Duration.ofSeconds(1))
            .policy(CachePolicy.builder().ttl(Duration.ofHours(1)).build())
            .build();
    try {
      raw.connectFuture().toCompletableFuture().get(10, TimeUnit.SECONDS);
      backend.connected().get(10, TimeUnit.SECONDS);

      // fill in batches: the backend's request timeout starts when a call is made
      List<CompletionStage<?>> fill = new ArrayList<>();
      for (int i = 0; i < KEYS; i++) {
        fill.add(raw.set("raw:" + i, value, 3600));
        fill.add(backend.write(key("bench", i), BackendEntry.of(value, hour, hour, Set.of())));
        fill.add(
            backend.write(
                key("bench-tagged", i),
                BackendEntry.of(value, hour, hour, Set.of("tag-" + i % 100))));
        fill.add(cache.put("k" + i, value));
        if (fill.size() >= 256 || i == KEYS - 1) {
          for (CompletionStage<?> f : fill) {
            f.toCompletableFuture().get(30, TimeUnit.SECONDS);
          }
          fill.clear();
        }
      }
      // the engine's puts finish writing in the background
      Thread.sleep(500);

      System.out.printf(
          "memcached %s, %d B values, concurrency %d, %d connection(s), %d s after %d s warm-up,"
              + " %d cores%n",
          server,
          VALUE_BYTES,
          AsyncLoad.CONCURRENCY,
          connections,
          seconds,
          warmup,
          Runtime.getRuntime().availableProcessors());
      System.out.println("load average before: " + AsyncLoad.loadAverage());
      AsyncLoad.measure("folsom-raw", seconds, warmup, i -> raw.get("raw:" + i));
      AsyncLoad.measure("backend", seconds, warmup, i -> backend.read(key("bench", i)));
      AsyncLoad.measure(
          "backend-tagged", seconds, warmup, i -> backend.read(key("bench-tagged", i)));
      AsyncLoad.measure(
          "engine",
          seconds,
          warmup,
          i ->
              cache
                  .getWithStatus("k" + i, k -> CompletableFuture.completedFuture(value))
                  .thenApply(r -> r.status() == CacheStatus.HIT ? r : null));
      System.out.println("load average after: " + AsyncLoad.loadAverage());
    } finally {
      backend.close();
      raw.shutdown();
    }
  }

  private static CacheKey key(String namespace, int i) {
    return CacheKey.of(namespace, "k" + i);
  }
}
