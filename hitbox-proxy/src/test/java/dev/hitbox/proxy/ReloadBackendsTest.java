package dev.hitbox.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hitbox.caffeine.CaffeineBackend;
import dev.hitbox.config.BackendConfig;
import dev.hitbox.config.ConfigLoader;
import dev.hitbox.config.spi.BackendProvider;
import dev.hitbox.config.spi.BackendSettings;
import dev.hitbox.config.spi.ConfigNode;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CacheListener;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.core.spi.BackendEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reload keeps backends whose settings did not change and closes those it dropped. */
class ReloadBackendsTest {
  private final List<Closing> created = new CopyOnWriteArrayList<>();

  /** An in-memory backend that records being closed. */
  final class Closing implements Backend, AutoCloseable {
    private final Backend inner = CaffeineBackend.builder().maxCapacity(100).build();
    volatile boolean closed;

    @Override
    public CompletionStage<byte @Nullable []> read(CacheKey key) {
      return inner.read(key);
    }

    @Override
    public CompletionStage<Void> write(CacheKey key, BackendEntry entry) {
      return inner.write(key, entry);
    }

    @Override
    public CompletionStage<Boolean> remove(CacheKey key) {
      return inner.remove(key);
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void droppedBackendsAreClosedAndKeptOnesAreNot(@TempDir Path dir) throws IOException {
    // A provider whose settings create Closing backends recorded by this test.
    BackendProvider provider =
        new BackendProvider() {
          @Override
          public List<String> types() {
            return List.of("Closing");
          }

          @Override
          public BackendSettings read(ConfigNode node) {
            long size = node.integer("size", 1, 1000).orElse(10);
            return new Recording(size, created, ReloadBackendsTest.this);
          }
        };
    YamlConfigLoader loader =
        new YamlConfigLoader(
            ConfigLoader.builder().backendProvider(provider).build(), Duration.ZERO);
    Path file = dir.resolve("proxy.yaml");
    ProxyMetrics metrics = ProxyMetrics.create();

    Files.writeString(file, yaml(1, 2));
    loader.load(file, metrics);
    assertThat(created).hasSize(2);
    Closing a = created.get(0);
    Closing b = created.get(1);

    Files.writeString(file, yaml(1, 3)); // a kept, b dropped, a new one made
    loader.load(file, metrics);
    assertThat(created).hasSize(3);
    await().atMost(Duration.ofSeconds(5)).until(() -> b.closed);
    assertThat(a.closed).isFalse();

    Files.writeString(file, yaml(1, 3).replace("size: 1", "size: -1")); // rejected
    try {
      loader.load(file, metrics);
    } catch (RuntimeException expected) {
      // the old backends stay
    }
    assertThat(a.closed).isFalse();
    assertThat(created.get(2).closed).isFalse();
  }

  private static String yaml(int a, int b) {
    return """
        upstream: http://127.0.0.1:1
        endpoints:
          - name: a
            backend: { type: Closing, size: %d }
            policy: { Enabled: { ttl: 60 } }
          - name: b
            backend: { type: Closing, size: %d }
            policy: { Enabled: { ttl: 60 } }
        """
        .formatted(a, b);
  }

  /** Settings that create a {@link Closing} backend and record it. */
  record Recording(long size, List<Closing> created, ReloadBackendsTest test)
      implements BackendSettings {
    @Override
    public Backend create(BackendConfig config, CacheListener listener) {
      Closing c = test.new Closing();
      created.add(c);
      return c;
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Recording r && r.size == size;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(size);
    }
  }
}
