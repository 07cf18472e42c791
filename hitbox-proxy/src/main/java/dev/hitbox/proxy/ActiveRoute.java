package dev.hitbox.proxy;

import dev.hitbox.core.CacheResult;
import dev.hitbox.core.CachedUpstream;
import dev.hitbox.http.HttpBody;
import dev.hitbox.http.HttpCache.HeadMiss;
import dev.hitbox.http.HttpRequest;
import dev.hitbox.http.HttpResponse;
import dev.hitbox.proxy.ProxyMetrics.Result;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;

/**
 * A {@link ProxyRoute} put in front of the proxy's upstream client. Stale-if-error is the cache's
 * own (the engine's, with {@link dev.hitbox.http.HttpCache}'s failure statuses): a stale answer
 * comes back from the cache like any other.
 */
final class ActiveRoute {
  final ProxyRoute route;
  private final CachedUpstream<HttpRequest, HttpResponse> cached;
  private final ProxyMetrics metrics;

  ActiveRoute(ProxyRoute route, UpstreamClient client, ProxyMetrics metrics) {
    this.route = route;
    this.metrics = metrics;
    String name = route.name();
    // The proxy sends the request it is given: a HEAD that misses fetches the GET and stores it.
    this.cached = route.cache().wrap(request -> client.call(request, name), HeadMiss.FETCH_GET);
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
            count(Result.of(result.status()), startNanos);
            return result.value();
          }
          count(Result.ERROR, startNanos);
          Throwable cause = unwrap(error);
          throw cause instanceof RuntimeException re ? re : new CompletionException(cause);
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
