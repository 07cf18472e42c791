package dev.hitbox.okhttp;

import dev.hitbox.core.Upstream;
import dev.hitbox.http.HttpRequest;
import dev.hitbox.http.HttpResponse;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import okhttp3.Interceptor;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * One OkHttp call going through the cache: the origin the cache calls on a miss, and the thread
 * that waits for the cache's answer.
 *
 * <p>OkHttp wants {@link Interceptor.Chain#proceed} called on the interceptor's own thread, while
 * the call is in progress. The engine may call the origin from another thread (the one completing a
 * backend read), so the origin only queues the request, and the interceptor's thread, while it
 * waits for the answer, runs what was queued. Once the answer is there the chain is closed: a later
 * origin call (a background refresh of a stale entry) goes through a clone of the call instead.
 */
final class CallOrigin implements Upstream<HttpRequest, HttpResponse> {
  /** How often a waiting interceptor looks whether its call was cancelled. */
  private static final long CANCEL_CHECK_MILLIS = 100;

  private final HitboxInterceptor interceptor;
  private final Interceptor.Chain chain;
  private final Request original;
  private final HttpRequest request;

  /** Guarded by {@code this}. */
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();

  /** Guarded by {@code this}. */
  private boolean open = true;

  /** The responses {@code proceed} gave; touched by the interceptor's thread only. */
  private final List<Response> responses = new ArrayList<>();

  private record Pending(Request request, CompletableFuture<HttpResponse> result) {}

  CallOrigin(HitboxInterceptor interceptor, Interceptor.Chain chain) {
    this.interceptor = interceptor;
    this.chain = chain;
    this.original = chain.request();
    this.request = OkMessages.request(original);
  }

  /** The call's request in the neutral model, its body not read yet. */
  HttpRequest request() {
    return request;
  }

  @Override
  public CompletionStage<HttpResponse> call(HttpRequest r) {
    Request out;
    try {
      // Method, URL, body and tags stay the caller's: the cache only changes header fields.
      out = original.newBuilder().headers(OkMessages.headers(r.headers())).build();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<HttpResponse> result = new CompletableFuture<>();
    synchronized (this) {
      if (open) {
        queue.add(new Pending(out, result));
        notifyAll();
        return result;
      }
    }
    return interceptor.refresh(chain, out);
  }

  /**
   * Runs the queued origin calls on this thread until {@code answer} completes, then closes the
   * chain.
   *
   * @throws IOException the upstream's failure, or if the call is cancelled or the thread
   *     interrupted while waiting
   */
  HttpResponse await(CompletableFuture<HttpResponse> answer) throws IOException {
    answer.whenComplete(
        (r, e) -> {
          synchronized (this) {
            notifyAll();
          }
        });
    try {
      while (true) {
        Pending next;
        synchronized (this) {
          while (queue.isEmpty() && !answer.isDone()) {
            if (chain.call().isCanceled()) {
              throw new IOException("Canceled");
            }
            wait(CANCEL_CHECK_MILLIS);
          }
          if (answer.isDone()) {
            break;
          }
          next = queue.poll();
        }
        proceed(next);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the cache");
    } finally {
      close();
    }
    try {
      return answer.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the cache");
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    }
  }

  /** Stops taking origin calls; those still queued go through clones of the call. */
  private void close() {
    List<Pending> late;
    synchronized (this) {
      open = false;
      late = new ArrayList<>(queue);
      queue.clear();
    }
    for (Pending p : late) {
      interceptor
          .refresh(chain, p.request())
          .whenComplete(
              (r, e) -> {
                if (e != null) {
                  p.result().completeExceptionally(e);
                } else {
                  p.result().complete(r);
                }
              });
    }
  }

  private void proceed(Pending p) {
    try {
      Response res = chain.proceed(p.request());
      responses.add(res);
      p.result().complete(OkMessages.response(res, p.request().method()));
    } catch (IOException | RuntimeException e) {
      p.result().completeExceptionally(e);
    }
  }

  /**
   * The OkHttp response for the caller: the cache's status, header fields and body on the response
   * {@code proceed} gave (its protocol, handshake, timings), or on a new one for an answer from the
   * cache. Closes the responses that are not answered with.
   */
  Response respond(HttpResponse res) {
    @Nullable Response base = responses.isEmpty() ? null : responses.get(responses.size() - 1);
    for (int i = 0; i < responses.size(); i++) {
      boolean streaming = !res.body().isBuffered() && i == responses.size() - 1;
      if (!streaming) {
        responses.get(i).close();
      }
    }
    Response.Builder b;
    String message;
    if (base != null) {
      b = base.newBuilder();
      message = base.code() == res.status() ? base.message() : OkMessages.reason(res.status());
    } else {
      long now = System.currentTimeMillis();
      b =
          new Response.Builder()
              .request(original)
              .protocol(Protocol.HTTP_1_1)
              .sentRequestAtMillis(now)
              .receivedResponseAtMillis(now);
      message = OkMessages.reason(res.status());
    }
    return b.code(res.status())
        .message(message)
        .headers(OkMessages.headers(res.headers()))
        .body(OkMessages.body(res.body(), res.headers().first("Content-Type")))
        .build();
  }

  private static IOException rethrow(Throwable t) {
    Throwable cause = t;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof IOException io) {
      return io;
    }
    if (cause instanceof RuntimeException re) {
      throw re;
    }
    if (cause instanceof Error err) {
      throw err;
    }
    return new IOException(cause);
  }
}
