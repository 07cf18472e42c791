package dev.hitbox.redis;

import dev.hitbox.testkit.RedisServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Redis Cluster of real {@code redis-server} processes on loopback ports, each a master with no
 * replica, created with {@code redis-cli --cluster create}. For tests; {@link #close()} stops every
 * process and deletes the cluster config files.
 */
final class RedisCluster implements AutoCloseable {
  private final Path dir;
  private final List<RedisServer> nodes = new ArrayList<>();

  private RedisCluster(Path dir) {
    this.dir = dir;
  }

  /** Starts {@code masters} nodes and joins them into a cluster whose state is ok. */
  static RedisCluster start(int masters) throws IOException, InterruptedException {
    RedisCluster cluster = new RedisCluster(Files.createTempDirectory("hitbox-redis-cluster-"));
    try {
      for (int i = 0; i < masters; i++) {
        cluster.nodes.add(
            RedisServer.launch(
                "--cluster-enabled",
                "yes",
                "--cluster-config-file",
                cluster.dir.resolve("nodes-" + i + ".conf").toString(),
                "--cluster-node-timeout",
                "2000"));
      }
      List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
      create.addAll(cluster.addresses());
      create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
      run(create);
      cluster.awaitOk();
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** {@code 127.0.0.1:port} of every node. */
  List<String> addresses() {
    List<String> out = new ArrayList<>();
    for (RedisServer n : nodes) {
      out.add(n.host() + ":" + n.port());
    }
    return out;
  }

  /** The nodes, in the order they were started. */
  List<RedisServer> nodes() {
    return nodes;
  }

  /** The number of keys each node holds ({@code DBSIZE}), in node order. */
  List<Long> keysPerNode() throws IOException, InterruptedException {
    List<Long> out = new ArrayList<>();
    for (RedisServer n : nodes) {
      out.add(Long.parseLong(cli(n, "DBSIZE").strip()));
    }
    return out;
  }

  private void awaitOk() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      boolean ok = true;
      for (RedisServer n : nodes) {
        String info = cli(n, "CLUSTER", "INFO");
        ok &=
            info.contains("cluster_state:ok")
                && info.contains("cluster_known_nodes:" + nodes.size())
                && !cli(n, "CLUSTER", "NODES").contains("handshake");
      }
      if (ok) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("cluster not ok within 30 s: " + addresses());
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  private static String cli(RedisServer n, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("redis-cli", "-h", n.host(), "-p", "" + n.port()));
    cmd.addAll(List.of(args));
    return run(cmd);
  }

  private static String run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + out);
    }
    return out;
  }

  @Override
  public void close() {
    for (RedisServer n : nodes) {
      n.close();
    }
    try (var files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    } catch (IOException ignored) {
      // leftover temp files are harmless
    }
  }
}
