package dev.hitbox.jdkhttpclient;

import dev.hitbox.core.Upstream;
import dev.hitbox.http.HttpBody;
import dev.hitbox.http.HttpHeaders;
import dev.hitbox.http.HttpRequest;
import dev.hitbox.http.HttpResponse;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse.BodySubscriber;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * One caller's request: the origin the cache calls on a miss, and the delivery of the answer to the
 * caller's {@code BodyHandler}.
 *
 * <p>Each call has its own origin because the JDK request carries settings the neutral model has no
 * place for (timeout, version, expect-continue): the origin copies them from the caller's request.
 * The engine's shared state (in-flight keys, background refreshes) lives in the endpoint, so calls
 * still coalesce.
 *
 * <p>The origin asks the client for the body as a stream: the cache buffers it only when the
 * response could be stored and fits the limit; anything else streams through to the caller.
 */
final class ClientCall implements Upstream<HttpRequest, HttpResponse> {
  private final HttpClient client;
  private final long responseBodyLimit;
  private final java.net.http.HttpRequest original;
  private final HttpRequest request;

  private final Object lock = new Object();
  private final List<Flows.ResponseStream> streams = new ArrayList<>();
  private java.net.http.@Nullable HttpResponse<?> last;
  private boolean delivered;

  ClientCall(HttpClient client, long responseBodyLimit, java.net.http.HttpRequest original) {
    this.client = client;
    this.responseBodyLimit = responseBodyLimit;
    this.original = original;
    this.request = JdkMessages.request(original);
  }

  /** The caller's request in the neutral model, its body not read yet. */
  HttpRequest request() {
    return request;
  }

  @Override
  public CompletionStage<HttpResponse> call(HttpRequest r) {
    java.net.http.HttpRequest out;
    try {
      out = toClient(r);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return client
        .sendAsync(out, BodyHandlers.ofPublisher())
        .thenCompose(res -> receive(r.method(), res));
  }

  /**
   * The caller's request with the cache's changes: its header fields (validators taken out or put
   * in), and the body the cache read if it read one. Everything else, the body publisher included
   * when the cache did not touch it, is the caller's.
   */
  private java.net.http.HttpRequest toClient(HttpRequest r) {
    java.net.http.HttpRequest.Builder b =
        java.net.http.HttpRequest.newBuilder(original, (name, value) -> false);
    HttpHeaders h = r.headers();
    for (int i = 0; i < h.size(); i++) {
      b.header(h.name(i), h.value(i));
    }
    if (r.body() != request.body()) {
      b.method(r.method(), JdkMessages.publisher(r.body()));
    }
    return b.build();
  }

  private CompletionStage<HttpResponse> receive(
      String method, java.net.http.HttpResponse<Flow.Publisher<List<java.nio.ByteBuffer>>> res) {
    Flows.ResponseStream stream = new Flows.ResponseStream(res.body());
    HttpResponse neutral;
    try {
      neutral = JdkMessages.response(res, method, stream);
    } catch (RuntimeException e) {
      stream.discard();
      return CompletableFuture.failedFuture(e);
    }
    synchronized (lock) {
      if (!delivered) {
        streams.add(stream);
        last = res;
        return CompletableFuture.completedFuture(neutral);
      }
    }
    // A background refresh after the caller has its answer: nobody will read a stream the cache
    // does not store, so read it here, and give up on one over the limit.
    return neutral
        .body()
        .readUpTo(responseBodyLimit)
        .thenApply(
            read -> {
              if (read.complete()) {
                return neutral.withBody(read.body());
              }
              cancel(read.body());
              throw new CompletionException(
                  new IOException(
                      "background refresh of "
                          + original.uri()
                          + ": response body over "
                          + responseBodyLimit
                          + " bytes, not stored"));
            });
  }

  /**
   * Hands the cache's answer to the caller's handler, with the status, header fields and body bytes
   * of {@code res}.
   */
  <T> CompletableFuture<java.net.http.HttpResponse<T>> deliver(
      HttpResponse res, BodyHandler<T> handler) {
    List<Flows.ResponseStream> unused;
    java.net.http.HttpResponse<?> origin;
    synchronized (lock) {
      delivered = true;
      unused = new ArrayList<>(streams);
      streams.clear();
      origin = last;
    }
    HttpBody body = res.body();
    if (!body.isBuffered() && !unused.isEmpty()) {
      unused.remove(unused.size() - 1); // the stream being answered with
    }
    unused.forEach(Flows.ResponseStream::discard);

    java.net.http.HttpHeaders headers = JdkMessages.headers(res.headers());
    HttpClient.Version version =
        origin != null ? origin.version() : original.version().orElse(client.version());
    BodySubscriber<T> subscriber;
    try {
      subscriber = handler.apply(new CachedResponse.Info(res.status(), headers, version));
    } catch (RuntimeException e) {
      cancel(body);
      return CompletableFuture.failedFuture(e);
    }
    body.publisher().subscribe(Flows.toLists(subscriber));
    return subscriber
        .getBody()
        .thenApply(
            value ->
                (java.net.http.HttpResponse<T>)
                    new CachedResponse<>(
                        res.status(),
                        original,
                        Optional.empty(),
                        headers,
                        value,
                        origin != null ? origin.sslSession() : Optional.empty(),
                        origin != null ? origin.uri() : original.uri(),
                        version))
        .toCompletableFuture();
  }

  private static void cancel(HttpBody body) {
    if (body.isBuffered()) {
      return;
    }
    body.publisher()
        .subscribe(
            new Flow.Subscriber<>() {
              @Override
              public void onSubscribe(Flow.Subscription subscription) {
                subscription.cancel();
              }

              @Override
              public void onNext(java.nio.ByteBuffer item) {}

              @Override
              public void onError(Throwable throwable) {}

              @Override
              public void onComplete() {}
            });
  }
}
