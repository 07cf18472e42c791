package dev.hitbox.http;

import static java.util.Objects.requireNonNull;

import dev.hitbox.core.CacheEndpoint;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CacheResult;
import dev.hitbox.core.CacheStatus;
import dev.hitbox.core.CachedUpstream;
import dev.hitbox.core.Upstream;
import java.util.concurrent.CompletableFuture;

/**
 * What {@link HttpCache#wrap} returns: reads the request body up to the limit, takes the client's
 * validators aside, runs the engine, and makes the client's response.
 */
final class HttpCachedUpstream implements CachedUpstream<HttpRequest, HttpResponse> {
  private final HttpCache cache;
  private final CachedUpstream<HttpRequest, HttpResponse> engine;
  private final Upstream<HttpRequest, HttpResponse> origin;

  HttpCachedUpstream(
      HttpCache cache,
      CachedUpstream<HttpRequest, HttpResponse> engine,
      Upstream<HttpRequest, HttpResponse> origin) {
    this.cache = cache;
    this.engine = engine;
    this.origin = origin;
  }

  /** A request ready for the engine, and what the cache answers itself taken out of it. */
  private record Prepared(HttpRequest request, HttpCache.Ask ask) {}

  @Override
  public CompletableFuture<CacheResult<HttpResponse>> exchange(HttpRequest request) {
    requireNonNull(request, "request");
    return prepare(request)
        .thenCompose(
            p ->
                engine
                    .exchange(p.request())
                    .thenCompose(result -> checkShared(p.request(), result))
                    .thenCompose(result -> checkMaxAge(p.request(), result))
                    .thenApply(
                        result ->
                            CacheResult.of(
                                cache.respond(p.ask(), result),
                                result.status(),
                                result.ageMillis())));
  }

  /**
   * With {@code respectRequestCacheControl}, an answer from the cache older than the request's
   * {@code max-age} is not used: the request goes to the engine again, not to be answered from the
   * cache, so that the fresh response replaces the entry.
   */
  private CompletableFuture<CacheResult<HttpResponse>> checkMaxAge(
      HttpRequest request, CacheResult<HttpResponse> result) {
    if (!cache.respectRequestCacheControl()
        || request.has(HttpRequest.NO_REUSE)
        || (result.status() != CacheStatus.HIT && result.status() != CacheStatus.STALE)) {
      return CompletableFuture.completedFuture(result);
    }
    long maxAge = HttpSemantics.requestMaxAge(request);
    long age = HttpSemantics.ageSeconds(result.value()) + result.ageMillis() / 1000;
    if (maxAge < 0 || age <= maxAge) {
      return CompletableFuture.completedFuture(result);
    }
    return engine.exchange(request.with(request.method(), request.marks() | HttpRequest.NO_REUSE));
  }

  /**
   * A response shared by another caller of the same key (dogpile prevention) that varies on a
   * header this request has another value of must not answer it: go upstream alone.
   */
  private CompletableFuture<CacheResult<HttpResponse>> checkShared(
      HttpRequest request, CacheResult<HttpResponse> result) {
    if (result.status() != CacheStatus.MISS || sameVariant(request, result.value())) {
      return CompletableFuture.completedFuture(result);
    }
    return origin
        .call(request)
        .toCompletableFuture()
        .thenApply(r -> CacheResult.of(r, CacheStatus.MISS, 0));
  }

  private static boolean sameVariant(HttpRequest request, HttpResponse response) {
    if (response.variant() == null) {
      return true; // not a Vary response, or one that was never stored nor shared
    }
    return HttpSemantics.varyMatches(request, response);
  }

  private CompletableFuture<Prepared> prepare(HttpRequest request) {
    HttpRequest r = request;
    HttpCache.Ask ask = HttpCache.Ask.of(request);
    if (HttpCache.isGetOrHead(r)) {
      HttpHeaders h = r.headers();
      if (h.contains("If-None-Match")
          || h.contains("If-Modified-Since")
          || h.contains("Range")
          || h.contains("If-Range")) {
        // The cache answers the client's validators and ranges itself; upstream it asks for the
        // full response, which it can store.
        r =
            r.withHeaders(
                h.without("If-None-Match")
                    .without("If-Modified-Since")
                    .without("Range")
                    .without("If-Range"));
      }
      int marks = r.marks();
      if (cache.respectRequestCacheControl() && HttpSemantics.requestNoCache(r)) {
        marks |= HttpRequest.NO_REUSE;
      }
      if (cache.convertHead() && r.method().equals("HEAD")) {
        r = r.with("GET", marks | HttpRequest.HEAD_AS_GET);
      } else if (marks != r.marks()) {
        r = r.with(r.method(), marks);
      }
    }
    if (cache.needsBody() && !r.body().isBuffered()) {
      HttpRequest unread = r;
      return r.body()
          .readUpTo(cache.requestBodyLimit())
          .thenApply(read -> new Prepared(unread.withBody(read.body()), ask));
    }
    return CompletableFuture.completedFuture(new Prepared(r, ask));
  }

  @Override
  public CacheEndpoint<HttpRequest, HttpResponse> endpoint() {
    return engine.endpoint();
  }

  @Override
  public CompletableFuture<CacheKey> keyOf(HttpRequest request) {
    requireNonNull(request, "request");
    return prepare(request).thenCompose(p -> engine.keyOf(p.request()));
  }

  @Override
  public CompletableFuture<Boolean> invalidateKey(CacheKey key) {
    return engine.invalidateKey(key);
  }

  @Override
  public CompletableFuture<Long> invalidatePattern(String pattern) {
    return engine.invalidatePattern(pattern);
  }

  @Override
  public CompletableFuture<Long> invalidateTag(String tag) {
    return engine.invalidateTag(tag);
  }

  @Override
  public String toString() {
    return "HttpCachedUpstream{" + engine + '}';
  }
}
