package dev.hitbox.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.core.CachePolicy;
import dev.hitbox.proxy.TestUpstream.Reply;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProxyPassThroughTest {
  private final ProxyFixture f = new ProxyFixture();

  @AfterEach
  void close() throws Exception {
    f.close();
  }

  private static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void aRequestNoRouteMatchesIsProxiedUnchanged() {
    f.upstream.handler(
        s ->
            Reply.of(201, "")
                .body(s.body())
                .headers(
                    "X-Echo-Method", s.method(),
                    "X-Custom", "kept",
                    "Keep-Alive", "timeout=5",
                    "Proxy-Authenticate", "Basic realm=up"));
    f.start(
        ProxyRoute.of(
            f.cache("cached").policy(CachePolicy.builder().build()).build(),
            RequestMatcher.pathPrefix("/cached/")));
    byte[] body = new byte[256];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) i;
    }

    RawHttp.Response r =
        f.raw()
            .send(
                "PUT /things/1?a=b%20c&d HTTP/1.1\r\n"
                    + "Host: shop.example\r\n"
                    + "X-Request-Id: r-1\r\n"
                    + "x-MiXeD-case: v\r\n"
                    + "Connection: keep-alive, X-Hop\r\n"
                    + "X-Hop: secret\r\n"
                    + "Keep-Alive: timeout=5\r\n"
                    + "TE: trailers\r\n"
                    + "Proxy-Authorization: Basic c2VjcmV0\r\n"
                    + "X-Forwarded-For: 203.0.113.9\r\n"
                    + "Content-Length: 256\r\n"
                    + "\r\n",
                body)
            .read();

    TestUpstream.Seen seen = f.upstream.last();
    assertThat(seen.method()).isEqualTo("PUT");
    assertThat(seen.uri()).isEqualTo("/things/1?a=b%20c&d");
    assertThat(seen.body()).isEqualTo(body);
    assertThat(seen.header("X-Request-Id")).isEqualTo("r-1");
    assertThat(seen.header("X-Mixed-Case")).isEqualTo("v");
    assertThat(seen.header("X-Forwarded-For")).isEqualTo("203.0.113.9, 127.0.0.1");
    assertThat(seen.header("X-Forwarded-Host")).isEqualTo("shop.example");
    assertThat(seen.header("X-Forwarded-Proto")).isEqualTo("http");
    assertThat(seen.header("Via")).isEqualTo("1.1 hitbox");
    assertThat(seen.headers().keySet())
        .map(String::toLowerCase)
        .doesNotContain("x-hop", "keep-alive", "te", "proxy-authorization");

    assertThat(r.status()).isEqualTo(201);
    assertThat(r.body()).isEqualTo(body);
    assertThat(r.header("X-Echo-Method")).isEqualTo("PUT");
    assertThat(r.header("X-Custom")).isEqualTo("kept");
    assertThat(r.header("Keep-Alive")).isNull();
    assertThat(r.header("Proxy-Authenticate")).isNull();
    assertThat(r.header("X-Cache-Status")).isNull();
  }

  @Test
  void keepAliveServesManyRequestsOnOneConnectionInOrder() {
    f.upstream.handler(s -> Reply.ok("answer " + s.uri()));
    f.start(
        ProxyRoute.of(
            f.cache("cached").policy(CachePolicy.builder().build()).build(),
            RequestMatcher.pathPrefix("/cached/")));
    RawHttp raw = f.raw();
    for (int i = 0; i < 5; i++) {
      RawHttp.Response r =
          raw.send("GET /cached/" + (i % 2) + " HTTP/1.1\r\nHost: x\r\n\r\n").read();
      assertThat(r.text()).isEqualTo("answer /cached/" + (i % 2));
    }
    // Pipelined: three requests at once, answered in order.
    raw.send(
        "GET /p/1 HTTP/1.1\r\nHost: x\r\n\r\n"
            + "GET /cached/0 HTTP/1.1\r\nHost: x\r\n\r\n"
            + "POST /p/3 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
    assertThat(raw.read().text()).isEqualTo("answer /p/1");
    assertThat(raw.read().text()).isEqualTo("answer /cached/0");
    assertThat(raw.read().text()).isEqualTo("answer /p/3");
    assertThat(f.upstream.last().text()).isEqualTo("abc");
    assertThat(f.upstream.calls()).isEqualTo(4);
  }

  @Test
  void largeBodiesStreamBothWays() throws Exception {
    byte[] up = randomBytes(3 << 20, 1);
    byte[] down = randomBytes(5 << 20, 2);
    f.upstream.handler(
        s -> Reply.ok("").body(s.body().length == up.length ? down : new byte[] {1}));
    f.start();
    HttpResponse<byte[]> r =
        f.client.send(
            HttpRequest.newBuilder(f.uri("/upload"))
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(up))) // chunked: length unknown
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(f.upstream.last().body()).isEqualTo(up);
    assertThat(r.body()).isEqualTo(down);
  }

  @Test
  void aResponseBodyStreamsBeforeTheUpstreamHasSentAllOfIt() throws Exception {
    byte[] body = "first half|second half".getBytes(StandardCharsets.UTF_8);
    f.start(
        ProxyRoute.of(
            f.cache("feed").policy(CachePolicy.builder().build()).build(),
            RequestMatcher.path("/feed")));
    // Not matched by a route, and matched by one but not storable (no-store): both stream.
    for (String path : new String[] {"/events", "/feed"}) {
      CompletableFuture<Void> gate = new CompletableFuture<>();
      f.upstream.handler(
          s -> Reply.ok("").body(body).chunked(gate).headers("Cache-Control", "no-store"));
      HttpResponse<InputStream> r =
          f.client.send(
              HttpRequest.newBuilder(f.uri(path)).build(),
              HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = r.body()) {
        byte[] first = in.readNBytes(body.length / 2);
        // The first half arrived while the upstream still holds the second.
        assertThat(gate).isNotDone();
        assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo("first half|");
        gate.complete(null);
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("second half");
      }
    }
  }

  @Test
  void headRequestsGetNoBodyAndKeepTheConnectionInStep() {
    f.upstream.handler(s -> Reply.ok("twelve bytes"));
    f.start();
    RawHttp raw = f.raw();
    RawHttp.Response r = raw.send("HEAD /x HTTP/1.1\r\nHost: x\r\n\r\n").read(true);
    assertThat(r.status()).isEqualTo(200);
    assertThat(f.upstream.last().method()).isEqualTo("HEAD");
    // The connection is still in step: the next answer reads correctly.
    assertThat(raw.send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n").read().text())
        .isEqualTo("twelve bytes");
  }

  @Test
  void http10ClientsAreAnsweredAndTheConnectionClosed() {
    f.upstream.handler(s -> Reply.ok("old"));
    f.start();
    RawHttp raw = f.raw();
    RawHttp.Response r = raw.send("GET /x HTTP/1.0\r\n\r\n").read();
    assertThat(r.text()).isEqualTo("old");
    assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
    assertThat(raw.closedByPeer()).isTrue();
  }

  @Test
  void aMalformedRequestGets400AndTheConnectionIsClosed() {
    f.start();
    RawHttp raw = f.raw();
    RawHttp.Response r = raw.send("GET /a b c d HTTP/1.1\r\nHost: x\r\n\r\n").read();
    assertThat(r.status()).isEqualTo(400);
    assertThat(raw.closedByPeer()).isTrue();
    assertThat(f.upstream.calls()).isZero();
  }

  @Test
  void theUpstreamBasePathPrefixesForwardedPaths() {
    f.upstream.handler(s -> Reply.ok(s.uri()));
    f.start(f.settings().upstream(f.upstream.url() + "/base/").build());
    assertThat(f.get("/a?b=1").body()).isEqualTo("/base/a?b=1");
  }

  @Test
  void idleKeepAliveConnectionsAreClosed() {
    f.start(f.settings().idleTimeout(Duration.ofMillis(200)).build());
    RawHttp raw = f.raw();
    assertThat(raw.send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
    assertThat(raw.closedByPeer()).isTrue(); // blocks until the idle timeout closes it
  }
}
