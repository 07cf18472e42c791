package dev.hitbox.http;

import static java.util.Objects.requireNonNull;

import dev.hitbox.core.CacheEndpoint;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CacheResult;
import dev.hitbox.core.CacheStatus;
import dev.hitbox.core.CachedUpstream;
import dev.hitbox.core.Upstream;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

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

  /** A request ready for the engine, and the client's validators taken out of it. */
  private record Prepared(
      HttpRequest request, @Nullable String ifNoneMatch, @Nullable String ifModifiedSince) {}

  @Override
  public CompletableFuture<CacheResult<HttpResponse>> exchange(HttpRequest request) {
    requireNonNull(request, "request");
    return prepare(request)
        .thenCompose(
            p ->
                engine
                    .exchange(p.request())
                    .thenCompose(result -> checkShared(p.request(), result))
                    .thenApply(
                        result ->
                            CacheResult.of(
                                cache.respond(p.ifNoneMatch(), p.ifModifiedSince(), result),
                                result.status(),
                                result.ageMillis())));
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
    String inm = null;
    String ims = null;
    if (HttpCache.isGetOrHead(r)) {
      inm = r.headers().joined("If-None-Match");
      ims = r.headers().first("If-Modified-Since");
      if (inm != null || ims != null) {
        // The cache answers the client's validators itself; upstream it asks for the full
        // response, which it can store.
        r = r.withHeaders(r.headers().without("If-None-Match").without("If-Modified-Since"));
      }
    }
    String ifNoneMatch = inm;
    String ifModifiedSince = ims;
    if (cache.needsBody() && !r.body().isBuffered()) {
      HttpRequest unread = r;
      return r.body()
          .readUpTo(cache.requestBodyLimit())
          .thenApply(
              read -> new Prepared(unread.withBody(read.body()), ifNoneMatch, ifModifiedSince));
    }
    return CompletableFuture.completedFuture(new Prepared(r, ifNoneMatch, ifModifiedSince));
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
