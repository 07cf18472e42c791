package dev.hitbox.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hitbox.proxy.TestUpstream.Reply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy as its own process, as {@code ./hitbox proxy --config FILE} starts it: {@code SIGHUP}
 * reloads the file, {@code SIGTERM} stops it gracefully.
 */
class ProxyProcessTest {
  private static final Pattern STARTED =
      Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+), admin 127\\.0\\.0\\.1:(\\d+)");

  private final TestUpstream upstream = TestUpstream.start();
  private final HttpClient client = HttpClient.newHttpClient();
  private Process process;

  @AfterEach
  void close() {
    if (process != null) {
      process.destroyForcibly();
    }
    upstream.close();
  }

  private Path log;

  private Process start(Path config) throws IOException {
    log = config.resolveSibling("proxy.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                ProxyMain.class.getName(),
                "--config",
                config.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    return p;
  }

  private String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String get(int port, String path) {
    try {
      return client
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void sighupReloadsTheFileAndSigtermStopsGracefully(@TempDir Path dir) throws Exception {
    upstream.handler(s -> Reply.ok("author"));
    Path config =
        Files.writeString(
            dir.resolve("proxy.yaml"),
            """
            listen: 127.0.0.1:0
            admin: 127.0.0.1:0
            upstream: %s
            endpoints:
              - name: authors
                request: [ {Method: GET}, {Path: "/api/authors/{id}"} ]
                policy: { Enabled: { ttl: 60 } }
            """
                .formatted(upstream.url()));
    process = start(config);
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> STARTED.matcher(output()).find() || !process.isAlive());
    Matcher m = STARTED.matcher(output());
    assertThat(m.find()).as(output()).isTrue();
    int port = Integer.parseInt(m.group(1));
    int admin = Integer.parseInt(m.group(2));
    assertThat(get(port, "/api/authors/1")).isEqualTo("author");
    assertThat(get(admin, "/config")).contains("\"last_reload\":null");

    Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> get(admin, "/config").contains("\"trigger\":\"signal\",\"ok\":true"));
    assertThat(output()).contains("hitbox proxy reloaded");
    assertThat(process.isAlive()).isTrue();

    process.destroy(); // SIGTERM
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(output())
                    .as("exit %d", process.exitValue())
                    .contains("hitbox proxy stopped"));
    assertThat(process.exitValue()).isZero();
  }
}
