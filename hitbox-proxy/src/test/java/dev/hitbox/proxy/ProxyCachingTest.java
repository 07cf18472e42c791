package dev.hitbox.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.StalePolicy;
import dev.hitbox.http.RequestPredicate;
import dev.hitbox.proxy.TestUpstream.Reply;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProxyCachingTest {
  private final ProxyFixture f = new ProxyFixture();

  @AfterEach
  void close() throws Exception {
    f.close();
  }

  @Test
  void missThenHitThenStaleWithTheirHeaders() {
    f.upstream.handler(s -> Reply.ok("author " + s.uri()));
    f.start(f.authors(Duration.ofSeconds(60), Duration.ofSeconds(300), StalePolicy.RETURN).build());

    HttpResponse<String> miss = f.get("/api/authors/42?page=1");
    assertThat(miss.statusCode()).isEqualTo(200);
    assertThat(miss.body()).isEqualTo("author /api/authors/42?page=1");
    assertThat(miss.headers().firstValue("X-Cache-Status")).hasValue("MISS");
    assertThat(miss.headers().firstValue("Cache-Status"))
        .hasValue("hitbox; fwd=uri-miss; fwd-status=200");
    assertThat(miss.headers().firstValue("Age")).hasValue("0");

    f.ticker.advance(Duration.ofSeconds(5));
    HttpResponse<String> hit = f.get("/api/authors/42?page=1");
    assertThat(hit.body()).isEqualTo(miss.body());
    assertThat(hit.headers().firstValue("X-Cache-Status")).hasValue("HIT");
    assertThat(hit.headers().firstValue("Cache-Status")).hasValue("hitbox; hit");
    assertThat(hit.headers().firstValue("Age")).hasValue("5");
    assertThat(hit.headers().firstValue("Content-Type")).hasValue("text/plain");

    f.ticker.advance(Duration.ofSeconds(60));
    HttpResponse<String> stale = f.get("/api/authors/42?page=1");
    assertThat(stale.body()).isEqualTo(miss.body());
    assertThat(stale.headers().firstValue("X-Cache-Status")).hasValue("STALE");
    assertThat(stale.headers().firstValue("Cache-Status")).hasValue("hitbox; hit; detail=stale");
    assertThat(stale.headers().firstValue("Age")).hasValue("65");

    assertThat(f.upstream.calls()).isEqualTo(1);
    assertThat(f.get("/api/authors/42?page=2").headers().firstValue("X-Cache-Status"))
        .hasValue("MISS");
    assertThat(f.upstream.calls()).isEqualTo(2);
  }

  @Test
  void twoHundredConcurrentColdRequestsMakeConcurrencyUpstreamCalls() {
    CompletableFuture<Void> gate = new CompletableFuture<>();
    f.upstream.handler(s -> Reply.ok("author 7").after(gate));
    f.start(
        ProxyRoute.builder(
                f.cache("authors")
                    .policy(
                        CachePolicy.builder().ttl(Duration.ofSeconds(60)).concurrency(1).build())
                    .build())
            .matcher(RequestMatcher.path("/api/authors/{author_id}"))
            .build());

    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      answers.add(
          f.client.sendAsync(
              HttpRequest.newBuilder(f.uri("/api/authors/7"))
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    // Every request has reached the proxy: one went upstream, 199 wait for it.
    await().atMost(Duration.ofSeconds(30)).until(() -> f.metrics.dogpileWaits() == 199);
    assertThat(f.upstream.calls()).isEqualTo(1);
    gate.complete(null);

    for (CompletableFuture<HttpResponse<String>> a : answers) {
      HttpResponse<String> r = a.join();
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("author 7");
    }
    assertThat(f.upstream.calls()).isEqualTo(1);
    // The leader's answer is a miss; the waiters' count as misses or hits depending on the engine.
    assertThat(
            f.metrics.requests("authors", ProxyMetrics.Result.MISS)
                + f.metrics.requests("authors", ProxyMetrics.Result.HIT))
        .isEqualTo(200);
  }

  @Test
  void concurrencyTwoLetsTwoCallsUpstream() {
    CompletableFuture<Void> gate = new CompletableFuture<>();
    f.upstream.handler(s -> Reply.ok("author 8").after(gate));
    f.start(
        ProxyRoute.builder(
                f.cache("authors")
                    .policy(
                        CachePolicy.builder().ttl(Duration.ofSeconds(60)).concurrency(2).build())
                    .build())
            .matcher(RequestMatcher.path("/api/authors/{author_id}"))
            .build());
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      answers.add(
          f.client.sendAsync(
              HttpRequest.newBuilder(f.uri("/api/authors/8")).build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> f.metrics.dogpileWaits() == 48);
    assertThat(f.upstream.calls()).isEqualTo(2);
    gate.complete(null);
    answers.forEach(a -> assertThat(a.join().body()).isEqualTo("author 8"));
    assertThat(f.upstream.calls()).isEqualTo(2);
  }

  @Test
  void setCookieAndPrivateResponsesAreNeverShared() {
    f.upstream.handler(
        s ->
            switch (s.uri()) {
              case "/api/cookie" -> Reply.ok("for you").headers("Set-Cookie", "session=abc");
              case "/api/private" -> Reply.ok("yours").headers("Cache-Control", "private");
              case "/api/no-store" -> Reply.ok("nobody's").headers("Cache-Control", "no-store");
              default -> Reply.ok("public");
            });
    f.start(
        ProxyRoute.of(
            f.cache("api")
                .policy(CachePolicy.builder().ttl(Duration.ofSeconds(60)).build())
                .build(),
            RequestMatcher.pathPrefix("/api/")));

    for (String path : List.of("/api/cookie", "/api/private", "/api/no-store")) {
      HttpResponse<String> first = f.get(path);
      HttpResponse<String> second = f.get(path);
      assertThat(first.headers().firstValue("X-Cache-Status")).as(path).hasValue("MISS");
      assertThat(second.headers().firstValue("X-Cache-Status")).as(path).hasValue("MISS");
      assertThat(f.upstream.calls(path)).as(path).isEqualTo(2);
    }
    assertThat(f.get("/api/cookie").headers().firstValue("Set-Cookie")).hasValue("session=abc");
  }

  @Test
  void requestsWithAuthorizationBypassTheCacheBothWays() {
    f.upstream.handler(s -> Reply.ok("user " + s.header("Authorization")));
    f.start(
        ProxyRoute.of(
            f.cache("me").policy(CachePolicy.builder().ttl(Duration.ofSeconds(60)).build()).build(),
            RequestMatcher.path("/api/me")));

    HttpResponse<String> alice = f.get("/api/me", "Authorization", "Bearer alice");
    assertThat(alice.body()).isEqualTo("user Bearer alice");
    // Alice's answer was not stored: an anonymous caller goes upstream...
    HttpResponse<String> anonymous = f.get("/api/me");
    assertThat(anonymous.body()).isEqualTo("user null");
    assertThat(anonymous.headers().firstValue("X-Cache-Status")).hasValue("MISS");
    // ...and the anonymous answer, now stored, is not served to Bob.
    assertThat(f.get("/api/me").headers().firstValue("X-Cache-Status")).hasValue("HIT");
    HttpResponse<String> bob = f.get("/api/me", "Authorization", "Bearer bob");
    assertThat(bob.body()).isEqualTo("user Bearer bob");
    assertThat(bob.headers().firstValue("X-Cache-Status")).hasValue("MISS");
    assertThat(f.upstream.calls()).isEqualTo(3);
  }

  @Test
  void aRouteRequestItDoesNotCacheStillGetsTheStatusHeaders() {
    f.upstream.handler(s -> Reply.of(201, "created"));
    f.start(
        ProxyRoute.of(
            f.cache("items")
                .policy(CachePolicy.builder().ttl(Duration.ofSeconds(60)).build())
                .requestPredicate(RequestPredicate.method("GET"))
                .build(),
            RequestMatcher.pathPrefix("/items")));
    HttpResponse<String> r =
        f.send(
            HttpRequest.newBuilder(f.uri("/items"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"x\"}"))
                .build());
    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(r.headers().firstValue("X-Cache-Status")).hasValue("MISS");
    assertThat(r.headers().firstValue("Cache-Status"))
        .hasValue("hitbox; fwd=bypass; fwd-status=201");
    assertThat(f.upstream.last().text()).isEqualTo("{\"name\":\"x\"}");
    assertThat(f.metrics.requests("items", ProxyMetrics.Result.BYPASS)).isEqualTo(1);
  }

  @Test
  void theFirstMatchingRouteAnswers() {
    f.start(
        ProxyRoute.of(
            f.cache("one")
                .policy(CachePolicy.builder().ttl(Duration.ofSeconds(60)).build())
                .build(),
            RequestMatcher.pathPrefix("/a/")),
        ProxyRoute.of(
            f.cache("two")
                .policy(CachePolicy.builder().ttl(Duration.ofSeconds(60)).build())
                .build(),
            RequestMatcher.any()));
    f.get("/a/1");
    f.get("/b/1");
    f.get("/b/1");
    assertThat(f.metrics.requests("one", ProxyMetrics.Result.MISS)).isEqualTo(1);
    assertThat(f.metrics.requests("two", ProxyMetrics.Result.MISS)).isEqualTo(1);
    assertThat(f.metrics.requests("two", ProxyMetrics.Result.HIT)).isEqualTo(1);
  }
}
