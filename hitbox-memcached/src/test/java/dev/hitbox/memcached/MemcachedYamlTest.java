package dev.hitbox.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.config.ConfigException;
import dev.hitbox.config.ConfigLoader;
import dev.hitbox.config.HitboxConfig;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.testkit.MemcachedServer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code type: Memcached} in the YAML of hitbox-config, against real {@code memcached}s. */
class MemcachedYamlTest {
  private static MemcachedServer one;
  private static MemcachedServer two;

  @BeforeAll
  static void startServers() {
    one = MemcachedServer.launch();
    two = MemcachedServer.launch();
  }

  @AfterAll
  static void stopServers() {
    try {
      one.close();
    } finally {
      two.close();
    }
  }

  private static HitboxConfig parse(String backend) {
    return ConfigLoader.builder()
        .environment(Map.of("MC_A", one.address(), "MC_B", two.address()))
        .build()
        .parse("backend: " + backend + "\npolicy: { Enabled: { ttl: 60 } }\n", "hitbox.yaml");
  }

  @Test
  void aYamlBackendSpreadsKeysOverTheServersItNames() throws Exception {
    HitboxConfig config =
        parse(
            "{ type: Memcached, name: mc, servers: [\"${MC_A}\", \"${MC_B}\"],"
                + " max_connections: 2, min_connections: 1, request_timeout: 2s,"
                + " max_item_size: 512KiB }");
    MemcachedBackend backend = (MemcachedBackend) config.endpoints().get(0).backend().create();
    try {
      backend.connected().get(10, TimeUnit.SECONDS);
      assertThat(backend.name()).isEqualTo("mc");
      assertThat(backend.servers()).containsExactly(one.address(), two.address());
      long now = System.currentTimeMillis();
      for (int i = 0; i < 20; i++) {
        CacheKey key = CacheKey.of("yaml", "k" + i);
        byte[] value = ("v" + i).getBytes(StandardCharsets.UTF_8);
        backend
            .write(key, BackendEntry.of(value, now + 60_000, now + 60_000, Set.of()))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
        assertThat(backend.read(key).toCompletableFuture().get(10, TimeUnit.SECONDS))
            .isEqualTo(value);
      }
      // max_item_size was applied: a value over 512 KiB is skipped, not stored.
      CacheKey big = CacheKey.of("yaml", "big");
      backend
          .write(big, BackendEntry.of(new byte[600 * 1024], now + 60_000, now + 60_000, Set.of()))
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      assertThat(backend.oversizedSkips()).isEqualTo(1);
      assertThat(backend.read(big).toCompletableFuture().get(10, TimeUnit.SECONDS)).isNull();
    } finally {
      backend.close();
    }
  }

  @Test
  void badSettingsNameTheKeyTheValueAndWhatIsAllowed() {
    assertThatThrownBy(() -> parse("{ type: Memcached }"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("backend.servers")
        .hasMessageContaining("missing");
    assertThatThrownBy(() -> parse("{ type: Memcached, servers: [\"a:1\", \"a:1\"] }"))
        .hasMessageContaining("backend.servers")
        .hasMessageContaining("each server once");
    assertThatThrownBy(() -> parse("{ type: Memcached, servers: [\"a:99999\"] }"))
        .hasMessageContaining("backend.servers");
    assertThatThrownBy(() -> parse("{ type: Memcached, servers: [a], max_connections: 0 }"))
        .hasMessageContaining("backend.max_connections")
        .hasMessageContaining("\"0\"");
    assertThatThrownBy(
            () ->
                parse("{ type: Memcached, servers: [a], max_connections: 2, min_connections: 3 }"))
        .hasMessageContaining("backend.min_connections")
        .hasMessageContaining("at most max_connections");
    assertThatThrownBy(() -> parse("{ type: Memcached, servers: [a], request_timeout: 0 }"))
        .hasMessageContaining("backend.request_timeout");
    assertThatThrownBy(() -> parse("{ type: Memcached, servers: [a], sever: b }"))
        .hasMessageContaining("sever");
  }
}
