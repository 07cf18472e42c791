package dev.hitbox.memcached.internal;

import dev.hitbox.config.BackendConfig;
import dev.hitbox.config.spi.BackendProvider;
import dev.hitbox.config.spi.BackendSettings;
import dev.hitbox.config.spi.ConfigNode;
import dev.hitbox.core.CacheListener;
import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.memcached.MemcachedBackend;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * {@code backend: {type: Memcached, ...}} in the YAML of {@code hitbox-config}. The keys are those
 * of {@link MemcachedBackend.Builder}: {@code servers} (a list of {@code host:port}, or one),
 * {@code max_connections}, {@code min_connections}, {@code connect_timeout}, {@code
 * request_timeout}, {@code max_reconnect_delay}, {@code max_item_size}, {@code
 * max_patterns_per_namespace}. Found by {@link java.util.ServiceLoader}; thread-safe.
 */
public final class MemcachedBackendProvider implements BackendProvider {

  /** Creates the provider ({@link java.util.ServiceLoader} does). */
  public MemcachedBackendProvider() {}

  @Override
  public List<String> types() {
    return List.of("Memcached");
  }

  @Override
  public BackendSettings read(ConfigNode node) {
    List<String> servers = node.strings("servers");
    if (servers.isEmpty()) {
      throw node.invalid("servers", "a list of host:port, e.g. [\"127.0.0.1:11211\"]");
    }
    Settings settings =
        new Settings(
            servers,
            boxed(node.integer("max_connections", 1, 1024)),
            boxed(node.integer("min_connections", 0, 1024)),
            node.duration("connect_timeout").orElse(null),
            node.duration("request_timeout").orElse(null),
            node.duration("max_reconnect_delay").orElse(null),
            boxed(node.size("max_item_size")),
            boxed(node.integer("max_patterns_per_namespace", 1, 1 << 16)));
    MemcachedBackend.Builder b = MemcachedBackend.builder();
    settings.apply(b, node::refused);
    if (settings.minConnections != null
        && settings.minConnections
            > (settings.maxConnections == null ? 10 : settings.maxConnections)) {
      throw node.invalid("min_connections", "at most max_connections");
    }
    return settings;
  }

  private static @Nullable Long boxed(OptionalLong v) {
    return v.isPresent() ? v.getAsLong() : null;
  }

  /**
   * The Memcached keys as read; compared by value so that an unchanged backend survives a reload.
   */
  record Settings(
      List<String> servers,
      @Nullable Long maxConnections,
      @Nullable Long minConnections,
      @Nullable Duration connectTimeout,
      @Nullable Duration requestTimeout,
      @Nullable Duration maxReconnectDelay,
      @Nullable Long maxItemSize,
      @Nullable Long maxPatternsPerNamespace)
      implements BackendSettings {

    @Override
    public Backend create(BackendConfig config, CacheListener listener) {
      MemcachedBackend.Builder b = MemcachedBackend.builder();
      apply(b, (key, e) -> e); // every value was checked when it was read
      config.name().ifPresent(b::name);
      b.keyFormat(config.keyFormat());
      return b.build();
    }

    void apply(
        MemcachedBackend.Builder b,
        BiFunction<String, ConfigurationException, ? extends RuntimeException> refusal) {
      set(refusal, "servers", servers, b::servers);
      set(refusal, "max_connections", maxConnections, n -> b.maxConnections(n.intValue()));
      set(refusal, "min_connections", minConnections, n -> b.minConnections(n.intValue()));
      set(refusal, "connect_timeout", connectTimeout, b::connectTimeout);
      set(refusal, "request_timeout", requestTimeout, b::requestTimeout);
      set(refusal, "max_reconnect_delay", maxReconnectDelay, b::maxReconnectDelay);
      set(
          refusal,
          "max_item_size",
          maxItemSize,
          n -> b.maxItemSize((int) Math.min(n, Integer.MAX_VALUE)));
      set(
          refusal,
          "max_patterns_per_namespace",
          maxPatternsPerNamespace,
          n -> b.maxPatternsPerNamespace(n.intValue()));
    }

    private static <T> void set(
        BiFunction<String, ConfigurationException, ? extends RuntimeException> refusal,
        String key,
        @Nullable T value,
        Consumer<T> setter) {
      if (value == null) {
        return;
      }
      try {
        setter.accept(value);
      } catch (ConfigurationException e) {
        throw refusal.apply(key, e);
      }
    }
  }
}
