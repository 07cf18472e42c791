package dev.hitbox.http;

import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.CacheResult;
import dev.hitbox.core.CachedUpstream;
import dev.hitbox.core.StalePolicy;
import dev.hitbox.testkit.CountingUpstream;
import dev.hitbox.testkit.FakeBackend;
import dev.hitbox.testkit.FakeTicker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A fake clock, an in-memory backend and an upstream that records what it receives. */
final class HttpFixture {
  final FakeTicker ticker = new FakeTicker();
  final FakeBackend backend = new FakeBackend(ticker);
  final List<HttpRequest> received = new CopyOnWriteArrayList<>();
  volatile Function<HttpRequest, HttpResponse> answer =
      r ->
          HttpResponse.builder()
              .header("Content-Type", "text/plain")
              .body("body of " + r.uri())
              .build();
  final CountingUpstream<HttpRequest, HttpResponse> upstream =
      CountingUpstream.answering(
          r -> {
            received.add(r);
            return answer.apply(r);
          });

  HttpCache.Builder builder() {
    return HttpCache.builder("test").backend(backend).ticker(ticker).policy(policy(60, 0));
  }

  CachedUpstream<HttpRequest, HttpResponse> cached(HttpCache cache) {
    return cache.wrap(upstream);
  }

  CachedUpstream<HttpRequest, HttpResponse> cached() {
    return cached(builder().build());
  }

  static CachePolicy policy(int ttlSeconds, int staleSeconds) {
    return CachePolicy.builder()
        .ttl(Duration.ofSeconds(ttlSeconds))
        .stale(Duration.ofSeconds(staleSeconds))
        .build();
  }

  static CachePolicy policy(int ttlSeconds, int staleSeconds, StalePolicy stalePolicy) {
    return CachePolicy.builder()
        .ttl(Duration.ofSeconds(ttlSeconds))
        .stale(Duration.ofSeconds(staleSeconds))
        .stalePolicy(stalePolicy)
        .build();
  }

  static HttpRequest get(String uri, String... headers) {
    return HttpRequest.builder().uri(uri).headers(HttpHeaders.of(headers)).build();
  }

  static CacheResult<HttpResponse> exchange(
      CachedUpstream<HttpRequest, HttpResponse> cached, HttpRequest request) {
    return cached.exchange(request).join();
  }

  static HttpResponse call(CachedUpstream<HttpRequest, HttpResponse> cached, HttpRequest request) {
    return cached.call(request).join();
  }

  void advance(int seconds) {
    ticker.advance(Duration.ofSeconds(seconds));
  }
}
