package dev.hitbox.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.config.BackendConfig;
import dev.hitbox.config.ConfigException;
import dev.hitbox.config.ConfigLoader;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.HitboxCache;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.core.spi.ValueCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksDbYamlTest {
  @TempDir Path dir;

  private static BackendConfig backend(String yaml) {
    return ConfigLoader.create().parse(yaml, "test.yaml").endpoints().get(0).backend();
  }

  @Test
  void aRocksDbBackendFromYamlCachesAndPersists() throws Exception {
    Path db = dir.resolve("cache.db");
    String yaml =
        """
        backend:
          type: RocksDb
          name: disk
          path: "%s"
          max_bytes: 8MiB
          sweep_interval: 5s
          threads: 2
          key: {format: Bitcode}
        """
            .formatted(db);
    BackendConfig config = backend(yaml);
    assertThat(config.type()).isEqualTo("RocksDb");

    try (RocksDbBackend backend = (RocksDbBackend) config.create()) {
      assertThat(backend.name()).isEqualTo("disk");
      assertThat(backend.path()).contains(db.toAbsolutePath());
      assertThat(backend.maxBytes()).isEqualTo(8L << 20);
      HitboxCache<String> cache =
          HitboxCache.builder("authors", ValueCodec.utf8()).backend(backend).build();
      assertThat(
              cache
                  .get(
                      "42",
                      k -> java.util.concurrent.CompletableFuture.completedFuture("author " + k))
                  .get(10, TimeUnit.SECONDS))
          .isEqualTo("author 42");
      Awaitility.await("the engine's write")
          .atMost(Duration.ofSeconds(10))
          .until(() -> cache.getIfPresent("42").get(10, TimeUnit.SECONDS) != null);
      // Bitcode keys: the stored key starts with the Bitcode marker, not the readable text
      assertThat(backend.entryCount()).isEqualTo(1);
    }

    // the same YAML after a restart finds the entry
    try (RocksDbBackend backend = (RocksDbBackend) backend(yaml).create()) {
      HitboxCache<String> cache =
          HitboxCache.builder("authors", ValueCodec.utf8()).backend(backend).build();
      assertThat(cache.getIfPresent("42").get(10, TimeUnit.SECONDS)).isEqualTo("author 42");
    }
  }

  @Test
  void feOxDbIsTheSameTypeInMemory() {
    BackendConfig config = backend("backend: {type: FeOxDb, in_memory: true}\n");
    assertThat(config.type()).isEqualTo("RocksDb");
    assertThat(config).isEqualTo(backend("backend: {type: RocksDb, in_memory: true}\n"));
    try (RocksDbBackend backend = (RocksDbBackend) config.create()) {
      assertThat(backend.path()).isEmpty();
      assertThat(backend.maxBytes()).isEqualTo(RocksDbBackend.DEFAULT_MAX_BYTES);
      RocksDbPersistenceTest.join(
          backend.write(
              CacheKey.of("mem", "k"),
              RocksDbPersistenceTest.entry("v", Long.MAX_VALUE, java.util.Set.of())));
      assertThat(RocksDbPersistenceTest.read(backend, CacheKey.of("mem", "k"))).isEqualTo("v");
    }
  }

  @Test
  void badSettingsNameTheKeyTheValueAndWhatIsAllowed() {
    assertThatThrownBy(() -> backend("backend: {type: RocksDb, path: /tmp/x, max_bytes: 1000}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("backend.max_bytes")
        .hasMessageContaining("1000")
        .hasMessageContaining("at least 1MiB");
    assertThatThrownBy(
            () -> backend("backend: {type: RocksDb, path: /tmp/x, sweep_interval: 1ms}\n"))
        .hasMessageContaining("backend.sweep_interval")
        .hasMessageContaining("1ms")
        .hasMessageContaining("from 10ms to 1d");
    assertThatThrownBy(() -> backend("backend: {type: RocksDb, path: /tmp/x, threads: 0}\n"))
        .hasMessageContaining("backend.threads")
        .hasMessageContaining("0");
    assertThatThrownBy(() -> backend("backend: {type: RocksDb}\n"))
        .hasMessageContaining("backend.path")
        .hasMessageContaining("a directory, or in_memory: true");
    assertThatThrownBy(() -> backend("backend: {type: FeOxDb, path: /tmp/x, in_memory: true}\n"))
        .hasMessageContaining("backend.in_memory")
        .hasMessageContaining("either path or in_memory");
    assertThatThrownBy(() -> backend("backend: {type: RocksDb, in_memory: yes please}\n"))
        .hasMessageContaining("backend.in_memory");
    assertThatThrownBy(() -> backend("backend: {type: RocksDb, in_memory: true, max_size: 1GiB}\n"))
        .hasMessageContaining("max_size")
        .hasMessageContaining("max_bytes");
  }

  @Test
  void aLockedPathFailsToCreateNamingIt() {
    Path db = dir.resolve("db");
    BackendConfig config = backend("backend: {type: RocksDb, path: \"%s\"}\n".formatted(db));
    try (RocksDbBackend first = (RocksDbBackend) config.create()) {
      assertThat(first.entryCount()).isZero();
      assertThatThrownBy(config::create)
          .isInstanceOf(ConfigurationException.class)
          .hasMessageStartingWith("backend: rocksdb " + db + ": the directory is locked");
    }
    Backend again = config.create();
    ((RocksDbBackend) again).close();
  }
}
