package dev.hitbox.http;

import static dev.hitbox.http.HttpFixture.call;
import static dev.hitbox.http.HttpFixture.get;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.core.CachedUpstream;
import org.junit.jupiter.api.Test;

/** {@code Range} requests answered from a whole stored {@code 200}. */
class HttpCacheRangeTest {
  private final HttpFixture f = new HttpFixture();
  private final CachedUpstream<HttpRequest, HttpResponse> cached;

  HttpCacheRangeTest() {
    f.answer =
        r -> {
          if (r.headers().contains("Range")) {
            return HttpResponse.builder().status(206).body("WRONG").build();
          }
          return HttpResponse.builder()
              .header("Content-Type", "text/plain")
              .header("ETag", "\"v1\"")
              .header("Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT")
              .body("0123456789")
              .build();
        };
    cached = f.cached();
  }

  private HttpResponse ranged(String range, String... more) {
    String[] h = new String[more.length + 2];
    h[0] = "Range";
    h[1] = range;
    System.arraycopy(more, 0, h, 2, more.length);
    return call(cached, get("/file", h));
  }

  private static String xcs(HttpResponse r) {
    return r.headers().first("X-Cache-Status");
  }

  @Test
  void aRangeOfAStoredBodyIsA206() {
    call(cached, get("/file"));

    HttpResponse r = ranged("bytes=2-5");

    assertThat(r.status()).isEqualTo(206);
    assertThat(r.body().text()).isEqualTo("2345");
    assertThat(r.headers().first("Content-Range")).isEqualTo("bytes 2-5/10");
    assertThat(r.headers().first("Content-Length")).isEqualTo("4");
    assertThat(r.headers().first("Content-Type")).isEqualTo("text/plain");
    assertThat(xcs(r)).isEqualTo("HIT");
    assertThat(f.upstream.calls()).isEqualTo(1);
  }

  @Test
  void openAndSuffixRangesAndAnEndPastTheBody() {
    call(cached, get("/file"));

    assertThat(ranged("bytes=7-").body().text()).isEqualTo("789");
    assertThat(ranged("bytes=-3").body().text()).isEqualTo("789");
    assertThat(ranged("bytes=-30").body().text()).isEqualTo("0123456789");
    assertThat(ranged("bytes=8-100").headers().first("Content-Range")).isEqualTo("bytes 8-9/10");
  }

  @Test
  void aMissAsksTheUpstreamForTheWholeBodyStoresItAndAnswersTheRange() {
    HttpResponse r = ranged("bytes=0-0");

    assertThat(f.received.get(0).headers().contains("Range")).isFalse();
    assertThat(r.status()).isEqualTo(206);
    assertThat(r.body().text()).isEqualTo("0");
    HttpResponse whole = call(cached, get("/file"));
    assertThat(whole.status()).isEqualTo(200);
    assertThat(whole.body().text()).isEqualTo("0123456789");
    assertThat(xcs(whole)).isEqualTo("HIT");
  }

  @Test
  void aRangePastTheEndIsA416() {
    call(cached, get("/file"));

    HttpResponse r = ranged("bytes=10-");

    assertThat(r.status()).isEqualTo(416);
    assertThat(r.headers().first("Content-Range")).isEqualTo("bytes */10");
    assertThat(r.body().length()).isZero();
  }

  @Test
  void severalRangesOtherUnitsAndBadSyntaxGetTheWhole200() {
    call(cached, get("/file"));

    for (String range : new String[] {"bytes=0-1,4-5", "items=0-1", "bytes=5-2", "bytes=x-"}) {
      HttpResponse r = ranged(range);
      assertThat(r.status()).as(range).isEqualTo(200);
      assertThat(r.body().text()).as(range).isEqualTo("0123456789");
    }
  }

  @Test
  void ifRangeSendsTheRangeOnlyWhenTheRepresentationIsTheSame() {
    call(cached, get("/file"));

    assertThat(ranged("bytes=0-1", "If-Range", "\"v1\"").status()).isEqualTo(206);
    assertThat(ranged("bytes=0-1", "If-Range", "\"v0\"").status()).isEqualTo(200);
    assertThat(ranged("bytes=0-1", "If-Range", "W/\"v1\"").status()).isEqualTo(200);
    assertThat(ranged("bytes=0-1", "If-Range", "Sun, 06 Nov 1994 08:49:37 GMT").status())
        .isEqualTo(206);
    assertThat(ranged("bytes=0-1", "If-Range", "Mon, 07 Nov 1994 08:49:37 GMT").status())
        .isEqualTo(200);
  }

  @Test
  void aHeadIgnoresRange() {
    call(cached, get("/file"));

    HttpResponse r =
        call(
            cached,
            HttpRequest.builder()
                .method("HEAD")
                .uri("/file")
                .headers(HttpHeaders.of("Range", "bytes=0-1"))
                .build());

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers().first("Content-Length")).isEqualTo("10");
  }

  @Test
  void a206FromTheOriginIsNeverStored() {
    f.answer = r -> HttpResponse.builder().status(206).body("45").build();
    call(cached, get("/file"));
    f.answer = r -> HttpResponse.builder().body("0123456789").build();

    HttpResponse whole = call(cached, get("/file"));

    assertThat(xcs(whole)).isEqualTo("MISS");
    assertThat(whole.body().text()).isEqualTo("0123456789");
  }
}
