package dev.hitbox.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The copy-paste example of docs/proxy.md loads as it is written. */
class DocsExampleTest {

  @Test
  void theGuidesYamlLoads(@TempDir Path dir) throws IOException {
    String guide = Files.readString(Path.of("..", "docs", "proxy.md"));
    int start = guide.indexOf("```yaml\n") + "```yaml\n".length();
    String yaml = guide.substring(start, guide.indexOf("```", start));
    Path file = Files.writeString(dir.resolve("proxy.yaml"), yaml);

    ProxyConfig config = new YamlConfigLoader().load(file, ProxyMetrics.create());

    assertThat(ProxySettings.hostPort(config.settings().listen())).isEqualTo("127.0.0.1:8080");
    assertThat(config.settings().adminToken()).hasValue("change-me");
    assertThat(config.settings().upstream()).hasToString("http://127.0.0.1:9000");
    assertThat(config.routes().list())
        .extracting(ProxyRoute::name, r -> r.matcher().toString())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("authors", "path /api/authors/{author_id}"),
            org.assertj.core.groups.Tuple.tuple("books", "path /api/books/{book_id}"));
    // One backend configuration, so one backend for both endpoints.
    assertThat(config.routes().list().get(0).cache().endpoint().backend())
        .isSameAs(config.routes().list().get(1).cache().endpoint().backend());
  }
}
