package dev.hitbox.benchmarks.memcached;

import com.spotify.folsom.BinaryMemcacheClient;
import com.spotify.folsom.MemcacheClientBuilder;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import net.rubyeye.xmemcached.command.BinaryCommandFactory;

/**
 * How the backend's client was chosen: GET-hit throughput of folsom and xmemcached against the same
 * {@code memcached}, 1 KiB values, 64 requests in flight, binary protocol, alternating the clients
 * for two rounds. folsom is asynchronous: 64 chains of {@code get} stages. xmemcached's API blocks,
 * so it gets 64 threads (a blocking client needs a thread per request in flight).
 *
 * <p>Arguments: {@code --seconds N} per measurement (default 8), {@code --connections N} per client
 * (default 2), {@code --server host:port} (default: a throw-away {@code memcached}).
 */
public final class ClientComparison {
  private ClientComparison() {}

  /**
   * Runs the comparison and prints one line per client and round.
   *
   * @param args see the class documentation
   * @throws Exception if the server cannot be started or reached
   */
  public static void main(String[] args) throws Exception {
    int seconds = AsyncLoad.intArg(args, "--seconds", 8);
    int connections = AsyncLoad.intArg(args, "--connections", 2);
    String server = AsyncLoad.stringArg(args, "--server", null);
    Process process = null;
    if (server == null) {
      int port = AsyncLoad.freePort();
      process = AsyncLoad.startMemcached(port);
      server = "127.0.0.1:" + port;
    }
    try {
      run(server, seconds, connections);
    } finally {
      if (process != null) {
        process.destroy();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  private static void run(String server, int seconds, int connections) throws Exception {
    String host = server.substring(0, server.lastIndexOf(':'));
    int port = Integer.parseInt(server.substring(server.lastIndexOf(':') + 1));
    byte[] value = new byte[1024];
    new Random(1).nextBytes(value);
    BinaryMemcacheClient<byte[]> folsom =
        MemcacheClientBuilder.newByteArrayClient()
            .withAddress(host, port)
            .withConnections(connections)
            .withMaxOutstandingRequests(10_000)
            .connectBinary();
    XMemcachedClientBuilder xb = new XMemcachedClientBuilder(server);
    xb.setConnectionPoolSize(connections);
    xb.setCommandFactory(new BinaryCommandFactory());
    MemcachedClient xmemcached = xb.build();
    ExecutorService threads = Executors.newFixedThreadPool(AsyncLoad.CONCURRENCY);
    try {
      folsom.connectFuture().toCompletableFuture().get(10, TimeUnit.SECONDS);
      for (int i = 0; i < AsyncLoad.KEYS; i++) {
        folsom.set("f" + i, value, 3600).toCompletableFuture().get(10, TimeUnit.SECONDS);
        // each client reads what it wrote itself: their flags for byte arrays differ
        xmemcached.set("x" + i, 3600, value);
      }
      System.out.printf(
          "memcached %s, 1024 B values, concurrency %d, %d connection(s) per client, %d s each,"
              + " load average %s%n",
          server, AsyncLoad.CONCURRENCY, connections, seconds, AsyncLoad.loadAverage());
      for (int round = 1; round <= 2; round++) {
        AsyncLoad.measure("folsom #" + round, seconds, 0, i -> folsom.get("f" + i));
        AsyncLoad.measure(
            "xmemcached #" + round, seconds, 0, i -> blocking(threads, xmemcached, "x" + i));
      }
      System.out.println("load average after: " + AsyncLoad.loadAverage());
    } finally {
      threads.shutdownNow();
      folsom.shutdown();
      xmemcached.shutdown();
    }
  }

  /** A blocking get on a thread of the pool (64 threads for 64 requests in flight). */
  private static CompletionStage<byte[]> blocking(
      ExecutorService threads, MemcachedClient client, String key) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return client.<byte[]>get(key);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        },
        threads);
  }
}
