package dev.hitbox.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.core.ConfigurationException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProxyMainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private HitboxProxy start(List<ProxyConfigLoader> loaders, String... args) {
    return ProxyMain.start(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        loaders.iterator());
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpPrintsTheUsage() {
    assertThat(start(List.of(), "--help")).isNull();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .startsWith("Usage: ./hitbox proxy --config FILE");
  }

  @Test
  void theConfigFileIsRequiredAndMustExist(@TempDir Path dir) {
    assertThat(start(List.of())).isNull();
    assertThat(err()).contains("--config FILE is required");
    assertThat(start(List.of(), "--config", dir.resolve("nope.yaml").toString())).isNull();
    assertThat(err()).contains("nope.yaml: no such readable file");
    assertThat(start(List.of(), "--verbose")).isNull();
    assertThat(err()).contains("unknown option '--verbose' (expected: --config FILE)");
  }

  @Test
  void withoutAnotherLoaderTheFileIsReadAsYaml(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("proxy.yaml"), "upstream: [not, a, url]\n");
    assertThat(start(Collections.emptyList(), "--config", file.toString())).isNull();
    assertThat(err()).startsWith("hitbox proxy: ").contains("proxy.yaml").contains("upstream");
  }

  @Test
  void aLoaderErrorIsPrintedAsIs(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("proxy.yaml"), "ttl: -1\n");
    ProxyConfigLoader broken =
        (f, metrics) -> {
          throw new ConfigurationException(f.getFileName() + ":1:6: ttl: -1 (expected: > 0)");
        };
    assertThat(start(List.of(broken), "--config=" + file)).isNull();
    assertThat(err()).isEqualTo("hitbox proxy: proxy.yaml:1:6: ttl: -1 (expected: > 0)\n");
  }

  @Test
  void startsWithTheLoadersConfigurationAndReloadsFromIt(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("proxy.yaml"), "# any\n");
    int[] loads = {0};
    ProxyConfigLoader loader =
        (f, metrics) -> {
          loads[0]++;
          return ProxyConfig.of(
              ProxySettings.builder()
                  .listen("127.0.0.1:0")
                  .admin("127.0.0.1:0")
                  .upstream("http://127.0.0.1:9")
                  .build(),
              ProxyRoutes.empty());
        };
    try (HitboxProxy proxy = start(List.of(loader), "--config", file.toString())) {
      assertThat(proxy).isNotNull();
      assertThat(proxy.address().getPort()).isPositive();
      proxy.reload();
      assertThat(loads[0]).isEqualTo(2);
    }
  }
}
