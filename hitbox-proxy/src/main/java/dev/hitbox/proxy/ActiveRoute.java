package dev.hitbox.proxy;

import dev.hitbox.core.CacheEndpoint;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.CacheResult;
import dev.hitbox.core.CacheStatus;
import dev.hitbox.core.CachedUpstream;
import dev.hitbox.core.StalePolicy;
import dev.hitbox.http.HttpBody;
import dev.hitbox.http.HttpCache.HeadMiss;
import dev.hitbox.http.HttpRequest;
import dev.hitbox.http.HttpResponse;
import dev.hitbox.proxy.ProxyMetrics.Result;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ProxyRoute} put in front of the proxy's upstream client: the cache it answers from, and
 * for stale-if-error a second view of the same entries that never goes upstream.
 */
final class ActiveRoute {
  /** Upstream answers that count as errors for stale-if-error (RFC 5861). */
  private static final Set<Integer> SERVER_ERRORS = Set.of(500, 502, 503, 504);

  private static final IllegalStateException NO_UPSTREAM =
      new IllegalStateException("stale-if-error lookup: no upstream call");

  final ProxyRoute route;
  private final CachedUpstream<HttpRequest, HttpResponse> cached;
  private final @Nullable CachedUpstream<HttpRequest, HttpResponse> fallback;
  private final ProxyMetrics metrics;

  ActiveRoute(ProxyRoute route, UpstreamClient client, ProxyMetrics metrics) {
    this.route = route;
    this.metrics = metrics;
    String name = route.name();
    // The proxy sends the request it is given: a HEAD that misses fetches the GET and stores it.
    this.cached = route.cache().wrap(request -> client.call(request, name), HeadMiss.FETCH_GET);
    this.fallback = route.staleIfError() ? fallbackOf(route.cache().endpoint()) : null;
  }

  /**
   * The same entries seen through an endpoint that serves anything still in its stale window and
   * never reaches the upstream (a miss fails): where stale-if-error looks when the upstream fails.
   * Its policy has no {@code staleIfError} of its own, so it also serves what the route's policy
   * keeps only for errors ({@code stale_if_error}).
   */
  private static CachedUpstream<HttpRequest, HttpResponse> fallbackOf(
      CacheEndpoint<HttpRequest, HttpResponse> ep) {
    CachePolicy p = ep.policy();
    CachePolicy returning =
        p.enabled()
            ? CachePolicy.builder()
                .ttl(p.ttl())
                .stale(p.stale())
                .stalePolicy(StalePolicy.RETURN)
                .build()
            : CachePolicy.disabled();
    return CacheEndpoint.<HttpRequest, HttpResponse>builder(ep.name())
        .backend(ep.backend())
        .codec(ep.codec())
        .compressor(ep.compressor())
        .compressionThreshold(ep.compressionThreshold())
        .requestPredicate(ep.requestPredicate())
        .extractor(ep.extractor())
        .reuseIf(ep.reuseIf())
        .keyVersion(ep.keyVersion())
        .ticker(ep.ticker())
        .backendTimeout(ep.backendTimeout())
        .policy(returning)
        .build()
        .wrap(request -> CompletableFuture.failedFuture(NO_UPSTREAM));
  }

  String name() {
    return route.name();
  }

  CachedUpstream<HttpRequest, HttpResponse> cached() {
    return cached;
  }

  /** Answers {@code request} through the cache, counting the result. */
  CompletableFuture<HttpResponse> handle(HttpRequest request, long startNanos) {
    CompletableFuture<CacheResult<HttpResponse>> f;
    try {
      f = cached.exchange(request);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    return f.handle(
            (result, error) -> {
              if (error == null) {
                HttpResponse res = result.value();
                if (fallback != null && SERVER_ERRORS.contains(res.status())) {
                  return staleOr(request, startNanos, res, result.status(), null);
                }
                count(Result.of(result.status()), startNanos);
                return CompletableFuture.completedFuture(res);
              }
              Throwable cause = unwrap(error);
              if (fallback != null) {
                return staleOr(request, startNanos, null, null, cause);
              }
              count(Result.ERROR, startNanos);
              return CompletableFuture.<HttpResponse>failedFuture(cause);
            })
        .thenCompose(x -> x);
  }

  /** A stale entry if there is one; otherwise the upstream's own answer or failure. */
  private CompletableFuture<HttpResponse> staleOr(
      HttpRequest request,
      long startNanos,
      @Nullable HttpResponse response,
      @Nullable CacheStatus status,
      @Nullable Throwable error) {
    CachedUpstream<HttpRequest, HttpResponse> fb = fallback;
    CompletableFuture<CacheResult<HttpResponse>> lookup;
    try {
      lookup = fb == null ? CompletableFuture.failedFuture(NO_UPSTREAM) : fb.exchange(request);
    } catch (RuntimeException e) {
      lookup = CompletableFuture.failedFuture(e);
    }
    return lookup.handle(
        (stale, e) -> {
          if (e == null
              && (stale.status() == CacheStatus.HIT || stale.status() == CacheStatus.STALE)) {
            if (response != null) {
              discard(response.body());
            }
            count(Result.STALE, startNanos);
            return route
                .cache()
                .respond(request, CacheResult.staleIfError(stale.value(), stale.ageMillis()));
          }
          if (response != null && status != null) {
            count(Result.of(status), startNanos);
            return response;
          }
          count(Result.ERROR, startNanos);
          throw error instanceof RuntimeException re ? re : new CompletionException(error);
        });
  }

  private void count(Result result, long startNanos) {
    metrics.request(route.name(), result, System.nanoTime() - startNanos);
  }

  static Throwable unwrap(Throwable t) {
    Throwable e = t;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /** Reads nothing more of a streamed body that will not be sent (its connection is closed). */
  static void discard(HttpBody body) {
    if (body.isBuffered()) {
      return;
    }
    try {
      body.publisher()
          .subscribe(
              new Flow.Subscriber<ByteBuffer>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                  s.cancel();
                }

                @Override
                public void onNext(ByteBuffer item) {}

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onComplete() {}
              });
    } catch (IllegalStateException consumedAlready) {
      // someone else reads it
    }
  }

  @Override
  public String toString() {
    return "ActiveRoute{" + route + '}';
  }
}
