package dev.hitbox.http;

import static dev.hitbox.http.HttpFixture.call;
import static dev.hitbox.http.HttpFixture.get;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.core.CachedUpstream;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The client's {@code Cache-Control} and {@code Pragma}. */
class RequestCacheControlTest {
  private final HttpFixture f = new HttpFixture();
  private final AtomicInteger version = new AtomicInteger();

  RequestCacheControlTest() {
    f.answer = r -> HttpResponse.builder().body("v" + version.incrementAndGet()).build();
  }

  private static String xcs(HttpResponse r) {
    return r.headers().first("X-Cache-Status");
  }

  @Test
  void ignoredByDefaultSoNoClientCanSendEveryRequestToTheOrigin() {
    CachedUpstream<HttpRequest, HttpResponse> cached = f.cached();
    call(cached, get("/a"));

    for (String[] h :
        new String[][] {
          {"Cache-Control", "no-cache"}, {"Cache-Control", "max-age=0"}, {"Pragma", "no-cache"}
        }) {
      HttpResponse r = call(cached, get("/a", h));
      assertThat(xcs(r)).as(h[1]).isEqualTo("HIT");
      assertThat(r.body().text()).isEqualTo("v1");
    }
    assertThat(f.upstream.calls()).isEqualTo(1);
  }

  @Test
  void noStoreIsHonouredEvenByDefault() {
    CachedUpstream<HttpRequest, HttpResponse> cached = f.cached();

    call(cached, get("/a", "Cache-Control", "no-store"));
    HttpResponse next = call(cached, get("/a"));

    assertThat(xcs(next)).isEqualTo("MISS");
  }

  @Test
  void whenRespectedNoCacheGoesUpstreamAndRefreshesTheEntry() {
    CachedUpstream<HttpRequest, HttpResponse> cached =
        f.cached(f.builder().respectRequestCacheControl(true).build());
    call(cached, get("/a"));

    HttpResponse reload = call(cached, get("/a", "Cache-Control", "no-cache"));
    HttpResponse after = call(cached, get("/a"));

    assertThat(xcs(reload)).isEqualTo("MISS");
    assertThat(reload.body().text()).isEqualTo("v2");
    assertThat(xcs(after)).isEqualTo("HIT");
    assertThat(after.body().text()).isEqualTo("v2");
  }

  @Test
  void whenRespectedMaxAgeZeroAndPragmaGoUpstream() {
    CachedUpstream<HttpRequest, HttpResponse> cached =
        f.cached(f.builder().respectRequestCacheControl(true).build());
    call(cached, get("/a"));

    assertThat(call(cached, get("/a", "Cache-Control", "max-age=0")).body().text()).isEqualTo("v2");
    assertThat(call(cached, get("/a", "Pragma", "no-cache")).body().text()).isEqualTo("v3");
    // Cache-Control wins over Pragma (RFC 9111 5.4)
    assertThat(
            call(cached, get("/a", "Cache-Control", "max-age=60", "Pragma", "no-cache"))
                .body()
                .text())
        .isEqualTo("v3");
  }

  @Test
  void whenRespectedMaxAgeServesOnlyEntriesYoungEnough() {
    CachedUpstream<HttpRequest, HttpResponse> cached =
        f.cached(f.builder().respectRequestCacheControl(true).build());
    call(cached, get("/a"));
    f.advance(30);

    HttpResponse young = call(cached, get("/a", "Cache-Control", "max-age=40"));
    HttpResponse old = call(cached, get("/a", "Cache-Control", "max-age=20"));
    HttpResponse after = call(cached, get("/a"));

    assertThat(xcs(young)).isEqualTo("HIT");
    assertThat(young.body().text()).isEqualTo("v1");
    assertThat(xcs(old)).isEqualTo("MISS");
    assertThat(old.body().text()).isEqualTo("v2");
    assertThat(after.body().text()).isEqualTo("v2");
    assertThat(after.headers().first("Age")).isEqualTo("0");
  }
}
