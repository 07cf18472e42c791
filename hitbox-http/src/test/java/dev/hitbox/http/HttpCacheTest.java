package dev.hitbox.http;

import static dev.hitbox.http.HttpFixture.call;
import static dev.hitbox.http.HttpFixture.exchange;
import static dev.hitbox.http.HttpFixture.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.CacheResult;
import dev.hitbox.core.CacheStatus;
import dev.hitbox.core.CachedUpstream;
import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.StalePolicy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

class HttpCacheTest {
  private final HttpFixture f = new HttpFixture();

  private static String xcs(HttpResponse r) {
    return r.headers().first("X-Cache-Status");
  }

  // ---------------------------------------------------------------- status headers

  @Test
  void everyResponseSaysHowItWasObtained() {
    CachedUpstream<HttpRequest, HttpResponse> cached = f.cached();

    HttpResponse miss = call(cached, get("/a"));
    f.advance(5);
    CacheResult<HttpResponse> hit = exchange(cached, get("/a"));

    assertThat(xcs(miss)).isEqualTo("MISS");
    assertThat(miss.headers().first("Cache-Status"))
        .isEqualTo("hitbox; fwd=uri-miss; fwd-status=200");
    assertThat(miss.headers().first("Age")).isEqualTo("0");
    assertThat(hit.status()).isEqualTo(CacheStatus.HIT);
    assertThat(xcs(hit.value())).isEqualTo("HIT");
    assertThat(hit.value().headers().first("Cache-Status")).isEqualTo("hitbox; hit");
    assertThat(hit.value().headers().first("Age")).isEqualTo("5");
    assertThat(hit.value().body().text()).isEqualTo("body of /a");
    assertThat(f.upstream.calls()).isEqualTo(1);
  }

  @Test
  void staleAnswersSaySo() {
    CachedUpstream<HttpRequest, HttpResponse> cached =
        f.cached(f.builder().policy(HttpFixture.policy(10, 60)).build());
    call(cached, get("/a"));
    f.advance(20);

    HttpResponse stale = call(cached, get("/a"));

    assertThat(xcs(stale)).isEqualTo("STALE");
    assertThat(stale.headers().first("Cache-Status")).isEqualTo("hitbox; hit; detail=stale");
    assertThat(stale.headers().first("Age")).isEqualTo("20");
  }

  @Test
  void aStaleIfErrorAnswerSaysTheRequestWentUpstream() {
    CachedUpstream<HttpRequest, HttpResponse> cached =
        f.cached(
            f.builder()
                .policy(
                    CachePolicy.builder()
                        .ttl(java.time.Duration.ofSeconds(10))
                        .staleIfError(java.time.Duration.ofSeconds(60))
                        .build())
                .build());
    call(cached, get("/a"));
    f.advance(30);
    f.upstream.failWith(new IllegalStateException("origin down"));

    HttpResponse stale = call(cached, get("/a"));

    assertThat(xcs(stale)).isEqualTo("STALE");
    assertThat(stale.headers().first("Cache-Status"))
        .isEqualTo("hitbox; fwd=stale; detail=stale-if-error");
    assertThat(stale.headers().first("Age")).isEqualTo("30");
  }

  @Test
  void a5xxFromTheUpstreamIsAnsweredFromTheStaleEntry() {
    CachedUpstream<HttpRequest, HttpResponse> cached =
        f.cached(f.builder().policy(HttpFixture.policy(10, 60, StalePolicy.REVALIDATE)).build());
    call(cached, get("/a"));
    f.advance(30);
    for (int status : new int[] {500, 502, 503, 504}) {
      f.answer =
          r ->
              HttpResponse.builder()
                  .status(status)
                  .header("Cache-Control", "no-store")
                  .body("down")
                  .build();

      CacheResult<HttpResponse> r = HttpFixture.exchange(cached, get("/a"));

      assertThat(r.status()).as("after %d", status).isEqualTo(CacheStatus.STALE);
      assertThat(r.value().status()).isEqualTo(200);
      assertThat(r.value().body().text()).isEqualTo("body of /a");
      assertThat(r.value().headers().first("Cache-Status"))
          .isEqualTo("hitbox; fwd=stale; detail=stale-if-error");
    }
    // a 501 or a 4xx is an answer, not a failure
    f.answer = r -> HttpResponse.builder().status(404).body("gone").build();
    HttpResponse notFound = call(cached, get("/a"));
    assertThat(notFound.status()).isEqualTo(404);
    assertThat(xcs(notFound)).isEqualTo("MISS");
  }

  @Test
  void a5xxWithNoEntryToFallBackOnReachesTheClient() {
    CachedUpstream<HttpRequest, HttpResponse> cached =
        f.cached(f.builder().policy(HttpFixture.policy(10, 60, StalePolicy.REVALIDATE)).build());
    f.answer = r -> HttpResponse.builder().status(503).body("maintenance").build();

    HttpResponse r = call(cached, get("/b"));

    assertThat(r.status()).isEqualTo(503);
    assertThat(r.body().text()).isEqualTo("maintenance");
    assertThat(r.headers().first("Cache-Status")).isEqualTo("hitbox; fwd=uri-miss; fwd-status=503");
    // not stored: the next request goes upstream again
    call(cached, get("/b"));
    assertThat(f.upstream.calls()).isEqualTo(2);
  }

  @Test
  void theOriginsAgeAndCacheStatusAreKept() {
    f.answer =
        r -> HttpResponse.builder().header("Age", "10").header("Cache-Status", "cdn; hit").build();
    CachedUpstream<HttpRequest, HttpResponse> cached = f.cached();

    HttpResponse miss = call(cached, get("/a"));
    f.advance(3);
    HttpResponse hit = call(cached, get("/a"));

    assertThat(miss.headers().first("Age")).isEqualTo("10");
    assertThat(hit.headers().first("Age")).isEqualTo("13");
    assertThat(hit.headers().all("Age")).hasSize(1);
    assertThat(hit.headers().first("Cache-Status")).isEqualTo("cdn; hit, hitbox; hit");
  }

  @Test
  void aBypassSaysMissAndWhy() {
    HttpResponse r = call(f.cached(), get("/a", "Authorization", "Basic x"));
    assertThat(xcs(r)).isEqualTo("MISS");
    assertThat(r.headers().first("Cache-Status")).isEqualTo("hitbox; fwd=bypass; fwd-status=200");
  }

  // ---------------------------------------------------------------- byte for byte

  @Test
  void aCachedResponseIsTheUpstreamsByteForByteWithoutHopByHopFields() {
    byte[] body = HttpModelTest.bytes(5000);
    f.answer =
        r ->
            HttpResponse.builder()
                .status(203)
                .header("content-type", "application/octet-stream")
                .header("Connection", "close, X-Conn")
                .header("X-Conn", "1")
                .header("x-multi", "a")
                .header("Transfer-Encoding", "chunked")
                .header("X-MULTI", "b")
                .body(body)
                .build();
    CachedUpstream<HttpRequest, HttpResponse> cached =
        f.cached(f.builder().responsePredicate(ResponsePredicate.status(203)).build());

    HttpResponse miss = call(cached, get("/bin"));
    HttpResponse hit = call(cached, get("/bin"));

    HttpHeaders expected =
        HttpHeaders.of("content-type", "application/octet-stream", "x-multi", "a", "X-MULTI", "b");
    for (HttpResponse r : new HttpResponse[] {miss, hit}) {
      assertThat(r.status()).isEqualTo(203);
      assertThat(r.body().bytes()).isEqualTo(body);
      assertThat(r.headers().without("X-Cache-Status").without("Cache-Status").without("Age"))
          .isEqualTo(expected);
    }
    assertThat(xcs(hit)).isEqualTo("HIT");
  }

  // ---------------------------------------------------------------- Vary

  @Test
  void varySplitsEntriesSoVariantsLiveSideBySide() {
    f.answer =
        r ->
            HttpResponse.builder()
                .header("Vary", "Accept-Language")
                .body("lang=" + r.headers().first("Accept-Language"))
                .build();
    CachedUpstream<HttpRequest, HttpResponse> cached = f.cached();

    for (int round = 0; round < 4; round++) {
      for (String lang : new String[] {"en", "de", "fr"}) {
        HttpResponse r = call(cached, get("/greeting", "Accept-Language", lang));
        assertThat(r.body().text()).isEqualTo("lang=" + lang);
        if (round >= 2) {
          assertThat(xcs(r)).as("round %d %s", round, lang).isEqualTo("HIT");
        }
      }
    }
    // one extra miss for the first variant, stored before the endpoint knew the response varies
    assertThat(f.upstream.calls()).isEqualTo(4);
  }

  @Test
  void varyTellsAbsentFromPresentHeaders() {
    f.answer =
        r ->
            HttpResponse.builder()
                .header("Vary", "Accept-Encoding")
                .body("enc=" + r.headers().first("Accept-Encoding"))
                .build();
    CachedUpstream<HttpRequest, HttpResponse> cached = f.cached();

    for (int i = 0; i < 3; i++) {
      assertThat(call(cached, get("/x")).body().text()).isEqualTo("enc=null");
      assertThat(call(cached, get("/x", "Accept-Encoding", "gzip")).body().text())
          .isEqualTo("enc=gzip");
      assertThat(call(cached, get("/x", "Accept-Encoding", "")).body().text()).isEqualTo("enc=");
    }
  }

  @Test
  void varyStarIsNeverStored() {
    f.answer = r -> HttpResponse.builder().header("Vary", "*").body("x").build();
    CachedUpstream<HttpRequest, HttpResponse> cached = f.cached();
    call(cached, get("/x"));
    call(cached, get("/x"));
    assertThat(f.upstream.calls()).isEqualTo(2);
    assertThat(f.backend.writes()).isZero();
  }

  @Test
  void aStoredVariantNeverAnswersAnotherEvenWhenTheEndpointForgot() {
    // a key-only endpoint (capacity 1 forgets) still checks the stored variant on every read
    f.answer =
        r ->
            HttpResponse.builder()
                .header("Vary", "X-Tenant")
                .body("tenant=" + r.headers().first("X-Tenant"))
                .build();
    CachedUpstream<HttpRequest, HttpResponse> cached =
        f.cached(f.builder().varyCapacity(1).build());

    for (int i = 0; i < 3; i++) {
      for (String uri : new String[] {"/a", "/b"}) {
        for (String t : new String[] {"t1", "t2"}) {
          assertThat(call(cached, get(uri, "X-Tenant", t)).body().text()).isEqualTo("tenant=" + t);
        }
      }
    }
  }

  // ---------------------------------------------------------------- validators

  @Test
  void aClientsIfNoneMatchIsAnsweredWith304FromTheCache() {
    f.answer =
        r ->
            HttpResponse.builder()
                .header("ETag", "\"v1\"")
                .header("Cache-Control", "max-age=60")
                .header("Content-Type", "text/plain")
                .body("full")
                .build();
    CachedUpstream<HttpRequest, HttpResponse> cached = f.cached();

    // even on a miss: the upstream is asked for the full response, which is stored
    HttpResponse first = call(cached, get("/r", "If-None-Match", "\"v1\""));
    assertThat(first.status()).isEqualTo(304);
    assertThat(f.received.get(0).headers().contains("If-None-Match")).isFalse();

    HttpResponse second = call(cached, get("/r", "If-None-Match", "\"v0\", W/\"v1\""));
    assertThat(second.status()).isEqualTo(304);
    assertThat(second.body().length()).isZero();
    assertThat(second.headers().first("ETag")).isEqualTo("\"v1\"");
    assertThat(second.headers().first("Cache-Control")).isEqualTo("max-age=60");
    assertThat(second.headers().contains("Content-Type")).isFalse();
    assertThat(xcs(second)).isEqualTo("HIT");

    HttpResponse star = call(cached, get("/r", "If-None-Match", "*"));
    assertThat(star.status()).isEqualTo(304);

    HttpResponse changed = call(cached, get("/r", "If-None-Match", "\"v2\""));
    assertThat(changed.status()).isEqualTo(200);
    assertThat(changed.body().text()).isEqualTo("full");
    assertThat(f.upstream.calls()).isEqualTo(1);
  }

  @Test
  void aClientsIfModifiedSinceIsAnsweredWith304FromTheCache() {
    f.answer =
        r ->
            HttpResponse.builder()
                .header("Last-Modified", "Tue, 15 Nov 1994 12:45:26 GMT")
                .body("full")
                .build();
    CachedUpstream<HttpRequest, HttpResponse> cached = f.cached();
    call(cached, get("/r"));

    assertThat(
            call(cached, get("/r", "If-Modified-Since", "Tue, 15 Nov 1994 12:45:26 GMT")).status())
        .isEqualTo(304);
    assertThat(
            call(cached, get("/r", "If-Modified-Since", "Wed, 16 Nov 1994 00:00:00 GMT")).status())
        .isEqualTo(304);
    assertThat(
            call(cached, get("/r", "If-Modified-Since", "Mon, 14 Nov 1994 00:00:00 GMT")).status())
        .isEqualTo(200);
    assertThat(call(cached, get("/r", "If-Modified-Since", "garbage")).status()).isEqualTo(200);
    // If-None-Match wins over If-Modified-Since
    assertThat(
            call(
                    cached,
                    get(
                        "/r",
                        "If-None-Match",
                        "\"x\"",
                        "If-Modified-Since",
                        "Wed, 16 Nov 1994 00:00:00 GMT"))
                .status())
        .isEqualTo(200);
  }

  @Test
  void aStaleEntryIsRevalidatedWithItsETagAndA304RefreshesIt() {
    f.answer =
        r ->
            r.headers().contains("If-None-Match")
                ? HttpResponse.builder()
                    .status(304)
                    .header("ETag", "\"v1\"")
                    .header("X-Checked", "yes")
                    .build()
                : HttpResponse.builder()
                    .header("ETag", "\"v1\"")
                    .header("X-Checked", "no")
                    .body("original body")
                    .build();
    CachedUpstream<HttpRequest, HttpResponse> cached =
        f.cached(f.builder().policy(HttpFixture.policy(10, 60, StalePolicy.REVALIDATE)).build());
    call(cached, get("/doc"));
    f.advance(20);

    HttpResponse refreshed = call(cached, get("/doc"));

    assertThat(f.received.get(1).headers().first("If-None-Match")).isEqualTo("\"v1\"");
    assertThat(refreshed.status()).isEqualTo(200);
    assertThat(refreshed.body().text()).isEqualTo("original body");
    assertThat(refreshed.headers().first("X-Checked")).isEqualTo("yes");

    f.advance(5);
    HttpResponse hit = call(cached, get("/doc"));
    assertThat(xcs(hit)).isEqualTo("HIT");
    assertThat(hit.headers().first("X-Checked")).isEqualTo("yes");
    assertThat(hit.headers().first("Age")).isEqualTo("5");
    assertThat(f.upstream.calls()).isEqualTo(2);
  }

  @Test
  void aBackgroundRevalidationServesStaleAndA304RefreshesTheEntry() {
    f.answer =
        r ->
            r.headers().contains("If-None-Match")
                ? HttpResponse.builder().status(304).header("X-Checked", "yes").build()
                : HttpResponse.builder().header("ETag", "\"v1\"").body("original").build();
    CachedUpstream<HttpRequest, HttpResponse> cached =
        f.cached(
            f.builder()
                .policy(HttpFixture.policy(10, 60, StalePolicy.OFFLOAD_REVALIDATE))
                .configure(b -> b.executor(Runnable::run))
                .build());
    call(cached, get("/doc"));
    f.advance(20);

    HttpResponse stale = call(cached, get("/doc"));
    HttpResponse hit = call(cached, get("/doc"));

    assertThat(xcs(stale)).isEqualTo("STALE");
    assertThat(stale.headers().contains("X-Checked")).isFalse();
    assertThat(f.received.get(1).headers().first("If-None-Match")).isEqualTo("\"v1\"");
    assertThat(xcs(hit)).isEqualTo("HIT");
    assertThat(hit.headers().first("X-Checked")).isEqualTo("yes");
    assertThat(hit.body().text()).isEqualTo("original");
  }

  @Test
  void aStaleEntryWithLastModifiedIsRevalidatedWithIfModifiedSince() {
    String lm = "Tue, 15 Nov 1994 12:45:26 GMT";
    f.answer =
        r ->
            r.headers().contains("If-Modified-Since")
                ? HttpResponse.builder().status(304).build()
                : HttpResponse.builder().header("Last-Modified", lm).body("v").build();
    CachedUpstream<HttpRequest, HttpResponse> cached =
        f.cached(f.builder().policy(HttpFixture.policy(10, 60, StalePolicy.REVALIDATE)).build());
    call(cached, get("/doc"));
    f.advance(20);

    assertThat(call(cached, get("/doc")).body().text()).isEqualTo("v");
    assertThat(f.received.get(1).headers().first("If-Modified-Since")).isEqualTo(lm);
    assertThat(xcs(call(cached, get("/doc")))).isEqualTo("HIT");
  }

  @Test
  void aStaleEntryWithoutValidatorsIsFetchedWhole() {
    CachedUpstream<HttpRequest, HttpResponse> cached =
        f.cached(f.builder().policy(HttpFixture.policy(10, 60, StalePolicy.REVALIDATE)).build());
    call(cached, get("/doc"));
    f.advance(20);
    call(cached, get("/doc"));
    assertThat(f.received.get(1).headers().isEmpty()).isTrue();
  }

  // ---------------------------------------------------------------- origin Cache-Control

  private CachedUpstream<HttpRequest, HttpResponse> origin(String... headers) {
    f.answer = r -> HttpResponse.builder().headers(HttpHeaders.of(headers)).body("x").build();
    return f.cached(
        f.builder().policy(HttpFixture.policy(60, 0)).respectOriginCacheControl(true).build());
  }

  @Test
  void maxAgeSetsTheTtl() {
    CachedUpstream<HttpRequest, HttpResponse> cached = origin("Cache-Control", "max-age=5");
    call(cached, get("/a"));
    f.advance(4);
    assertThat(xcs(call(cached, get("/a")))).isEqualTo("HIT");
    f.advance(2);
    assertThat(xcs(call(cached, get("/a")))).isEqualTo("MISS");
  }

  @Test
  void sMaxAgeWinsOverMaxAge() {
    CachedUpstream<HttpRequest, HttpResponse> cached =
        origin("Cache-Control", "max-age=5, s-maxage=30");
    call(cached, get("/a"));
    f.advance(20);
    assertThat(xcs(call(cached, get("/a")))).isEqualTo("HIT");
  }

  @Test
  void theOriginsAgeIsSubtracted() {
    CachedUpstream<HttpRequest, HttpResponse> cached =
        origin("Cache-Control", "max-age=10", "Age", "8");
    call(cached, get("/a"));
    f.advance(3);
    assertThat(xcs(call(cached, get("/a")))).isEqualTo("MISS");
  }

  @Test
  void expiresMinusDateIsTheTtlWithoutMaxAge() {
    CachedUpstream<HttpRequest, HttpResponse> cached =
        origin("Date", "Tue, 15 Nov 1994 08:12:31 GMT", "Expires", "Tue, 15 Nov 1994 08:12:41 GMT");
    call(cached, get("/a"));
    f.advance(9);
    assertThat(xcs(call(cached, get("/a")))).isEqualTo("HIT");
    f.advance(2);
    assertThat(xcs(call(cached, get("/a")))).isEqualTo("MISS");
  }

  @Test
  void staleWhileRevalidateAndStaleIfErrorSetTheStaleWindow() {
    CachedUpstream<HttpRequest, HttpResponse> cached =
        origin("Cache-Control", "max-age=5, stale-while-revalidate=30, stale-if-error=60");
    call(cached, get("/a"));
    f.advance(50);
    assertThat(xcs(call(cached, get("/a")))).isEqualTo("STALE");
    f.advance(20);
    assertThat(xcs(call(cached, get("/a")))).isEqualTo("MISS");
  }

  @Test
  void mustRevalidateAllowsNoStaleWindow() {
    f.answer =
        r ->
            HttpResponse.builder()
                .header("Cache-Control", "max-age=5, must-revalidate")
                .body("x")
                .build();
    CachedUpstream<HttpRequest, HttpResponse> cached =
        f.cached(
            f.builder()
                .policy(HttpFixture.policy(60, 300))
                .respectOriginCacheControl(true)
                .build());
    call(cached, get("/a"));
    f.advance(6);
    assertThat(xcs(call(cached, get("/a")))).isEqualTo("MISS");
  }

  @Test
  void withoutFreshnessDirectivesThePolicyApplies() {
    CachedUpstream<HttpRequest, HttpResponse> cached = origin("Cache-Control", "public");
    call(cached, get("/a"));
    f.advance(59);
    assertThat(xcs(call(cached, get("/a")))).isEqualTo("HIT");
  }

  @Test
  void noCacheIsNotStored() {
    CachedUpstream<HttpRequest, HttpResponse> cached = origin("Cache-Control", "no-cache");
    call(cached, get("/a"));
    assertThat(xcs(call(cached, get("/a")))).isEqualTo("MISS");
    assertThat(f.backend.writes()).isZero();
  }

  @Test
  void originDirectivesAreIgnoredUnlessAsked() {
    f.answer = r -> HttpResponse.builder().header("Cache-Control", "max-age=1").body("x").build();
    CachedUpstream<HttpRequest, HttpResponse> cached = f.cached();
    call(cached, get("/a"));
    f.advance(30);
    assertThat(xcs(call(cached, get("/a")))).isEqualTo("HIT");
  }

  // ---------------------------------------------------------------- bodies

  private static HttpRequest streamedPost(byte[] body, long length) {
    return HttpRequest.builder()
        .method("POST")
        .uri("/graphql")
        .body(HttpBody.ofInputStream(new ByteArrayInputStream(body), length))
        .build();
  }

  private static byte[] readAll(HttpBody body) {
    try (InputStream in = body.inputStream()) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void requestBodiesOverTheLimitAreNotCacheableAndReachTheUpstreamUnchanged() {
    byte[] big = ("{\"query\":\"" + "x".repeat(5000) + "\"}").getBytes();
    f.answer = r -> HttpResponse.builder().body("got " + readAll(r.body()).length).build();
    HttpCache cache =
        f.builder()
            .requestPredicate(RequestPredicate.bodyJq(".query != null"))
            .extractor(HttpExtractor.bodyJq(".query | hash"))
            .requestBodyLimit(1000)
            .build();
    CachedUpstream<HttpRequest, HttpResponse> cached = f.cached(cache);

    for (long length : new long[] {-1, big.length}) {
      CacheResult<HttpResponse> r = exchange(cached, streamedPost(big, length));
      assertThat(r.status()).isEqualTo(CacheStatus.BYPASS);
      assertThat(r.value().body().text()).isEqualTo("got " + big.length);
    }
    assertThat(f.backend.writes()).isZero();
  }

  @Test
  void requestBodiesWithinTheLimitAreReadOnceAndKeyed() {
    f.answer = r -> HttpResponse.builder().body("echo " + r.body().text()).build();
    HttpCache cache =
        f.builder()
            .requestPredicate(
                RequestPredicate.method("POST").and(RequestPredicate.bodyJq(".query != null")))
            .extractor(HttpExtractor.bodyJq(".query"))
            .build();
    CachedUpstream<HttpRequest, HttpResponse> cached = f.cached(cache);

    byte[] a = "{\"query\":\"a\"}".getBytes();
    byte[] b = "{\"query\":\"b\"}".getBytes();
    assertThat(call(cached, streamedPost(a, -1)).body().text()).isEqualTo("echo {\"query\":\"a\"}");
    assertThat(call(cached, streamedPost(b, -1)).body().text()).isEqualTo("echo {\"query\":\"b\"}");
    HttpResponse again = call(cached, streamedPost(a, -1));
    assertThat(xcs(again)).isEqualTo("HIT");
    assertThat(again.body().text()).isEqualTo("echo {\"query\":\"a\"}");
    assertThat(f.upstream.calls()).isEqualTo(2);
  }

  @Test
  void bodiesAreNotReadWhenNothingLooksAtThem() {
    HttpRequest upload = streamedPost(new byte[10], -1);
    call(f.cached(), upload);
    assertThat(f.received.get(0).body()).isSameAs(upload.body());
  }

  @Test
  void streamedResponsesAreBufferedToBeStoredUpToTheLimit() {
    byte[] small = HttpModelTest.bytes(100);
    byte[] big = HttpModelTest.bytes(5000);
    f.answer =
        r ->
            HttpResponse.builder()
                .body(
                    HttpBody.ofInputStream(
                        new ByteArrayInputStream(r.path().equals("/big") ? big : small), -1))
                .build();
    CachedUpstream<HttpRequest, HttpResponse> cached =
        f.cached(f.builder().responseBodyLimit(1000).build());

    call(cached, get("/small"));
    HttpResponse hit = call(cached, get("/small"));
    assertThat(xcs(hit)).isEqualTo("HIT");
    assertThat(hit.body().bytes()).isEqualTo(small);

    HttpResponse first = call(cached, get("/big"));
    assertThat(readAll(first.body())).isEqualTo(big);
    HttpResponse second = call(cached, get("/big"));
    assertThat(xcs(second)).isEqualTo("MISS");
    assertThat(readAll(second.body())).isEqualTo(big);
  }

  // ---------------------------------------------------------------- keys and defaults

  @Test
  void headAndPostNeverShareAGetsEntry() {
    f.answer =
        r ->
            HttpResponse.builder()
                .body(r.method().equals("HEAD") ? "" : r.method() + " body")
                .build();
    CachedUpstream<HttpRequest, HttpResponse> cached =
        f.cached(
            f.builder().requestPredicate(RequestPredicate.method("GET", "HEAD", "POST")).build());

    call(cached, HttpRequest.builder().method("HEAD").uri("/a").build());
    HttpResponse getR = call(cached, get("/a"));
    assertThat(getR.body().text()).isEqualTo("GET body");
    assertThat(call(cached, HttpRequest.builder().method("POST").uri("/a").build()).body().text())
        .isEqualTo("POST body");
    assertThat(xcs(call(cached, HttpRequest.builder().method("HEAD").uri("/a").build())))
        .isEqualTo("HIT");
    assertThat(f.upstream.calls()).isEqualTo(3);
  }

  @Test
  void onlyGetAndHeadAreCachedByDefault() {
    CachedUpstream<HttpRequest, HttpResponse> cached = f.cached();
    for (String m : new String[] {"POST", "PUT", "DELETE", "PATCH"}) {
      HttpRequest r = HttpRequest.builder().method(m).uri("/a").body("x").build();
      assertThat(exchange(cached, r).status()).as(m).isEqualTo(CacheStatus.BYPASS);
      assertThat(exchange(cached, r).status()).as(m).isEqualTo(CacheStatus.BYPASS);
    }
    assertThat(f.backend.writes()).isZero();
  }

  @Test
  void onlyCacheableStatusesAreStoredByDefault() {
    f.answer = r -> HttpResponse.builder().status(Integer.parseInt(r.path().substring(1))).build();
    CachedUpstream<HttpRequest, HttpResponse> cached = f.cached();
    for (int s : new int[] {200, 404, 500, 503, 201, 206, 302}) {
      call(cached, get("/" + s));
      String second = xcs(call(cached, get("/" + s)));
      assertThat(second).as("status %d", s).isEqualTo(s == 200 || s == 404 ? "HIT" : "MISS");
    }
  }

  @Test
  void neverStores304Or206EvenWhenThePredicateSaysYes() {
    f.answer = r -> HttpResponse.builder().status(304).build();
    CachedUpstream<HttpRequest, HttpResponse> cached =
        f.cached(
            f.builder()
                .responsePredicate(ResponsePredicate.statusClass(StatusClass.REDIRECT))
                .build());
    call(cached, get("/a"));
    call(cached, get("/a"));
    assertThat(f.backend.writes()).isZero();
  }

  @Test
  void keysComeFromTheExtractorsAndInvalidateRemovesThem() {
    CachedUpstream<HttpRequest, HttpResponse> cached =
        f.cached(
            f.builder()
                .extractor(
                    HttpExtractor.builder().path("/v1/authors/{author_id}").query("page").build())
                .build());
    HttpRequest r = get("/v1/authors/42?page=2&utm=x");
    call(cached, r);

    assertThat(cached.keyOf(r).join().text()).isEqualTo("author_id=42&page=2");
    assertThat(xcs(call(cached, get("/v1/authors/42?utm=y&page=2")))).isEqualTo("HIT");
    assertThat(cached.invalidate(r).join()).isTrue();
    assertThat(xcs(call(cached, r))).isEqualTo("MISS");
    assertThat(cached.endpoint().name()).isEqualTo("test");
  }

  @Test
  void theRespondFunctionServesIntegrationsThatDriveTheEngine() {
    HttpCache cache = f.builder().build();
    HttpResponse stored = HttpResponse.builder().header("ETag", "\"e\"").body("b").build();

    HttpResponse r =
        cache.respond(
            get("/", "If-None-Match", "\"e\""), CacheResult.of(stored, CacheStatus.HIT, 7_500));
    assertThat(r.status()).isEqualTo(304);
    assertThat(r.headers().first("Age")).isEqualTo("7");
    HttpResponse post =
        cache.respond(
            HttpRequest.builder().method("POST").uri("/").header("If-None-Match", "\"e\"").build(),
            CacheResult.of(stored, CacheStatus.MISS, 0));
    assertThat(post.status()).isEqualTo(200);
  }

  @Test
  void buildersValidateAtOnce() {
    assertThatThrownBy(() -> HttpCache.builder("bad name"))
        .isInstanceOf(ConfigurationException.class);
    assertThatThrownBy(() -> HttpCache.builder("x").requestBodyLimit(-1))
        .hasMessage("request_body_limit: -1 (expected: >= 0)");
    assertThatThrownBy(() -> HttpCache.builder("x").responseBodyLimit(-2))
        .hasMessage("response_body_limit: -2 (expected: >= 0)");
    assertThatThrownBy(() -> HttpCache.builder("x").varyCapacity(0))
        .hasMessage("vary_capacity: 0 (expected: > 0)");
    assertThatThrownBy(() -> HttpCache.builder("x").build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("backend is not set");
  }
}
