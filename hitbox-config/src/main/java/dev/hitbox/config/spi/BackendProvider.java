package dev.hitbox.config.spi;

import java.util.List;

/**
 * Makes a backend {@code type} configurable from YAML. A backend module (Redis, Memcached, ...)
 * implements it and registers it for {@link java.util.ServiceLoader}: {@code provides
 * dev.hitbox.config.spi.BackendProvider with ...} in its {@code module-info.java}, and a {@code
 * META-INF/services/dev.hitbox.config.spi.BackendProvider} file for the class path.
 *
 * <p>The common keys of every backend ({@code type}, {@code name}, {@code key}, {@code value},
 * {@code compression}) are read by {@code hitbox-config}; {@link #read} reads the others.
 * Implementations must be thread-safe.
 *
 * <pre>{@code
 * public final class RedisBackendProvider implements BackendProvider {
 *   public List<String> types() { return List.of("Redis"); }
 *   public BackendSettings read(ConfigNode node) {
 *     return new RedisSettings(node.string("connection_string")
 *         .orElseThrow(() -> node.invalid("connection_string", "a redis:// URI")));
 *   }
 * }
 * }</pre>
 */
public interface BackendProvider {

  /**
   * The names of the type in {@code backend.type}, e.g. {@code ["RocksDb", "FeOxDb"]}; the first is
   * the canonical name that {@code BackendConfig.type()} reports.
   */
  List<String> types();

  /**
   * Reads and validates the type's own keys. Must not connect anywhere or start anything: it runs
   * for every load and reload, also of files that are then rejected.
   *
   * @return immutable settings, equal to the settings read from an equal mapping
   * @throws dev.hitbox.config.ConfigException through {@link ConfigNode#invalid} and the getters
   */
  BackendSettings read(ConfigNode node);
}
