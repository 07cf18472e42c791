package dev.hitbox.redis;

import dev.hitbox.core.BackendException;
import dev.hitbox.core.CacheException;
import dev.hitbox.redis.Settings.HostPort;
import dev.hitbox.redis.SharedConnection.Connected;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The Lettuce client of one {@link RedisBackend} and its shared connections: standalone, through
 * Sentinel, or to a Cluster. Every caller shares {@code poolSize} connections, which Lettuce
 * pipelines; there is never a connection per call. Thread-safe.
 */
final class Connections {
  /** Bound on commands queued per connection; past it a command fails at once (a miss). */
  static final int REQUEST_QUEUE_SIZE = 65_536;

  private final Settings settings;
  private final ClientResources resources;
  private final AbstractRedisClient client;
  private final SharedConnection[] shared;

  Connections(Settings settings) {
    this.settings = settings;
    this.resources =
        DefaultClientResources.builder()
            .reconnectDelay(
                Delay.exponential(
                    Duration.ofMillis(10), settings.maxReconnectDelay(), 2, TimeUnit.MILLISECONDS))
            .build();
    long backoff = settings.maxReconnectDelay().toNanos();
    this.shared = new SharedConnection[settings.poolSize()];
    if (settings.mode() == Settings.Mode.CLUSTER) {
      List<RedisURI> seeds = new ArrayList<>();
      for (HostPort node : settings.clusterNodes()) {
        seeds.add(uri(RedisURI.Builder.redis(node.host(), node.port())));
      }
      RedisClusterClient c = RedisClusterClient.create(resources, seeds);
      c.setOptions(clusterOptions());
      this.client = c;
      for (int i = 0; i < shared.length; i++) {
        shared[i] =
            new SharedConnection(
                settings.target(),
                // connectAsync needs the topology loaded first, and loading it must not block
                () ->
                    c.refreshPartitionsAsync()
                        .toCompletableFuture()
                        .thenCompose(v -> c.connectAsync(ByteArrayCodec.INSTANCE))
                        .thenCompose(Connections::openNodeConnections)
                        .thenApply(conn -> new Connected(conn, conn.async(), conn)),
                Connections::startConnecting,
                settings.ticker(),
                backoff);
      }
    } else {
      RedisURI uri = standaloneUri();
      RedisClient c = RedisClient.create(resources);
      c.setOptions(clientOptions());
      this.client = c;
      for (int i = 0; i < shared.length; i++) {
        shared[i] =
            new SharedConnection(
                settings.target(),
                () ->
                    c.connectAsync(ByteArrayCodec.INSTANCE, uri)
                        .toCompletableFuture()
                        .thenApply(
                            (StatefulRedisConnection<byte[], byte[]> conn) ->
                                new Connected(conn, conn.async(), null)),
                Connections::startConnecting,
                settings.ticker(),
                backoff);
      }
    }
  }

  /**
   * Opens the connection to every master before the cluster connection is used: Lettuce opens them
   * on first use otherwise, and rejects the commands that arrive while one is opening.
   */
  private static CompletableFuture<StatefulRedisClusterConnection<byte[], byte[]>>
      openNodeConnections(StatefulRedisClusterConnection<byte[], byte[]> conn) {
    List<CompletableFuture<?>> nodes = new ArrayList<>();
    for (RedisClusterNode node : conn.getPartitions()) {
      if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
        // by address: that is how Lettuce looks up the connection of a slot's master
        nodes.add(conn.getConnectionAsync(node.getUri().getHost(), node.getUri().getPort()));
      }
    }
    return CompletableFuture.allOf(nodes.toArray(CompletableFuture[]::new))
        .handle((v, e) -> conn); // a master that is down is retried on use, as any other time
  }

  /**
   * Starts a connection attempt on a thread of its own. Attempts are rare (the first connection,
   * then at most one per back-off period while Redis is unreachable), and Lettuce's own executors
   * may be the ones the attempt needs to make progress.
   */
  private static void startConnecting(Runnable attempt) {
    Thread t = new Thread(attempt, "hitbox-redis-connect");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Opens a new publish/subscribe connection (not one of the shared ones), reconnected and
   * resubscribed by Lettuce when it drops.
   */
  CompletableFuture<StatefulRedisPubSubConnection<byte[], byte[]>> pubSub() {
    if (client instanceof RedisClusterClient c) {
      return c.refreshPartitionsAsync()
          .toCompletableFuture()
          .thenCompose(v -> c.connectPubSubAsync(ByteArrayCodec.INSTANCE))
          .thenApply(conn -> conn);
    }
    return ((RedisClient) client)
        .connectPubSubAsync(ByteArrayCodec.INSTANCE, standaloneUri())
        .toCompletableFuture();
  }

  /** Reports the connects and disconnects of every connection of this client. */
  void addListener(RedisConnectionStateListener listener) {
    client.addListener(listener);
  }

  /** Removes a listener added with {@link #addListener}. */
  void removeListener(RedisConnectionStateListener listener) {
    client.removeListener(listener);
  }

  /** Where this connects, for messages. */
  String target() {
    return settings.target();
  }

  private SharedConnection pick() {
    return shared.length == 1
        ? shared[0]
        : shared[ThreadLocalRandom.current().nextInt(shared.length)];
  }

  /** The commands of an established connection, or {@code null} when it still has to connect. */
  @Nullable RedisClusterAsyncCommands<byte[], byte[]> now() {
    Connected c = pick().now();
    return c == null ? null : c.commands();
  }

  /** The commands once connected (see {@link SharedConnection#get()}). */
  CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> commands() {
    return pick().get().thenApply(Connected::commands);
  }

  /**
   * The commands of every master: the one server in standalone and Sentinel mode, each upstream
   * node of a Cluster (as in the topology Lettuce last saw), so that a SCAN can visit them all.
   */
  CompletableFuture<List<RedisClusterAsyncCommands<byte[], byte[]>>> masters() {
    return pick()
        .get()
        .thenCompose(
            c -> {
              StatefulRedisClusterConnection<byte[], byte[]> cluster = c.cluster();
              if (cluster == null) {
                return CompletableFuture.completedFuture(List.of(c.commands()));
              }
              List<CompletableFuture<StatefulRedisConnection<byte[], byte[]>>> nodes =
                  new ArrayList<>();
              for (RedisClusterNode node : cluster.getPartitions()) {
                if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
                  nodes.add(
                      cluster.getConnectionAsync(node.getUri().getHost(), node.getUri().getPort()));
                }
              }
              if (nodes.isEmpty()) {
                return CompletableFuture.failedFuture(
                    new BackendException(
                        settings.target() + ": no master in the cluster topology"));
              }
              return CompletableFuture.allOf(nodes.toArray(CompletableFuture[]::new))
                  .thenApply(
                      v -> {
                        List<RedisClusterAsyncCommands<byte[], byte[]>> out = new ArrayList<>();
                        for (CompletableFuture<StatefulRedisConnection<byte[], byte[]>> n : nodes) {
                          out.add(n.join().async());
                        }
                        return out;
                      });
            });
  }

  /**
   * Connects every shared connection now and sends a PING on each, waiting up to the connect
   * timeout plus the command timeout.
   *
   * @throws CacheException naming the server and the cause: wrong password, missing database,
   *     connection refused, TLS failure, timeout
   */
  void verify() {
    long waitNanos = settings.connectTimeout().plus(settings.commandTimeout()).toNanos();
    for (SharedConnection s : shared) {
      try {
        Connected c = s.getNow().get(waitNanos, TimeUnit.NANOSECONDS);
        Object pong = c.commands().ping().get(waitNanos, TimeUnit.NANOSECONDS);
        if (!"PONG".equals(pong)) {
          throw new CacheException(settings.target() + ": unexpected answer to PING: " + pong);
        }
      } catch (ExecutionException e) {
        Throwable cause = SharedConnection.unwrap(e);
        throw new CacheException(
            settings.target() + ": " + Errors.kind(cause) + ": " + Errors.message(cause), cause);
      } catch (TimeoutException e) {
        throw new CacheException(
            settings.target()
                + ": cannot connect: no answer within "
                + Duration.ofNanos(waitNanos).toMillis()
                + " ms",
            e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CacheException(settings.target() + ": interrupted while verifying", e);
      }
    }
  }

  /** Closes the connections and releases the client's threads; waits up to a few seconds. */
  void close() {
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    for (SharedConnection s : shared) {
      closing.add(s.close());
    }
    try {
      CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(2, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // the client shutdown below closes whatever is left
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    client.shutdown(0, 2, TimeUnit.SECONDS);
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  private RedisURI standaloneUri() {
    RedisURI.Builder b;
    if (settings.mode() == Settings.Mode.SENTINEL) {
      String master = settings.sentinelMaster();
      HostPort first = settings.sentinels().get(0);
      String sentinelPassword = settings.sentinelPassword();
      b =
          sentinelPassword == null
              ? RedisURI.Builder.sentinel(first.host(), first.port(), master)
              : RedisURI.Builder.sentinel(first.host(), first.port(), master, sentinelPassword);
      for (HostPort s : settings.sentinels().subList(1, settings.sentinels().size())) {
        if (sentinelPassword == null) {
          b.withSentinel(s.host(), s.port());
        } else {
          b.withSentinel(s.host(), s.port(), sentinelPassword);
        }
      }
    } else {
      b = RedisURI.Builder.redis(settings.server().host(), settings.server().port());
    }
    b.withDatabase(settings.database());
    return uri(b);
  }

  private RedisURI uri(RedisURI.Builder b) {
    // Lettuce bounds the connection handshake (HELLO, AUTH, SELECT, PING) by the URI's timeout;
    // commands are bounded by the TimeoutOptions of the client options.
    b.withSsl(settings.tls()).withTimeout(settings.connectTimeout());
    if (settings.tls()) {
      b.withVerifyPeer(settings.verifyPeer());
    }
    String password = settings.password();
    String username = settings.username();
    if (password != null) {
      if (username != null) {
        b.withAuthentication(username, password);
      } else {
        b.withPassword(password);
      }
    }
    return b.build();
  }

  private SocketOptions socketOptions() {
    return SocketOptions.builder()
        .connectTimeout(settings.connectTimeout())
        .keepAlive(true)
        .tcpNoDelay(true)
        .build();
  }

  private @Nullable SslOptions sslOptions() {
    if (settings.trustedCertificates() == null) {
      return null;
    }
    return SslOptions.builder()
        .jdkSslProvider()
        .trustManager(settings.trustedCertificates().toFile())
        .build();
  }

  private ClientOptions clientOptions() {
    ClientOptions.Builder b =
        ClientOptions.builder()
            .autoReconnect(true)
            // fail fast while reconnecting: a miss now beats a request waiting on a dead server
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .requestQueueSize(REQUEST_QUEUE_SIZE)
            .socketOptions(socketOptions())
            .timeoutOptions(TimeoutOptions.enabled(settings.commandTimeout()));
    SslOptions ssl = sslOptions();
    if (ssl != null) {
      b.sslOptions(ssl);
    }
    return b.build();
  }

  // Lettuce 7 deprecates choosing adaptive refresh triggers without an alternative in this
  // version; we want the topology refreshed on redirects and on reconnects.
  @SuppressWarnings("deprecation")
  private ClusterClientOptions clusterOptions() {
    ClusterClientOptions.Builder b =
        ClusterClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .requestQueueSize(REQUEST_QUEUE_SIZE)
            .socketOptions(socketOptions())
            .timeoutOptions(TimeoutOptions.enabled(settings.commandTimeout()))
            .topologyRefreshOptions(
                ClusterTopologyRefreshOptions.builder()
                    .enablePeriodicRefresh(Duration.ofSeconds(30))
                    .enableAdaptiveRefreshTrigger(
                        ClusterTopologyRefreshOptions.RefreshTrigger.MOVED_REDIRECT,
                        ClusterTopologyRefreshOptions.RefreshTrigger.ASK_REDIRECT,
                        ClusterTopologyRefreshOptions.RefreshTrigger.PERSISTENT_RECONNECTS,
                        ClusterTopologyRefreshOptions.RefreshTrigger.UNCOVERED_SLOT,
                        ClusterTopologyRefreshOptions.RefreshTrigger.UNKNOWN_NODE)
                    .build());
    SslOptions ssl = sslOptions();
    if (ssl != null) {
      b.sslOptions(ssl);
    }
    return b.build();
  }

  @Override
  public String toString() {
    return "Connections{" + settings.target() + ", pool_size=" + shared.length + '}';
  }
}
