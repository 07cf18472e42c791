package dev.hitbox.http;

import static dev.hitbox.http.HttpFixture.call;
import static dev.hitbox.http.HttpFixture.get;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.core.CachedUpstream;
import dev.hitbox.core.StalePolicy;
import org.junit.jupiter.api.Test;

/** A {@code HEAD} answered from the {@code GET}'s entry. */
class HttpCacheHeadTest {
  private final HttpFixture f = new HttpFixture();

  HttpCacheHeadTest() {
    // an origin that answers a HEAD as HTTP says: the GET's header fields, no body
    f.answer =
        r -> {
          String body = "body of " + r.uri();
          return HttpResponse.builder()
              .header("Content-Type", "text/plain")
              .header("ETag", "\"v1\"")
              .header("Content-Length", Integer.toString(body.length()))
              .body(r.method().equals("HEAD") ? "" : body)
              .build();
        };
  }

  private static HttpRequest head(String uri, String... headers) {
    return HttpRequest.builder().method("HEAD").uri(uri).headers(HttpHeaders.of(headers)).build();
  }

  private static String xcs(HttpResponse r) {
    return r.headers().first("X-Cache-Status");
  }

  @Test
  void aHeadAfterAGetIsAHitWithTheLengthOfTheWholeBodyAndNoBody() {
    CachedUpstream<HttpRequest, HttpResponse> cached = f.cached();
    call(cached, get("/a"));

    HttpResponse head = call(cached, head("/a"));

    assertThat(xcs(head)).isEqualTo("HIT");
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.headers().first("Content-Length")).isEqualTo("10");
    assertThat(head.headers().first("ETag")).isEqualTo("\"v1\"");
    assertThat(head.body().length()).isZero();
    assertThat(f.upstream.calls()).isEqualTo(1);
  }

  @Test
  void theLengthIsTheStoredBodysEvenWhenTheOriginSentNone() {
    f.answer = r -> HttpResponse.builder().body(r.method().equals("HEAD") ? "" : "12345").build();
    CachedUpstream<HttpRequest, HttpResponse> cached = f.cached();
    call(cached, get("/a"));

    HttpResponse head = call(cached, head("/a"));

    assertThat(head.headers().first("Content-Length")).isEqualTo("5");
    assertThat(head.body().length()).isZero();
  }

  @Test
  void aStaleEntryAnswersAHeadToo() {
    CachedUpstream<HttpRequest, HttpResponse> cached =
        f.cached(f.builder().policy(HttpFixture.policy(10, 60, StalePolicy.RETURN)).build());
    call(cached, get("/a"));
    f.advance(20);

    HttpResponse head = call(cached, head("/a"));

    assertThat(xcs(head)).isEqualTo("STALE");
    assertThat(head.body().length()).isZero();
    assertThat(head.headers().first("Content-Length")).isEqualTo("10");
  }

  @Test
  void aHeadMissPassesTheHeadThroughAndStoresNothing() {
    CachedUpstream<HttpRequest, HttpResponse> cached = f.cached();

    HttpResponse head = call(cached, head("/a"));
    HttpResponse getAfter = call(cached, get("/a"));

    assertThat(f.received).extracting(HttpRequest::method).containsExactly("HEAD", "GET");
    assertThat(xcs(head)).isEqualTo("MISS");
    assertThat(head.headers().first("Content-Length")).isEqualTo("10");
    assertThat(xcs(getAfter)).isEqualTo("MISS");
    assertThat(getAfter.body().text()).isEqualTo("body of /a");
    assertThat(xcs(call(cached, get("/a")))).isEqualTo("HIT");
  }

  @Test
  void aHeadMissFetchesTheGetWhenTheUpstreamCanBeAskedForIt() {
    HttpCache cache = f.builder().build();
    CachedUpstream<HttpRequest, HttpResponse> cached =
        cache.wrap(f.upstream, HttpCache.HeadMiss.FETCH_GET);

    HttpResponse head = call(cached, head("/a"));
    HttpResponse getAfter = call(cached, get("/a"));

    assertThat(f.received).extracting(HttpRequest::method).containsExactly("GET");
    assertThat(xcs(head)).isEqualTo("MISS");
    assertThat(head.body().length()).isZero();
    assertThat(head.headers().first("Content-Length")).isEqualTo("10");
    assertThat(xcs(getAfter)).isEqualTo("HIT");
    assertThat(getAfter.body().text()).isEqualTo("body of /a");
  }

  @Test
  void anEmptyHeadAnswerNeverAnswersAGetEvenWhenTheUpstreamIgnoresTheMethod() {
    // an upstream that always answers the client's HEAD (as a Servlet chain does)
    f.answer = r -> HttpResponse.builder().header("Content-Length", "10").body("").build();
    CachedUpstream<HttpRequest, HttpResponse> cached = f.cached();

    call(cached, head("/a"));
    f.answer = r -> HttpResponse.builder().body("body of /a").build();
    HttpResponse getAfter = call(cached, get("/a"));

    assertThat(xcs(getAfter)).isEqualTo("MISS");
    assertThat(getAfter.body().text()).isEqualTo("body of /a");
  }

  @Test
  void aGetWaitingOnAHeadsMissIsNotGivenTheHeadsEmptyAnswer() {
    CachedUpstream<HttpRequest, HttpResponse> cached =
        f.cached(
            f.builder()
                .policy(
                    dev.hitbox.core.CachePolicy.builder()
                        .ttl(java.time.Duration.ofSeconds(60))
                        .concurrency(1)
                        .build())
                .build());
    f.upstream.hold();
    java.util.concurrent.CompletableFuture<HttpResponse> head = cached.call(head("/a"));
    org.awaitility.Awaitility.await().until(() -> f.upstream.pending() == 1);
    java.util.concurrent.CompletableFuture<HttpResponse> getR = cached.call(get("/a"));

    f.upstream.releaseOne(); // the HEAD's answer: not stored, so the GET goes upstream itself
    org.awaitility.Awaitility.await().until(() -> f.upstream.pending() == 1);
    f.upstream.release();

    assertThat(head.join().body().length()).isZero();
    assertThat(getR.join().body().text()).isEqualTo("body of /a");
    assertThat(f.received).extracting(HttpRequest::method).containsExactly("HEAD", "GET");
  }

  @Test
  void aConditionalHeadGetsA304FromTheGetsEntry() {
    CachedUpstream<HttpRequest, HttpResponse> cached = f.cached();
    call(cached, get("/a"));

    HttpResponse head = call(cached, head("/a", "If-None-Match", "\"v1\""));

    assertThat(head.status()).isEqualTo(304);
    assertThat(head.body().length()).isZero();
    assertThat(f.upstream.calls()).isEqualTo(1);
  }

  @Test
  void aHeadHasTheGetsKey() {
    CachedUpstream<HttpRequest, HttpResponse> cached = f.cached();

    assertThat(cached.keyOf(head("/a")).join()).isEqualTo(cached.keyOf(get("/a")).join());
    call(cached, get("/a"));
    assertThat(cached.invalidate(head("/a")).join()).isTrue();
    assertThat(xcs(call(cached, get("/a")))).isEqualTo("MISS");
  }

  @Test
  void turnedOffAHeadHasEntriesOfItsOwn() {
    CachedUpstream<HttpRequest, HttpResponse> cached =
        f.cached(f.builder().convertHead(false).build());
    call(cached, get("/a"));

    HttpResponse first = call(cached, head("/a"));
    HttpResponse second = call(cached, head("/a"));

    assertThat(xcs(first)).isEqualTo("MISS");
    assertThat(xcs(second)).isEqualTo("HIT");
    assertThat(second.body().length()).isZero();
    assertThat(call(cached, get("/a")).body().text()).isEqualTo("body of /a");
    assertThat(cached.keyOf(head("/a")).join()).isNotEqualTo(cached.keyOf(get("/a")).join());
  }

  @Test
  void respondTurnsAGetsAnswerIntoAHeadsForIntegrationsThatDriveTheEngine() {
    HttpCache cache = f.builder().build();
    HttpResponse stored = HttpResponse.builder().body("abc").build();

    HttpResponse head =
        cache.respond(
            head("/a"), dev.hitbox.core.CacheResult.of(stored, dev.hitbox.core.CacheStatus.HIT, 0));

    assertThat(head.body().length()).isZero();
    assertThat(head.headers().first("Content-Length")).isEqualTo("3");
  }
}
