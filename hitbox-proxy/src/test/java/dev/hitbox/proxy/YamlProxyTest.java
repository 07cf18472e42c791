package dev.hitbox.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hitbox.proxy.TestUpstream.Reply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy as {@code ./hitbox proxy --config FILE} runs it: started by {@link ProxyMain} from a
 * YAML file, with real time (no fake ticker: a ttl of one second, and waits for conditions).
 */
class YamlProxyTest {
  private final TestUpstream upstream = TestUpstream.start();
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  @TempDir Path dir;
  private HitboxProxy proxy;

  @AfterEach
  void close() {
    if (proxy != null) {
      proxy.close();
    }
    upstream.close();
  }

  private String yaml(String authorsTtl) {
    return """
        listen: 127.0.0.1:0
        admin: 127.0.0.1:0
        admin_token: s3cret
        upstream: %s
        endpoints:
          - name: authors
            request:    [ {Method: GET}, {Path: "/api/authors/{author_id}"} ]
            response:   [ {Status: Success} ]
            extractors: [ {Method: }, {Path: "/api/authors/{author_id}"}, {Query: page} ]
            tags:       [ "author:{author_id}" ]
            policy: { Enabled: { ttl: %s, stale: 300, policy: {stale: Return}, concurrency: 1 } }
          - name: books
            request:    [ {Method: GET}, {Or: [ {Path: "/api/books/{id}"}, {Path: "/api/b/{id}"} ]} ]
            policy: { Enabled: { ttl: 60, concurrency: 1 } }
        """
        .formatted(upstream.url(), authorsTtl);
  }

  private Path write(String text) {
    try {
      return Files.writeString(dir.resolve("proxy.yaml"), text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void start(Path file) {
    proxy =
        ProxyMain.start(
            new String[] {"--config", file.toString()},
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Collections.emptyIterator());
    assertThat(proxy).as(err.toString(StandardCharsets.UTF_8)).isNotNull();
  }

  private HttpResponse<String> send(URI uri, String method, String body, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(20))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    try {
      return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private String status(String path) {
    URI uri = URI.create("http://127.0.0.1:" + proxy.address().getPort() + path);
    return send(uri, "GET", null).headers().firstValue("X-Cache-Status").orElse("none");
  }

  private HttpResponse<String> admin(String method, String path, String body) {
    URI uri = URI.create("http://127.0.0.1:" + proxy.adminAddress().orElseThrow().getPort() + path);
    return send(uri, method, body, "Authorization", "Bearer s3cret");
  }

  @Test
  void missThenHitThenStaleFromAYamlFile() {
    upstream.handler(s -> Reply.ok("author " + s.uri()));
    start(write(yaml("1")));
    assertThat(status("/api/authors/42?page=1")).isEqualTo("MISS");
    assertThat(status("/api/authors/42?page=1")).isEqualTo("HIT");
    // The ttl is one second of real time: the entry goes stale and is served stale.
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> status("/api/authors/42?page=1").equals("STALE"));
    assertThat(upstream.calls("/api/authors/42")).isEqualTo(1);
    // Both paths of the Or route to books; other paths are proxied unchanged.
    assertThat(status("/api/b/1")).isEqualTo("MISS");
    assertThat(status("/api/books/1")).isEqualTo("MISS");
    assertThat(status("/api/books/1")).isEqualTo("HIT");
    assertThat(status("/elsewhere")).isEqualTo("none");
  }

  @Test
  void tagsFromTheYamlInvalidate() {
    start(write(yaml("60")));
    status("/api/authors/42?page=1");
    status("/api/authors/42?page=2");
    status("/api/authors/43?page=1");
    HttpResponse<String> r = admin("POST", "/invalidate", "{\"tag\": \"author:42\"}");
    assertThat(r.body()).isEqualTo("{\"invalidated\":2}");
    assertThat(status("/api/authors/42?page=2")).isEqualTo("MISS");
    assertThat(status("/api/authors/43?page=1")).isEqualTo("HIT");
    HttpResponse<String> byKey =
        admin(
            "POST",
            "/invalidate",
            "{\"key\": \"method=GET&author_id=43&page=1\", \"endpoint\": \"authors\"}");
    assertThat(byKey.body()).isEqualTo("{\"invalidated\":1}");
  }

  @Test
  void reloadTakesTheNewTtlAndABrokenFileKeepsTheOld() throws IOException {
    Path file = write(yaml("1"));
    start(file);
    status("/api/authors/1");

    write(yaml("60"));
    HttpResponse<String> ok = admin("POST", "/config/reload", null);
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    status("/api/authors/2");
    // Once the entry written with the old ttl (1 s) is stale, the one written with the new (60 s)
    // is still fresh. The backend was kept: entries from before the reload are still there.
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> status("/api/authors/1").equals("STALE"));
    assertThat(status("/api/authors/2")).isEqualTo("HIT");
    assertThat(admin("GET", "/config", null).body()).contains("\"ttl\":\"1m\"");

    Files.writeString(file, yaml("60").replace("ttl: 60, stale: 300", "ttl: -5, stale: 300"));
    HttpResponse<String> broken = admin("POST", "/config/reload", null);
    assertThat(broken.statusCode()).isEqualTo(400);
    assertThat(broken.body()).contains("proxy.yaml").contains("line 11").contains("ttl");
    assertThat(status("/api/authors/2")).isEqualTo("HIT");
    assertThat(admin("GET", "/config", null).body()).contains("\"ttl\":\"1m\"");
  }

  private JsonNode lastReload(String adminPath) {
    try {
      return new ObjectMapper().readTree(admin("GET", adminPath, null).body()).get("last_reload");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aChangedFileIsReloadedAndABrokenOneIsReportedOnTheAdminApi() throws IOException {
    Path file = write(yaml("1"));
    start(file);
    assertThat(lastReload("/config").isNull()).isTrue();
    assertThat(status("/api/authors/2")).isEqualTo("MISS");

    write(yaml("60")); // no admin call: the watch sees the change
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> !lastReload("/config").isNull());
    assertThat(admin("GET", "/config", null).body()).contains("\"ttl\":\"1m\"");
    JsonNode ok = lastReload("/config");
    assertThat(ok.get("trigger").asText()).isEqualTo("file");
    assertThat(ok.get("ok").asBoolean()).isTrue();
    assertThat(status("/api/authors/3")).isEqualTo("MISS"); // stored with the new ttl (60 s)

    Files.writeString(file, yaml("60").replace("ttl: 60, stale: 300", "ttl: -5, stale: 300"));
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> !lastReload("/health").get("ok").asBoolean());
    JsonNode failed = lastReload("/health");
    assertThat(failed.get("trigger").asText()).isEqualTo("file");
    assertThat(failed.get("error").asText())
        .contains("proxy.yaml")
        .contains("line 11")
        .contains("ttl")
        .contains("-5");
    // The old configuration keeps serving, with its entries.
    assertThat(status("/api/authors/3")).isEqualTo("HIT");
    assertThat(admin("GET", "/config", null).body()).contains("\"ttl\":\"1m\"");

    write(yaml("30")); // fixed: the error is gone
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> lastReload("/config").get("ok").asBoolean());
    assertThat(lastReload("/config").get("error").isNull()).isTrue();
    assertThat(admin("GET", "/config", null).body()).contains("\"ttl\":\"30s\"");
  }

  @Test
  void aStaleWindowServesStaleWhenTheUpstreamIsDown() {
    upstream.handler(s -> Reply.ok("author"));
    start(write(yaml("1").replace("policy: {stale: Return}", "policy: {stale: Revalidate}")));
    assertThat(status("/api/authors/7")).isEqualTo("MISS");
    upstream.close();
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> status("/api/authors/7").equals("STALE"));
    URI books = URI.create("http://127.0.0.1:" + proxy.address().getPort() + "/api/books/1");
    assertThat(send(books, "GET", null).statusCode()).isEqualTo(502);
  }

  @Test
  void aFileWithoutUpstreamIsRefused() {
    Path file = write("endpoints:\n  - name: a\n    policy: { Enabled: { ttl: 60 } }\n");
    proxy =
        ProxyMain.start(
            new String[] {"--config", file.toString()},
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Collections.emptyIterator());
    assertThat(proxy).isNull();
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("proxy.yaml")
        .contains("upstream: missing");
  }
}
