package dev.hitbox.redis;

import dev.hitbox.core.KeyFormat;
import dev.hitbox.core.Ticker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** The immutable copy of a {@link RedisBackend.Builder}. */
record Settings(
    Mode mode,
    HostPort server,
    List<HostPort> clusterNodes,
    @Nullable String sentinelMaster,
    List<HostPort> sentinels,
    @Nullable String sentinelPassword,
    @Nullable String username,
    @Nullable String password,
    int database,
    boolean tls,
    @Nullable Path trustedCertificates,
    boolean verifyPeer,
    int poolSize,
    Duration connectTimeout,
    Duration commandTimeout,
    Duration maxReconnectDelay,
    KeyFormat keyFormat,
    String tagPrefix,
    String name,
    Ticker ticker,
    @Nullable Executor executor) {

  enum Mode {
    STANDALONE,
    SENTINEL,
    CLUSTER
  }

  /** Where this backend connects, for messages: never includes the password. */
  String target() {
    String auth = username != null ? ", user " + username : "";
    String scheme = tls ? "rediss" : "redis";
    return switch (mode) {
      case STANDALONE -> scheme + " " + server + " (database " + database + auth + ")";
      case SENTINEL ->
          scheme
              + " master "
              + sentinelMaster
              + " via sentinels "
              + join(sentinels)
              + " (database "
              + database
              + auth
              + ")";
      case CLUSTER ->
          scheme
              + " cluster "
              + join(clusterNodes)
              + (auth.isEmpty() ? "" : " (" + auth.substring(2) + ")");
    };
  }

  private static String join(List<HostPort> nodes) {
    return nodes.stream().map(HostPort::toString).collect(Collectors.joining(","));
  }

  @Override
  public String toString() {
    return "Settings{" + target() + ", pool_size=" + poolSize + ", key=" + keyFormat + '}';
  }

  /** A host and a port; IPv6 hosts are written in brackets. */
  record HostPort(String host, int port) {
    @Override
    public String toString() {
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
  }
}
