package dev.hitbox.http;

import static dev.hitbox.http.HttpFixture.call;
import static dev.hitbox.http.HttpFixture.get;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.caffeine.CaffeineBackend;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.CachedUpstream;
import dev.hitbox.testkit.CountingUpstream;
import dev.hitbox.testkit.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Nothing that belongs to one user is ever served to another: each scenario runs two users through
 * a real endpoint (Caffeine backend) and checks every answer is the user's own.
 */
class HttpCacheSecurityTest {
  private final FakeTicker ticker = new FakeTicker();
  private final CaffeineBackend backend = CaffeineBackend.builder().ticker(ticker).build();

  /** The user a request comes from: its Authorization, Cookie or X-User header. */
  private static String user(HttpRequest r) {
    for (String h : List.of("Authorization", "Cookie", "X-User")) {
      String v = r.headers().first(h);
      if (v != null) {
        return v;
      }
    }
    return "anonymous";
  }

  private CountingUpstream<HttpRequest, HttpResponse> upstream(String... extraHeaders) {
    return CountingUpstream.answering(
        r ->
            HttpResponse.builder()
                .headers(HttpHeaders.of(extraHeaders))
                .body("private data of " + user(r))
                .build());
  }

  private HttpCache.Builder cache() {
    return HttpCache.builder("secure")
        .backend(backend)
        .ticker(ticker)
        .policy(CachePolicy.builder().ttl(Duration.ofSeconds(60)).build());
  }

  /** Alternates two users on one URI and checks each answer, returning the statuses seen. */
  private static List<String> alternate(
      CachedUpstream<HttpRequest, HttpResponse> cached, Function<String, HttpRequest> requestOf) {
    List<String> statuses = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      for (String u : List.of("alice", "bob")) {
        HttpRequest r = requestOf.apply(u);
        HttpResponse res = call(cached, r);
        assertThat(res.body().text()).isEqualTo("private data of " + user(r));
        statuses.add(res.headers().first("X-Cache-Status"));
      }
    }
    return statuses;
  }

  @Test
  void responsesWithSetCookieAreNeverStored() {
    CountingUpstream<HttpRequest, HttpResponse> up = upstream("Set-Cookie", "session=s1");
    CachedUpstream<HttpRequest, HttpResponse> cached = cache().build().wrap(up);

    List<String> statuses = alternate(cached, u -> get("/me", "X-User", u));

    assertThat(statuses).containsOnly("MISS");
    assertThat(up.calls()).isEqualTo(6);
    assertThat(backend.estimatedSize()).isZero();
  }

  @Test
  void privateResponsesAreNeverStored() {
    for (String cc :
        List.of("private", "max-age=60, PRIVATE", "private=\"Set-Cookie\", max-age=9")) {
      CountingUpstream<HttpRequest, HttpResponse> up = upstream("Cache-Control", cc);
      CachedUpstream<HttpRequest, HttpResponse> cached =
          cache().respectOriginCacheControl(true).build().wrap(up);

      assertThat(alternate(cached, u -> get("/me", "X-User", u))).as(cc).containsOnly("MISS");
      assertThat(up.calls()).isEqualTo(6);
    }
    assertThat(backend.estimatedSize()).isZero();
  }

  @Test
  void noStoreResponsesAreNeverStored() {
    CountingUpstream<HttpRequest, HttpResponse> up = upstream("Cache-Control", "no-store");
    CachedUpstream<HttpRequest, HttpResponse> cached = cache().build().wrap(up);

    assertThat(alternate(cached, u -> get("/me", "X-User", u))).containsOnly("MISS");
    assertThat(backend.estimatedSize()).isZero();
  }

  @Test
  void requestsWithAuthorizationNeitherReadNorWriteTheCache() {
    CountingUpstream<HttpRequest, HttpResponse> up = upstream();
    CachedUpstream<HttpRequest, HttpResponse> cached = cache().build().wrap(up);

    // an anonymous response is stored first...
    assertThat(call(cached, get("/me")).body().text()).isEqualTo("private data of anonymous");
    assertThat(call(cached, get("/me")).headers().first("X-Cache-Status")).isEqualTo("HIT");

    // ...and never answers an authorized request, whose own answers are never stored
    List<String> statuses = alternate(cached, u -> get("/me", "Authorization", "Bearer " + u));
    assertThat(statuses).containsOnly("MISS");
    HttpResponse authorized = call(cached, get("/me", "Authorization", "Bearer alice"));
    assertThat(authorized.headers().first("Cache-Status")).startsWith("hitbox; fwd=bypass");
    assertThat(call(cached, get("/me")).body().text()).isEqualTo("private data of anonymous");
    assertThat(backend.estimatedSize()).isEqualTo(1);
  }

  @Test
  void requestsWithNoStoreNeitherReadNorWriteTheCache() {
    CountingUpstream<HttpRequest, HttpResponse> up = upstream();
    CachedUpstream<HttpRequest, HttpResponse> cached = cache().build().wrap(up);
    call(cached, get("/me", "X-User", "alice"));

    HttpResponse bob = call(cached, get("/me", "X-User", "bob", "Cache-Control", "no-store"));

    assertThat(bob.body().text()).isEqualTo("private data of bob");
    assertThat(call(cached, get("/me", "X-User", "carol")).body().text())
        .isEqualTo("private data of alice"); // bob's answer was not stored either
  }

  @Test
  void varyOnCookieKeepsUsersApart() {
    CountingUpstream<HttpRequest, HttpResponse> up = upstream("Vary", "Cookie");
    CachedUpstream<HttpRequest, HttpResponse> cached = cache().build().wrap(up);

    List<String> statuses = alternate(cached, u -> get("/me", "Cookie", "user=" + u));

    assertThat(statuses.subList(4, 6)).containsOnly("HIT");
  }

  @Test
  void aSharedAnswerIsNotHandedToAWaiterWithAnotherVariant() {
    CountingUpstream<HttpRequest, HttpResponse> up = upstream("Vary", "Cookie").hold();
    CachedUpstream<HttpRequest, HttpResponse> cached =
        cache()
            .policy(CachePolicy.builder().ttl(Duration.ofSeconds(60)).concurrency(1).build())
            .build()
            .wrap(up);

    CompletableFuture<HttpResponse> alice = cached.call(get("/me", "Cookie", "user=alice"));
    CompletableFuture<HttpResponse> bob = cached.call(get("/me", "Cookie", "user=bob"));
    assertThat(up.pending()).isEqualTo(1); // bob waits for alice's call
    up.release();

    assertThat(alice.join().body().text()).isEqualTo("private data of user=alice");
    assertThat(bob.join().body().text()).isEqualTo("private data of user=bob");
  }

  @Test
  void optInsStoreWhatTheEndpointAllows() {
    CountingUpstream<HttpRequest, HttpResponse> cookie = upstream("Set-Cookie", "theme=dark");
    CachedUpstream<HttpRequest, HttpResponse> cookies =
        cache().cacheSetCookie(true).build().wrap(cookie);
    call(cookies, get("/theme"));
    HttpResponse replayed = call(cookies, get("/theme"));
    assertThat(replayed.headers().first("X-Cache-Status")).isEqualTo("HIT");
    assertThat(replayed.headers().first("Set-Cookie")).isEqualTo("theme=dark");

    CountingUpstream<HttpRequest, HttpResponse> priv = upstream("Cache-Control", "private");
    CachedUpstream<HttpRequest, HttpResponse> privates =
        cache().cachePrivate(true).build().wrap(priv);
    call(privates, get("/p"));
    assertThat(call(privates, get("/p")).headers().first("X-Cache-Status")).isEqualTo("HIT");

    CountingUpstream<HttpRequest, HttpResponse> none = upstream("Cache-Control", "no-store");
    CachedUpstream<HttpRequest, HttpResponse> noStore =
        cache().cacheNoStore(true).build().wrap(none);
    call(noStore, get("/n"));
    assertThat(call(noStore, get("/n")).headers().first("X-Cache-Status")).isEqualTo("HIT");
  }

  @Test
  void authorizedRequestsCachedPerUserWhenTheKeyTellsThemApart() {
    CountingUpstream<HttpRequest, HttpResponse> up = upstream();
    CachedUpstream<HttpRequest, HttpResponse> cached =
        cache()
            .cacheAuthorized(true)
            .extractor(
                HttpExtractor.builder()
                    .uri()
                    .header("Authorization", "Bearer (.+)", Transform.HASH)
                    .build())
            .build()
            .wrap(up);

    List<String> statuses = alternate(cached, u -> get("/me", "Authorization", "Bearer " + u));

    assertThat(statuses).containsExactly("MISS", "MISS", "HIT", "HIT", "HIT", "HIT");
    assertThat(backend.estimatedSize()).isEqualTo(2);
  }
}
