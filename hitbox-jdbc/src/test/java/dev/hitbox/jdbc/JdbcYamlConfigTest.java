package dev.hitbox.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.config.BackendConfig;
import dev.hitbox.config.ConfigException;
import dev.hitbox.config.ConfigLoader;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.HitboxCache;
import dev.hitbox.core.KeyFormat;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.core.spi.ValueCodec;
import dev.hitbox.testkit.CountingUpstream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code type: Jdbc} in YAML, through the provider that hitbox-config finds on the class path. */
class JdbcYamlConfigTest {
  @TempDir Path dir;

  private static BackendConfig backend(String yaml) {
    return ConfigLoader.create().parse(yaml, "test.yaml").endpoints().get(0).backend();
  }

  @Test
  void yamlBackendCachesInAnSqliteFile() throws Exception {
    Path db = dir.resolve("yaml.db");
    BackendConfig config =
        backend(
            "backend:\n"
                + "  type: Jdbc\n"
                + "  name: sql\n"
                + "  url: \"jdbc:sqlite:"
                + db
                + "\"\n"
                + "  table: yaml_cache\n"
                + "  pool_size: 2\n"
                + "  sweep_interval: 30s\n"
                + "  connection_timeout: 2s\n"
                + "  auto_create: true\n"
                + "  key: {format: Bitcode}\n");
    assertThat(config.type()).isEqualTo("Jdbc");
    assertThat(config.settings().toString()).contains("table=yaml_cache", "poolSize=2");

    Backend created = config.create();
    assertThat(created).isInstanceOf(JdbcBackend.class);
    try (JdbcBackend backend = (JdbcBackend) created) {
      assertThat(backend.name()).isEqualTo("sql");
      assertThat(backend.table()).isEqualTo("yaml_cache");
      assertThat(backend.keyFormat().name()).isEqualTo(KeyFormat.BITCODE.name());
      HitboxCache<String> cache =
          HitboxCache.builder("authors", ValueCodec.utf8())
              .backend(backend)
              .backendTimeout(Duration.ofSeconds(10))
              .build();
      CountingUpstream<String, String> loader = CountingUpstream.answering(k -> "author " + k);

      assertThat(cache.get("42", loader::call).get(10, TimeUnit.SECONDS)).isEqualTo("author 42");
      Awaitility.await("the engine's write")
          .atMost(Duration.ofSeconds(10))
          .until(() -> cache.getIfPresent("42").get() != null);
      assertThat(cache.get("42", loader::call).get(10, TimeUnit.SECONDS)).isEqualTo("author 42");

      assertThat(loader.calls()).isEqualTo(1);
      assertThat(backend.rowCount()).isEqualTo(1);
      byte[] stored = backend.read(CacheKey.of("authors", "42")).toCompletableFuture().get();
      assertThat(stored).as("the engine's envelope, stored as it is").isNotNull();
    }
  }

  @Test
  void passwordComesFromTheEnvironmentAndStaysHidden() {
    String yaml =
        "backend: {type: Jdbc, url: \"jdbc:h2:file:"
            + dir.resolve("h2")
            + "\", username: sa, password: \"${DB_PASSWORD}\", create_table: true}";
    BackendConfig config =
        ConfigLoader.builder()
            .environment(Map.of("DB_PASSWORD", "s3cret"))
            .build()
            .parse(yaml, "test.yaml")
            .endpoints()
            .get(0)
            .backend();
    assertThat(config.settings().toString()).contains("password=***").doesNotContain("s3cret");

    try (JdbcBackend first = (JdbcBackend) config.create()) {
      assertThat(first.dialect()).isEqualTo(SqlDialect.H2);
    }
    BackendConfig wrong =
        ConfigLoader.builder()
            .environment(Map.of("DB_PASSWORD", "wrong"))
            .build()
            .parse(yaml, "test.yaml")
            .endpoints()
            .get(0)
            .backend();
    assertThatThrownBy(wrong::create)
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("cannot open the database as user sa")
        .hasMessageNotContaining("wrong\"");
  }

  @Test
  void badSettingsAreErrorsNamingTheKey() {
    assertThatThrownBy(() -> backend("backend: {type: Jdbc, pool_size: 0}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("backend.pool_size")
        .hasMessageContaining("0");
    assertThatThrownBy(() -> backend("backend: {type: Jdbc, table: \"cache; DROP TABLE x\"}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("backend.table")
        .hasMessageContaining("cache; DROP TABLE x")
        .hasMessageContaining("1 to 48 letters, digits or _");
    assertThatThrownBy(() -> backend("backend: {type: Jdbc, url: \"sqlite:/tmp/x.db\"}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("backend.url")
        .hasMessageContaining("sqlite:/tmp/x.db")
        .hasMessageContaining("JDBC URL");
    assertThatThrownBy(() -> backend("backend: {type: Jdbc, dialect: Oracle}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("backend.dialect")
        .hasMessageContaining("Oracle")
        .hasMessageContaining("Sqlite, Postgres, H2, Standard");
    assertThatThrownBy(() -> backend("backend: {type: Jdbc, sweep_interval: soon}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("backend.sweep_interval")
        .hasMessageContaining("soon");
    assertThatThrownBy(() -> backend("backend: {type: Jdbc, connection_timeout: 10ms}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("backend.connection_timeout")
        .hasMessageContaining("at least 250ms");
    assertThatThrownBy(
            () -> backend("backend: {type: Jdbc, auto_create: true, create_table: false}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("backend.create_table");
    assertThatThrownBy(() -> backend("backend: {type: Jdbc, tabel: x}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key \"tabel\"")
        .hasMessageContaining("table")
        .hasMessageContaining("sweep_interval");
  }

  @Test
  void badPathIsAnErrorNamingItWhenTheBackendIsCreated() {
    Path db = dir.resolve("missing/cache.db");
    BackendConfig config = backend("backend: {type: Jdbc, url: \"jdbc:sqlite:" + db + "\"}");

    assertThatThrownBy(config::create)
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("url: \"jdbc:sqlite:" + db + "\"")
        .hasMessageContaining("does not exist");
  }

  @Test
  void equalYamlGivesEqualSettings() {
    String yaml = "backend: {type: Jdbc, url: \"jdbc:sqlite:x.db\", pool_size: 3}";
    assertThat(backend(yaml)).isEqualTo(backend(yaml));
    assertThat(backend(yaml))
        .isNotEqualTo(backend("backend: {type: Jdbc, url: \"jdbc:sqlite:x.db\", pool_size: 4}"));
  }
}
