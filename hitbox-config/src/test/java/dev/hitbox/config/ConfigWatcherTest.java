package dev.hitbox.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A changed file is applied when valid and rejected, keeping the old one, when not. */
class ConfigWatcherTest {
  @TempDir Path dir;

  static final class Recording extends ConfigWatcher.Listener {
    final List<HitboxConfig[]> reloads = new CopyOnWriteArrayList<>();
    final List<ConfigException> failures = new CopyOnWriteArrayList<>();

    @Override
    public void onReload(HitboxConfig previous, HitboxConfig current) {
      reloads.add(new HitboxConfig[] {previous, current});
    }

    @Override
    public void onReloadFailed(ConfigException error, HitboxConfig kept) {
      failures.add(error);
    }
  }

  private static String ttl(int seconds) {
    return "backend: {type: Moka, max_capacity: 100}\npolicy:\n  Enabled:\n    ttl: "
        + seconds
        + "\n";
  }

  private static long ttlOf(ConfigWatcher w) {
    return w.current().endpoints().get(0).policy().ttl().toSeconds();
  }

  private Path write(String text) throws IOException {
    Path file = dir.resolve("hitbox.yaml");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void fileChangesAreAppliedOrRejected() throws IOException {
    Path file = write(ttl(60));
    Recording listener = new Recording();
    try (ConfigWatcher w =
        ConfigWatcher.builder(file)
            .loader(Configs.LOADER)
            .listener(listener)
            .debounce(Duration.ofMillis(50))
            .start()) {
      assertThat(ttlOf(w)).isEqualTo(60);

      write(ttl(120));
      await().atMost(Duration.ofSeconds(10)).until(() -> ttlOf(w) == 120);
      assertThat(listener.reloads).hasSize(1);
      HitboxConfig previous = listener.reloads.get(0)[0];
      assertThat(previous.endpoints().get(0).policy().ttl()).isEqualTo(Duration.ofSeconds(60));
      assertThat(w.current().sameBackend(previous, "default")).isTrue();

      write(ttl(120).replace("ttl: 120", "ttl: -5"));
      await().atMost(Duration.ofSeconds(10)).until(() -> w.lastError().isPresent());
      assertThat(ttlOf(w)).isEqualTo(120);
      assertThat(w.lastError().orElseThrow())
          .hasMessageContaining("policy.Enabled.ttl at line 4, column 10: \"-5\"");
      assertThat(listener.failures).hasSize(1);

      // An editor that writes a new file and renames it over the old one.
      Path tmp = dir.resolve(".hitbox.yaml.swp");
      Files.writeString(tmp, ttl(30));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      await().atMost(Duration.ofSeconds(10)).until(() -> ttlOf(w) == 30);
      assertThat(w.lastError()).isEmpty();
      assertThat(listener.reloads).hasSize(2);
    }
  }

  @Test
  void reloadAtOnce() throws IOException {
    Path file = write(ttl(60));
    Recording listener = new Recording();
    // A debounce no test waits for: only reload() reads the file here.
    try (ConfigWatcher w =
        ConfigWatcher.builder(file)
            .loader(Configs.LOADER)
            .listener(listener)
            .debounce(Duration.ofHours(1))
            .start()) {
      assertThat(w.reload()).isSameAs(w.current());
      assertThat(listener.reloads).isEmpty();

      write(ttl(90));
      assertThat(w.reload().endpoints().get(0).policy().ttl()).isEqualTo(Duration.ofSeconds(90));
      assertThat(listener.reloads).hasSize(1);

      write("policy: {Enabled: {tll: 5}}\n");
      assertThatThrownBy(w::reload)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("unknown key \"tll\"");
      assertThat(w.reloadQuietly()).isFalse();
      assertThat(w.lastError()).isPresent();
      assertThat(ttlOf(w)).isEqualTo(90);

      Files.delete(file);
      assertThatThrownBy(w::reload)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("hitbox.yaml: (document): cannot be read");
      assertThat(ttlOf(w)).isEqualTo(90);

      write(ttl(90));
      assertThat(w.reloadQuietly()).isTrue();
      assertThat(w.lastError()).isEmpty();
      assertThat(listener.reloads).hasSize(1);
      assertThat(listener.failures).hasSize(3);
    }
  }

  @Test
  void aListenerThatThrowsDoesNotUndoTheReload() throws IOException {
    Path file = write(ttl(60));
    ConfigWatcher.Listener failing =
        new ConfigWatcher.Listener() {
          @Override
          public void onReload(HitboxConfig previous, HitboxConfig current) {
            throw new IllegalStateException("boom");
          }
        };
    try (ConfigWatcher w =
        ConfigWatcher.builder(file)
            .loader(Configs.LOADER)
            .listener(failing)
            .debounce(Duration.ofHours(1))
            .start()) {
      write(ttl(61));
      w.reload();
      assertThat(ttlOf(w)).isEqualTo(61);
    }
  }

  @Test
  void anInvalidFileFailsAtStart() throws IOException {
    Path file = write("policy: {Enabled: {ttl: -5}}\n");
    assertThatThrownBy(() -> ConfigWatcher.builder(file).loader(Configs.LOADER).start())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("policy.Enabled.ttl");
    assertThatThrownBy(() -> ConfigWatcher.builder(dir.resolve("missing.yaml")).start())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("missing.yaml: (document): cannot be read");
  }
}
