package dev.hitbox.rocksdb.internal;

import dev.hitbox.config.BackendConfig;
import dev.hitbox.config.spi.BackendProvider;
import dev.hitbox.config.spi.BackendSettings;
import dev.hitbox.config.spi.ConfigNode;
import dev.hitbox.core.BackendException;
import dev.hitbox.core.CacheListener;
import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.rocksdb.RocksDbBackend;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * {@code type: RocksDb} (also {@code FeOxDb}) in YAML: {@code path} or {@code in_memory: true},
 * {@code max_bytes}, {@code sweep_interval}, {@code threads}. Found by {@link
 * java.util.ServiceLoader}; not an API.
 */
public final class RocksDbProvider implements BackendProvider {

  /** Creates the provider (for {@link java.util.ServiceLoader}). */
  public RocksDbProvider() {}

  @Override
  public List<String> types() {
    return List.of("RocksDb", "FeOxDb");
  }

  @Override
  public BackendSettings read(ConfigNode node) {
    Optional<String> path = node.string("path");
    boolean inMemory = node.bool("in_memory").orElse(false);
    long maxBytes = node.size("max_bytes").orElse(RocksDbBackend.DEFAULT_MAX_BYTES);
    Duration sweep = node.duration("sweep_interval").orElse(RocksDbBackend.DEFAULT_SWEEP_INTERVAL);
    int threads = (int) node.integer("threads", 1, 256).orElse(0);
    if (path.isPresent() && inMemory) {
      throw node.invalid("in_memory", "false when path is set (either path or in_memory: true)");
    }
    if (path.isEmpty() && !inMemory) {
      throw node.invalid("path", "a directory, or in_memory: true");
    }
    if (path.isPresent()) {
      if (path.get().isBlank()) {
        throw node.invalid("path", "a directory");
      }
      try {
        Path.of(path.get());
      } catch (InvalidPathException e) {
        throw node.invalid("path", "a valid directory path (" + e.getReason() + ")");
      }
    }
    if (maxBytes < RocksDbBackend.MIN_MAX_BYTES) {
      throw node.invalid("max_bytes", "a size of at least 1MiB, such as 512MiB");
    }
    if (sweep.compareTo(Duration.ofMillis(10)) < 0 || sweep.compareTo(Duration.ofDays(1)) > 0) {
      throw node.invalid("sweep_interval", "a duration from 10ms to 1d, such as 30s");
    }
    return new Settings(path.orElse(null), maxBytes, sweep, threads);
  }

  /**
   * The settings of one RocksDB backend.
   *
   * @param path the directory, or {@code null} in memory
   * @param maxBytes the bound on the live data
   * @param sweepInterval how often expired entries are deleted
   * @param threads threads of the backend's executor, {@code 0} for the default
   */
  record Settings(@Nullable String path, long maxBytes, Duration sweepInterval, int threads)
      implements BackendSettings {
    @Override
    public Backend create(BackendConfig config, CacheListener listener) {
      RocksDbBackend.Builder b =
          RocksDbBackend.builder()
              .maxBytes(maxBytes)
              .sweepInterval(sweepInterval)
              .keyFormat(config.keyFormat());
      if (path != null) {
        b.path(Path.of(path));
      } else {
        b.inMemory();
      }
      if (threads > 0) {
        b.threads(threads);
      }
      config.name().ifPresent(b::name);
      try {
        return b.build();
      } catch (BackendException e) {
        throw new ConfigurationException("backend: " + e.getMessage());
      }
    }

    @Override
    public String toString() {
      return (path == null ? "in memory" : "path=" + path)
          + ", maxBytes="
          + maxBytes
          + ", sweepInterval="
          + sweepInterval
          + (threads > 0 ? ", threads=" + threads : "");
    }
  }
}
