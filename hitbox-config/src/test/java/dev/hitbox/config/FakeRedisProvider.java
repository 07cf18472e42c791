package dev.hitbox.config;

import dev.hitbox.caffeine.CaffeineBackend;
import dev.hitbox.config.spi.BackendProvider;
import dev.hitbox.config.spi.BackendSettings;
import dev.hitbox.config.spi.ConfigNode;
import dev.hitbox.core.CacheListener;
import dev.hitbox.core.spi.Backend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A stand-in for hitbox-redis's provider: reads Redis keys, builds an in-memory backend. */
final class FakeRedisProvider implements BackendProvider {
  @Override
  public List<String> types() {
    return List.of("Redis");
  }

  @Override
  public BackendSettings read(ConfigNode node) {
    String uri =
        node.string("connection_string")
            .orElseThrow(() -> node.invalid("connection_string", "a redis:// URI"));
    if (!uri.startsWith("redis://")) {
      throw node.invalid("connection_string", "a redis:// URI");
    }
    int database = (int) node.integer("database", 0, 15).orElse(0);
    Duration timeout = node.duration("command_timeout").orElse(Duration.ofSeconds(1));
    List<String> nodes = node.mapping("cluster").map(c -> c.strings("nodes")).orElse(List.of());
    boolean tls = node.bool("tls").orElse(false);
    String mode = node.oneOf("mode", List.of("standalone", "cluster")).orElse("standalone");
    long maxValueSize = node.size("max_value_size").orElse(512L << 20);
    List<String> sentinels = new ArrayList<>();
    for (ConfigNode s : node.mappings("sentinels")) {
      sentinels.add(s.string("host").orElseThrow(() -> s.invalid("host", "a host name")));
    }
    if (tls && !mode.equals("standalone")) {
      throw node.invalid("tls", "false with mode " + mode);
    }
    return new Settings(uri, database, timeout, nodes, tls, mode, maxValueSize, sentinels);
  }

  record Settings(
      String uri,
      int database,
      Duration timeout,
      List<String> clusterNodes,
      boolean tls,
      String mode,
      long maxValueSize,
      List<String> sentinels)
      implements BackendSettings {
    Settings(String uri, int database, Duration timeout, List<String> clusterNodes) {
      this(uri, database, timeout, clusterNodes, false, "standalone", 512L << 20, List.of());
    }

    @Override
    public Backend create(BackendConfig config, CacheListener listener) {
      return CaffeineBackend.builder().name(config.name().orElse("redis")).build();
    }
  }
}
