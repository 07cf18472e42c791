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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stale-if-error as a YAML user gets it, with real time and a real upstream that answers, then
 * answers {@code 503}, then refuses connections: {@code stale_if_error: 10m} past an expired entry,
 * and the stale window of a {@code Revalidate} endpoint without it.
 */
class YamlStaleIfErrorTest {
  private static final String STALE_IF_ERROR = "hitbox; fwd=stale; detail=stale-if-error";

  private final TestUpstream upstream = TestUpstream.start();
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  @TempDir Path dir;
  private HitboxProxy proxy;

  @AfterEach
  void close() {
    if (proxy != null) {
      proxy.close();
    }
    upstream.close();
  }

  private void start() throws IOException {
    String yaml =
        """
        listen: 127.0.0.1:0
        admin: 127.0.0.1:0
        admin_token: s3cret
        upstream: %s
        endpoints:
          - name: authors
            request:    [ {Method: GET}, {Path: "/api/authors/{author_id}"} ]
            response:   [ {Status: Success} ]
            extractors: [ {Path: "/api/authors/{author_id}"} ]
            policy: { Enabled: { ttl: 1, stale_if_error: 10m } }
          - name: books
            request:    [ {Method: GET}, {Path: "/api/books/{id}"} ]
            response:   [ {Status: Success} ]
            extractors: [ {Path: "/api/books/{id}"} ]
            policy: { Enabled: { ttl: 1, stale: 300, policy: {stale: Revalidate} } }
        """
            .formatted(upstream.url());
    Path file = Files.writeString(dir.resolve("proxy.yaml"), yaml);
    proxy = YamlProxies.start(file);
  }

  private HttpResponse<String> send(URI uri, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20));
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

  private HttpResponse<String> sendHead(URI uri) {
    try {
      return client.send(
          HttpRequest.newBuilder(uri)
              .method("HEAD", HttpRequest.BodyPublishers.noBody())
              .timeout(Duration.ofSeconds(20))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private HttpResponse<String> get(String path) {
    return send(URI.create("http://127.0.0.1:" + proxy.address().getPort() + path));
  }

  private String metrics() {
    int port = proxy.adminAddress().orElseThrow().getPort();
    return send(
            URI.create("http://127.0.0.1:" + port + "/metrics"), "Authorization", "Bearer s3cret")
        .body();
  }

  private static String cacheStatus(HttpResponse<?> r) {
    return r.headers().firstValue("Cache-Status").orElse("none");
  }

  @Test
  void anExpiredEntryAnswersA503AndARefusedConnectionWithinTheBound() throws IOException {
    upstream.handler(s -> Reply.ok("author " + s.uri() + ", version 1"));
    start();
    assertThat(get("/api/authors/1").body()).isEqualTo("author /api/authors/1, version 1");

    upstream.handler(s -> Reply.of(503, "down for maintenance").headers("Retry-After", "60"));
    // A key never stored has nothing to fall back on: the upstream's 503 goes through.
    HttpResponse<String> nothingStored = get("/api/authors/2");
    assertThat(nothingStored.statusCode()).isEqualTo(503);
    assertThat(nothingStored.body()).isEqualTo("down for maintenance");
    assertThat(cacheStatus(nothingStored)).isEqualTo("hitbox; fwd=uri-miss; fwd-status=503");

    // Once the entry has expired (ttl 1 s, no stale window), the 503 is answered from it.
    HttpResponse<String> stale =
        await()
            .atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> get("/api/authors/1"), r -> r.statusCode() != 200 || !isHit(r));
    assertThat(stale.statusCode()).isEqualTo(200);
    assertThat(stale.body()).isEqualTo("author /api/authors/1, version 1");
    assertThat(cacheStatus(stale)).isEqualTo(STALE_IF_ERROR);
    assertThat(stale.headers().firstValue("X-Cache-Status")).hasValue("STALE");

    // The upstream is gone: connections are refused. The entry answers again.
    upstream.close();
    HttpResponse<String> refused = get("/api/authors/1");
    assertThat(refused.statusCode()).isEqualTo(200);
    assertThat(refused.body()).isEqualTo("author /api/authors/1, version 1");
    assertThat(cacheStatus(refused)).isEqualTo(STALE_IF_ERROR);
    // A HEAD is answered from the same entry (it is looked up under the GET's key), headers only.
    HttpResponse<String> head =
        sendHead(URI.create("http://127.0.0.1:" + proxy.address().getPort() + "/api/authors/1"));
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(cacheStatus(head)).isEqualTo(STALE_IF_ERROR);
    assertThat(head.headers().firstValue("Content-Length"))
        .hasValue(Integer.toString("author /api/authors/1, version 1".length()));
    // ...and a key never stored gets the proxy's 502.
    assertThat(get("/api/authors/3").statusCode()).isEqualTo(502);

    String m = metrics();
    assertThat(m)
        .contains("hitbox_stale_if_error_total{endpoint=\"authors\"} 3")
        .contains("hitbox_requests_total{endpoint=\"authors\",result=\"stale\"} 3")
        .contains("hitbox_requests_total{endpoint=\"authors\",result=\"error\"} 1");
    // each request counted once: the first answer and the passed-on 503 are the only misses
    assertThat(count(m, "hitbox_requests_total{endpoint=\"authors\",result=\"miss\"}"))
        .isEqualTo(2);
  }

  @Test
  void theStaleWindowOfARevalidateEndpointAnswersA502WithoutTheSetting() throws IOException {
    upstream.handler(s -> Reply.ok("book " + s.uri()));
    start();
    assertThat(get("/api/books/1").body()).isEqualTo("book /api/books/1");

    upstream.handler(s -> Reply.of(502, "bad gateway upstream of the upstream"));
    HttpResponse<String> stale =
        await()
            .atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> get("/api/books/1"), r -> !isHit(r));
    assertThat(stale.statusCode()).isEqualTo(200);
    assertThat(stale.body()).isEqualTo("book /api/books/1");
    assertThat(cacheStatus(stale)).isEqualTo(STALE_IF_ERROR);
    assertThat(metrics()).contains("hitbox_stale_if_error_total{endpoint=\"books\"} 1");

    // The upstream answers again: the fresh answer replaces the entry.
    upstream.handler(s -> Reply.ok("book " + s.uri() + ", again"));
    HttpResponse<String> fresh = get("/api/books/1");
    assertThat(fresh.body()).isEqualTo("book /api/books/1, again");
    assertThat(fresh.headers().firstValue("X-Cache-Status")).hasValue("MISS");
  }

  private static boolean isHit(HttpResponse<?> r) {
    return r.headers().firstValue("X-Cache-Status").orElse("").equals("HIT");
  }

  private static long count(String scrape, String series) {
    return scrape
        .lines()
        .filter(l -> l.startsWith(series + " "))
        .mapToLong(l -> Long.parseLong(l.substring(series.length() + 1).trim()))
        .findFirst()
        .orElse(-1);
  }
}
