package dev.hitbox.proxy;

import java.nio.file.Path;

/**
 * Reads a configuration file into a {@link ProxyConfig}; {@link ProxyMain} finds its loader with
 * {@link java.util.ServiceLoader} (the YAML loader of {@code hitbox-config}). Implementations must
 * be thread-safe: {@code POST /config/reload} calls {@link #load} again.
 */
@FunctionalInterface
public interface ProxyConfigLoader {

  /**
   * Reads {@code file}.
   *
   * @param file the configuration file
   * @param metrics the proxy's metrics, to pass as the listener of every {@code HttpCache} built
   * @return the configuration
   * @throws dev.hitbox.core.ConfigurationException if the file cannot be read or is not valid,
   *     naming the file, the line, the key, the value given and the values allowed
   */
  ProxyConfig load(Path file, ProxyMetrics metrics);
}
