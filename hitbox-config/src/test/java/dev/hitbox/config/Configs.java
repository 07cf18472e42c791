package dev.hitbox.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Loading helpers for tests. */
final class Configs {
  static final Map<String, String> ENV =
      Map.of("REDIS_URL", "redis://cache:6379", "HITBOX_ADMIN_TOKEN", "s3cret", "TTL", "90");

  static final ConfigLoader LOADER = ConfigLoader.builder().environment(ENV).build();

  static final ConfigLoader WITH_REDIS =
      ConfigLoader.builder().environment(ENV).backendProvider(new FakeRedisProvider()).build();

  private Configs() {}

  static HitboxConfig parse(String yaml) {
    return LOADER.parse(yaml, "hitbox.yaml");
  }

  static ConfigException error(String yaml) {
    return error(LOADER, yaml);
  }

  static ConfigException error(ConfigLoader loader, String yaml) {
    ConfigException[] caught = new ConfigException[1];
    assertThatThrownBy(() -> loader.parse(yaml, "hitbox.yaml"))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> caught[0] = (ConfigException) e);
    return caught[0];
  }

  static String resource(String name) {
    try (InputStream in = Configs.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("no resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String seed(String name) {
    return resource("/seeds/" + name);
  }
}
