package dev.hitbox.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.config.ConfigException;
import dev.hitbox.config.ConfigLoader;
import dev.hitbox.config.EndpointConfig;
import dev.hitbox.config.HitboxConfig;
import dev.hitbox.core.CacheResult;
import dev.hitbox.core.CacheStatus;
import dev.hitbox.core.HitboxCache;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.core.spi.ValueCodec;
import dev.hitbox.testkit.CountingUpstream;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code type: DynamoDb} in YAML, used against a real server; bad settings name their key. */
class DynamoDbYamlTest {
  private static Dynalite server;

  @BeforeAll
  static void startServer() {
    server = Dynalite.launch();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void yamlBackendCreatesItsTableAndCaches() {
    HitboxConfig config =
        ConfigLoader.create()
            .parse(
                """
                backend:
                  type: DynamoDb
                  name: sessions
                  table: hitbox-yaml
                  region: eu-west-1
                  endpoint: %s
                  create_table: true
                  access_key_id: test-key
                  secret_access_key: test-secret
                  request_timeout: 5s
                  max_concurrency: 8
                policy: { Enabled: { ttl: 60 } }
                """
                    .formatted(server.endpoint()),
                "test.yaml");
    EndpointConfig endpoint = config.endpoints().get(0);
    assertThat(endpoint.backend().type()).isEqualTo("DynamoDb");
    assertThat(endpoint.backend().settings().toString())
        .contains("table=hitbox-yaml")
        .contains("secret_access_key=***")
        .doesNotContain("test-secret");

    Backend backend = endpoint.backend().create();
    try {
      assertThat(backend).isInstanceOf(DynamoDbBackend.class);
      assertThat(backend.name()).isEqualTo("sessions");
      HitboxCache<String> cache =
          HitboxCache.builder("yaml", ValueCodec.utf8())
              .backend(backend)
              .policy(endpoint.policy())
              .backendTimeout(Duration.ofSeconds(10))
              .build();
      CountingUpstream<String, String> loader = CountingUpstream.answering(k -> "value of " + k);

      assertThat(join(cache.get("user:1", loader::call))).isEqualTo("value of user:1");
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> join(cache.getIfPresent("user:1")) != null);
      CacheResult<String> second = join(cache.getWithStatus("user:1", loader::call));

      assertThat(second.status()).isEqualTo(CacheStatus.HIT);
      assertThat(loader.calls()).isEqualTo(1);
    } finally {
      ((DynamoDbBackend) backend).close();
    }
  }

  @Test
  void badSettingsNameTheKeyTheValueAndWhatIsAllowed() {
    assertThat(error("backend: {type: DynamoDb}"))
        .hasMessageContaining("backend.table")
        .hasMessageContaining("(expected: the name of a table)");
    assertThat(error("backend: {type: DynamoDb, table: ab}"))
        .hasMessageContaining("backend.table at line 1, column 34: \"ab\" (expected: 3 to 255")
        .hasMessageContaining("A-Z a-z 0-9 _ - .");
    assertThat(error("backend: {type: DynamoDb, table: cache, region: 'EU West'}"))
        .hasMessageContaining("backend.region")
        .hasMessageContaining("\"EU West\" (expected: an AWS region such as eu-west-1)");
    assertThat(error("backend: {type: DynamoDb, table: cache, endpoint: 'localhost:8000'}"))
        .hasMessageContaining("backend.endpoint")
        .hasMessageContaining("\"localhost:8000\" (expected: an http:// or https:// URL");
    assertThat(error("backend: {type: DynamoDb, table: cache, create_table: yes please}"))
        .hasMessageContaining("backend.create_table")
        .hasMessageContaining("\"yes please\"");
    assertThat(error("backend: {type: DynamoDb, table: cache, max_concurrency: 0}"))
        .hasMessageContaining("backend.max_concurrency")
        .hasMessageContaining("\"0\"");
    assertThat(error("backend: {type: DynamoDb, table: cache, ttl_attribute: pk}"))
        .hasMessageContaining("backend.ttl_attribute")
        .hasMessageContaining("\"pk\" (expected: 1 to 255 characters, not one of pk, sk");
    assertThat(error("backend: {type: DynamoDb, table: cache, access_key_id: AKIA}"))
        .hasMessageContaining("backend.secret_access_key")
        .hasMessageContaining("access_key_id and secret_access_key together, or neither");
    assertThat(error("backend: {type: DynamoDb, table: cache, tabel: x}"))
        .hasMessageContaining("unknown key \"tabel\"")
        .hasMessageContaining("create_table");
  }

  private static ConfigException error(String yaml) {
    Throwable t =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> ConfigLoader.create().parse(yaml, "test.yaml"));
    assertThat(t).isInstanceOf(ConfigException.class);
    return (ConfigException) t;
  }

  private static <T> T join(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
