package dev.hitbox.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.config.ConfigException;
import dev.hitbox.config.ConfigLoader;
import dev.hitbox.config.HitboxConfig;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.KeyFormat;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code type: Redis} in the YAML of hitbox-config, against a real {@code redis-server}. */
class RedisYamlTest {
  private static RedisServer redis;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.launch();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  private static HitboxConfig parse(String backend) {
    return ConfigLoader.builder()
        .environment(Map.of("REDIS_URL", redis.uri()))
        .build()
        .parse("backend: " + backend + "\npolicy: { Enabled: { ttl: 60 } }\n", "hitbox.yaml");
  }

  @Test
  void aYamlBackendStoresInTheRedisItNames() {
    HitboxConfig config =
        parse(
            "{ type: Redis, name: shared, connection_string: \"${REDIS_URL}\", pool_size: 2,"
                + " command_timeout: 500ms, key: {format: UrlEncoded} }");
    assertThat(config.endpoints().get(0).backend().type()).isEqualTo("Redis");
    Backend backend = config.endpoints().get(0).backend().create();
    try {
      assertThat(backend.name()).isEqualTo("shared");
      CacheKey key = CacheKey.of("yaml", "author-42");
      byte[] value = "hello".getBytes(StandardCharsets.UTF_8);
      long now = System.currentTimeMillis();
      backend
          .write(key, BackendEntry.of(value, now + 60_000, now + 120_000, Set.of()))
          .toCompletableFuture()
          .join();
      assertThat(backend.read(key).toCompletableFuture().join()).isEqualTo(value);
      // The value is in that Redis, under the key's readable text.
      RedisClient client = RedisClient.create(redis.uri());
      try (StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE)) {
        assertThat(c.sync().exists(KeyFormat.URL_ENCODED.encode(key))).isEqualTo(1L);
      } finally {
        client.shutdown();
      }
    } finally {
      ((RedisBackend) backend).close();
    }
  }

  @Test
  void hostAndPortWorkAsWellAsAConnectionString() {
    HitboxConfig config =
        parse("{ type: Redis, host: " + redis.host() + ", port: " + redis.port() + " }");
    Backend backend = config.endpoints().get(0).backend().create();
    try {
      CacheKey key = CacheKey.of("yaml", "id-1");
      long now = System.currentTimeMillis();
      backend
          .write(key, BackendEntry.of(new byte[] {1, 2}, now + 60_000, now + 60_000, Set.of()))
          .toCompletableFuture()
          .join();
      assertThat(backend.read(key).toCompletableFuture().join()).containsExactly(1, 2);
    } finally {
      ((RedisBackend) backend).close();
    }
  }

  @Test
  void badSettingsNameTheKeyTheValueAndWhatIsAllowed() {
    assertThatThrownBy(() -> parse("{ type: Redis, connection_string: \"http://x:1\" }"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("hitbox.yaml")
        .hasMessageContaining("backend.connection_string")
        .hasMessageContaining("line 1")
        .hasMessageContaining("redis://");
    assertThatThrownBy(() -> parse("{ type: Redis, host: h, pool_size: 0 }"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("backend.pool_size")
        .hasMessageContaining("\"0\"");
    assertThatThrownBy(() -> parse("{ type: Redis, host: h, port: 70000 }"))
        .hasMessageContaining("backend.port")
        .hasMessageContaining("70000");
    assertThatThrownBy(
            () -> parse("{ type: Redis, connection_string: \"redis://h:1\", host: other }"))
        .hasMessageContaining("backend.host")
        .hasMessageContaining("either connection_string or host/port");
    assertThatThrownBy(() -> parse("{ type: Redis, cluster: {nodes: [\"h:1\"]}, database: 3 }"))
        .hasMessageContaining("backend.database")
        .hasMessageContaining("only database of a Redis Cluster");
    assertThatThrownBy(() -> parse("{ type: Redis, cluster: {nodes: [\"no-port\"]} }"))
        .hasMessageContaining("backend.cluster")
        .hasMessageContaining("host:port");
    assertThatThrownBy(() -> parse("{ type: Redis, host: h, passwrod: x }"))
        .hasMessageContaining("passwrod")
        .hasMessageContaining("password");
    assertThatThrownBy(() -> parse("{ type: Redis, host: h, command_timeout: 0 }"))
        .hasMessageContaining("backend.command_timeout");
  }
}
