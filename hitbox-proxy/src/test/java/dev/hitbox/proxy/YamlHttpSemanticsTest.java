package dev.hitbox.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.proxy.TestUpstream.Reply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HEAD answered from the GET's entry and Range requests, through the proxy as {@code ./hitbox proxy
 * --config FILE} runs it, in front of a real upstream, read byte for byte on one connection.
 */
class YamlHttpSemanticsTest {
  private static final String BODY = "abcdefghijklmnopqrstuvwxyz";

  private final TestUpstream upstream = TestUpstream.start();
  @TempDir Path dir;
  private HitboxProxy proxy;
  private RawHttp http;

  @BeforeEach
  void start() throws IOException {
    upstream.handler(s -> Reply.ok(BODY).headers("ETag", "\"v1\""));
    Path file =
        Files.writeString(
            dir.resolve("proxy.yaml"),
            """
            listen: 127.0.0.1:0
            upstream: %s
            endpoints:
              - name: files
                request:    [ {Method: GET}, {Path: "/files/{name}"} ]
                extractors: [ {Method: }, {Path: "/files/{name}"} ]
                policy: { Enabled: { ttl: 60, concurrency: 1 } }
            """
                .formatted(upstream.url()));
    proxy = YamlProxies.start(file);
    http = new RawHttp(proxy.address());
  }

  @AfterEach
  void close() {
    if (http != null) {
      http.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    upstream.close();
  }

  private RawHttp.Response get(String path, String... headers) {
    return http.send(request("GET", path, headers)).read(false);
  }

  private RawHttp.Response head(String path) {
    return http.send(request("HEAD", path)).read(true);
  }

  private static String request(String method, String path, String... headers) {
    StringBuilder b = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: test\r\n");
    for (int i = 0; i < headers.length; i += 2) {
      b.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    }
    return b.append("\r\n").toString();
  }

  @Test
  void aHeadAfterAGetIsAHitWithTheWholeLengthAndNoBody() {
    assertThat(get("/files/a").header("X-Cache-Status")).isEqualTo("MISS");

    RawHttp.Response head = head("/files/a");
    // the next response on the connection parses only if the HEAD answer had no body bytes
    RawHttp.Response after = get("/files/a");

    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("X-Cache-Status")).isEqualTo("HIT");
    assertThat(head.header("Content-Length")).isEqualTo("26");
    assertThat(head.header("ETag")).isEqualTo("\"v1\"");
    assertThat(after.header("X-Cache-Status")).isEqualTo("HIT");
    assertThat(after.text()).isEqualTo(BODY);
    assertThat(upstream.calls("/files/a")).isEqualTo(1);
  }

  @Test
  void aHeadThatMissesFetchesTheGetSoTheNextGetIsAHitWithTheWholeBody() {
    RawHttp.Response head = head("/files/b");
    RawHttp.Response after = get("/files/b");

    assertThat(upstream.seen()).extracting(TestUpstream.Seen::method).containsExactly("GET");
    assertThat(head.header("X-Cache-Status")).isEqualTo("MISS");
    assertThat(head.header("Content-Length")).isEqualTo("26");
    assertThat(after.header("X-Cache-Status")).isEqualTo("HIT");
    assertThat(after.header("Content-Length")).isEqualTo("26");
    assertThat(after.text()).isEqualTo(BODY);
  }

  @Test
  void aRangeIsA206FromTheWholeStoredBody() {
    RawHttp.Response first = get("/files/c", "Range", "bytes=2-5");
    RawHttp.Response cached = get("/files/c", "Range", "bytes=-3");
    RawHttp.Response whole = get("/files/c");
    RawHttp.Response past = get("/files/c", "Range", "bytes=100-");

    assertThat(upstream.calls("/files/c")).isEqualTo(1);
    assertThat(upstream.last().header("Range")).isNull();
    assertThat(first.status()).isEqualTo(206);
    assertThat(first.header("Content-Range")).isEqualTo("bytes 2-5/26");
    assertThat(first.text()).isEqualTo("cdef");
    assertThat(cached.status()).isEqualTo(206);
    assertThat(cached.header("X-Cache-Status")).isEqualTo("HIT");
    assertThat(cached.text()).isEqualTo("xyz");
    assertThat(whole.status()).isEqualTo(200);
    assertThat(whole.text()).isEqualTo(BODY);
    assertThat(past.status()).isEqualTo(416);
    assertThat(past.header("Content-Range")).isEqualTo("bytes */26");
  }

  @Test
  void aRangeTheCacheDoesNotServeGetsTheWhole200() {
    RawHttp.Response several = get("/files/d", "Range", "bytes=0-1,5-6");

    assertThat(several.status()).isEqualTo(200);
    assertThat(several.text()).isEqualTo(BODY);
    assertThat(several.header("Content-Range")).isNull();
  }
}
