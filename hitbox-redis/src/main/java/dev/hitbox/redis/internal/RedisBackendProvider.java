package dev.hitbox.redis.internal;

import static dev.hitbox.redis.RedisConcurrencyManager.DEFAULT_ACQUIRE_TIMEOUT;
import static dev.hitbox.redis.RedisConcurrencyManager.DEFAULT_LEASE_TIME;

import dev.hitbox.config.BackendConfig;
import dev.hitbox.config.spi.BackendProvider;
import dev.hitbox.config.spi.BackendSettings;
import dev.hitbox.config.spi.ConfigNode;
import dev.hitbox.core.CacheListener;
import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.redis.RedisBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * {@code backend: {type: Redis, ...}} in the YAML of {@code hitbox-config}. The keys are those of
 * {@link RedisBackend.Builder}: {@code connection_string} (or {@code host}, {@code port}), {@code
 * username}, {@code password}, {@code database}, {@code tls}, {@code trusted_certificates}, {@code
 * verify_peer}, {@code cluster: {nodes: [...]}}, {@code sentinel: {master, nodes, password}},
 * {@code pool_size}, {@code connect_timeout}, {@code command_timeout}, {@code max_reconnect_delay},
 * {@code tag_prefix}, {@code distributed_dogpile: {lease_time, acquire_timeout}} (a mapping, {@code
 * {}} for the defaults: the endpoints on this backend coordinate their callers across processes)
 * and {@code invalidation_channel} (of the bus a {@code coherent: true} composition uses). Found by
 * {@link java.util.ServiceLoader}; thread-safe.
 */
public final class RedisBackendProvider implements BackendProvider {

  /** Creates the provider ({@link java.util.ServiceLoader} does). */
  public RedisBackendProvider() {}

  @Override
  public List<String> types() {
    return List.of("Redis");
  }

  @Override
  public BackendSettings read(ConfigNode node) {
    Optional<String> connection = node.string("connection_string");
    Optional<String> host = node.string("host");
    Long port = boxed(node.integer("port", 1, 65_535));
    Optional<String> username = node.string("username");
    Optional<String> password = node.string("password");
    Long database = boxed(node.integer("database", 0, Integer.MAX_VALUE));
    Optional<Boolean> tls = node.bool("tls");
    Optional<String> trusted = node.string("trusted_certificates");
    Optional<Boolean> verifyPeer = node.bool("verify_peer");
    List<String> cluster =
        node.mapping("cluster")
            .map(
                c -> {
                  List<String> nodes = c.strings("nodes");
                  if (nodes.isEmpty()) {
                    throw c.invalid("nodes", "a list of host:port of the cluster's nodes");
                  }
                  return nodes;
                })
            .orElse(List.of());
    Optional<ConfigNode> sentinelNode = node.mapping("sentinel");
    String sentinelMaster = null;
    List<String> sentinels = List.of();
    String sentinelPassword = null;
    if (sentinelNode.isPresent()) {
      ConfigNode s = sentinelNode.get();
      sentinelMaster =
          s.string("master").orElseThrow(() -> s.invalid("master", "the name of the master"));
      sentinels = s.strings("nodes");
      if (sentinels.isEmpty()) {
        throw s.invalid("nodes", "a list of host:port of the sentinels");
      }
      sentinelPassword = s.string("password").orElse(null);
    }
    Long poolSize = boxed(node.integer("pool_size", 1, 256));
    Duration connectTimeout = node.duration("connect_timeout").orElse(null);
    Duration commandTimeout = node.duration("command_timeout").orElse(null);
    Duration reconnect = node.duration("max_reconnect_delay").orElse(null);
    Optional<String> tagPrefix = node.string("tag_prefix");
    Optional<ConfigNode> dogpile = node.mapping("distributed_dogpile");
    Duration leaseTime = dogpile.flatMap(d -> d.duration("lease_time")).orElse(DEFAULT_LEASE_TIME);
    Duration acquireTimeout =
        dogpile.flatMap(d -> d.duration("acquire_timeout")).orElse(DEFAULT_ACQUIRE_TIMEOUT);
    Optional<String> invalidationChannel = node.string("invalidation_channel");

    if (connection.isPresent() && (host.isPresent() || port != null)) {
      throw node.invalid(
          host.isPresent() ? "host" : "port", "either connection_string or host/port, not both");
    }
    if (!cluster.isEmpty() && sentinelMaster != null) {
      throw node.invalid("sentinel", "either cluster or sentinel, not both");
    }
    if (!cluster.isEmpty() && database != null && database != 0) {
      throw node.invalid("database", "0, the only database of a Redis Cluster");
    }
    Settings settings =
        new Settings(
            connection.orElse(null),
            host.orElse(null),
            port,
            username.orElse(null),
            password.orElse(null),
            database,
            tls.orElse(null),
            trusted.orElse(null),
            verifyPeer.orElse(null),
            cluster,
            sentinelMaster,
            sentinels,
            sentinelPassword,
            poolSize,
            connectTimeout,
            commandTimeout,
            reconnect,
            tagPrefix.orElse(null),
            dogpile.isPresent() ? leaseTime : null,
            dogpile.isPresent() ? acquireTimeout : null,
            invalidationChannel.orElse(null));
    // The builder's own checks, each reported at its key; nothing is built or connected here.
    RedisBackend.Builder b = RedisBackend.builder();
    // Each distributed_dogpile key checked on its own first, so that an error names that key.
    if (dogpile.isPresent()) {
      ConfigNode d = dogpile.get();
      try {
        b.distributedDogpile(leaseTime, DEFAULT_ACQUIRE_TIMEOUT);
      } catch (ConfigurationException e) {
        throw d.refused("lease_time", e);
      }
      try {
        b.distributedDogpile(DEFAULT_LEASE_TIME, acquireTimeout);
      } catch (ConfigurationException e) {
        throw d.refused("acquire_timeout", e);
      }
    }
    settings.apply(b, node::refused);
    return settings;
  }

  private static @Nullable Long boxed(java.util.OptionalLong v) {
    return v.isPresent() ? v.getAsLong() : null;
  }

  /** How a setting that the builder refuses becomes an error at its key. */
  @FunctionalInterface
  interface Refusal {
    RuntimeException at(String key, ConfigurationException e);
  }

  /** The Redis keys as read; compared by value so that an unchanged backend survives a reload. */
  record Settings(
      @Nullable String connectionString,
      @Nullable String host,
      @Nullable Long port,
      @Nullable String username,
      @Nullable String password,
      @Nullable Long database,
      @Nullable Boolean tls,
      @Nullable String trustedCertificates,
      @Nullable Boolean verifyPeer,
      List<String> cluster,
      @Nullable String sentinelMaster,
      List<String> sentinels,
      @Nullable String sentinelPassword,
      @Nullable Long poolSize,
      @Nullable Duration connectTimeout,
      @Nullable Duration commandTimeout,
      @Nullable Duration maxReconnectDelay,
      @Nullable String tagPrefix,
      @Nullable Duration leaseTime,
      @Nullable Duration leaseAcquireTimeout,
      @Nullable String invalidationChannel)
      implements BackendSettings {

    @Override
    public Backend create(BackendConfig config, CacheListener listener) {
      RedisBackend.Builder b = RedisBackend.builder();
      apply(b, (key, e) -> e); // every value was checked when it was read
      config.name().ifPresent(b::name);
      b.keyFormat(config.keyFormat());
      b.listener(listener);
      return b.build();
    }

    @Override
    public boolean offersInvalidationBus() {
      return true;
    }

    void apply(RedisBackend.Builder b, Refusal refusal) {
      set(refusal, "connection_string", connectionString, b::connectionString);
      set(refusal, "host", host, b::host);
      set(refusal, "port", port, p -> b.port(p.intValue()));
      set(refusal, "username", username, b::username);
      set(refusal, "password", password, b::password);
      set(refusal, "database", database, d -> b.database(d.intValue()));
      set(refusal, "tls", tls, b::tls);
      set(
          refusal,
          "trusted_certificates",
          trustedCertificates,
          f -> b.trustedCertificates(Path.of(f)));
      set(refusal, "verify_peer", verifyPeer, b::verifyPeer);
      if (!cluster.isEmpty()) {
        set(refusal, "cluster", cluster, b::cluster);
      }
      if (sentinelMaster != null) {
        String master = sentinelMaster;
        set(refusal, "sentinel", sentinels, s -> b.sentinel(master, s));
      }
      set(refusal, "sentinel", sentinelPassword, b::sentinelPassword);
      set(refusal, "pool_size", poolSize, n -> b.poolSize(n.intValue()));
      set(refusal, "connect_timeout", connectTimeout, b::connectTimeout);
      set(refusal, "command_timeout", commandTimeout, b::commandTimeout);
      set(refusal, "max_reconnect_delay", maxReconnectDelay, b::maxReconnectDelay);
      set(refusal, "tag_prefix", tagPrefix, b::tagPrefix);
      set(refusal, "invalidation_channel", invalidationChannel, b::invalidationChannel);
      Duration acquire = leaseAcquireTimeout;
      if (acquire != null) {
        set(refusal, "distributed_dogpile", leaseTime, l -> b.distributedDogpile(l, acquire));
      }
    }

    private static <T> void set(
        Refusal refusal, String key, @Nullable T value, Consumer<T> setter) {
      if (value == null) {
        return;
      }
      try {
        setter.accept(value);
      } catch (ConfigurationException e) {
        throw refusal.at(key, e);
      }
    }

    @Override
    public String toString() {
      // No password, in whatever key it came.
      return "Redis{"
          + (connectionString != null
              ? "connection_string=" + connectionString.replaceAll(":[^:@/]*@", ":***@")
              : "host=" + host + ", port=" + port)
          + (cluster.isEmpty() ? "" : ", cluster=" + cluster)
          + (sentinelMaster == null ? "" : ", sentinel=" + sentinelMaster + sentinels)
          + (leaseTime == null ? "" : ", distributed_dogpile=" + leaseTime)
          + '}';
    }
  }
}
