package dev.hitbox.jdkhttpclient;

import static java.util.Objects.requireNonNull;

import dev.hitbox.http.HttpCache;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.PushPromiseHandler;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;

/**
 * A {@link HttpClient} that answers from an {@link HttpCache} and calls the client it wraps on a
 * miss: a drop-in for code that takes a {@code HttpClient}, such as the SDK of an external API.
 *
 * <pre>{@code
 * HttpCache cache = HttpCache.builder("github")
 *     .backend(CaffeineBackend.builder().maxCapacity(10_000).build())
 *     .policy(CachePolicy.builder().ttl(Duration.ofMinutes(5)).concurrency(1).build())
 *     .build();
 * HttpClient client = HitboxHttpClient.wrap(HttpClient.newHttpClient(), cache);
 *
 * HttpResponse<String> res = client.send(
 *     HttpRequest.newBuilder(URI.create("https://api.github.com/repos/openjdk/jdk")).build(),
 *     BodyHandlers.ofString());
 * res.headers().firstValue("X-Cache-Status");   // MISS, then HIT
 * }</pre>
 *
 * <h2>What goes through the cache</h2>
 *
 * Requests whose method is one of {@link Builder#methods} (default {@code GET} and {@code HEAD}) go
 * through the cache; any other request, and any request sent with a {@link PushPromiseHandler}, is
 * handed to the wrapped client unchanged and its response is the client's own. The cache's own
 * rules then apply: a request with {@code Authorization} or {@code Cache-Control: no-store}, or a
 * response with {@code Set-Cookie}, {@code Cache-Control: private} or {@code no-store}, is neither
 * stored nor served from the cache (see {@link HttpCache}).
 *
 * <h2>Requests and responses</h2>
 *
 * <ul>
 *   <li>The request's body publisher is read into memory (up to {@link
 *       HttpCache#requestBodyLimit()}) only when the cache's predicates or key extractors look at
 *       the body; then the bytes read are sent. Otherwise the request's own publisher is sent. A
 *       body over the limit makes the request not cacheable and still reaches the server unchanged.
 *   <li>The wrapped client is asked for the response body as a stream. It is buffered only when the
 *       response could be stored and is within {@link HttpCache#responseBodyLimit()}; otherwise it
 *       streams through to the caller's {@link BodyHandler}.
 *   <li>The caller's {@link BodyHandler} gets the status, header fields and body bytes of the
 *       stored or fresh response, plus {@code X-Cache-Status} ({@code HIT}, {@code STALE} or {@code
 *       MISS}), {@code Cache-Status} and {@code Age}. A response from the cache has no {@link
 *       HttpResponse#sslSession()} and no {@link HttpResponse#previousResponse()}.
 *   <li>A failure of the wrapped client ({@code ConnectException}, {@code HttpTimeoutException}...)
 *       reaches the caller unchanged, as it would without the cache.
 * </ul>
 *
 * <p>The settings ({@link #version()}, {@link #followRedirects()}, {@link #executor()}...) and
 * {@link #newWebSocketBuilder()} are the wrapped client's. Closing the wrapped client is its
 * owner's job. Thread-safe.
 */
public final class HitboxHttpClient extends HttpClient {
  private final HttpClient client;
  private final HttpCache cache;
  private final Set<String> methods;

  private HitboxHttpClient(Builder b) {
    this.client = b.client;
    this.cache = b.cache;
    this.methods = Set.copyOf(b.methods);
  }

  /**
   * A client that caches {@code GET} and {@code HEAD} requests in {@code cache} and sends through
   * {@code client}.
   */
  public static HitboxHttpClient wrap(HttpClient client, HttpCache cache) {
    return builder(client, cache).build();
  }

  /** Starts a client that caches in {@code cache} and sends through {@code client}. */
  public static Builder builder(HttpClient client, HttpCache cache) {
    return new Builder(client, cache);
  }

  /** The wrapped client. */
  public HttpClient client() {
    return client;
  }

  /** The cache. */
  public HttpCache cache() {
    return cache;
  }

  /** The methods whose requests go through the cache, in upper case. */
  public Set<String> methods() {
    return methods;
  }

  /**
   * Sends {@code request} and waits for the response, answering from the cache when it can. Like
   * {@link HttpClient#send}, this blocks the calling thread.
   *
   * @throws IOException if the wrapped client fails to send or receive
   * @throws InterruptedException if the calling thread is interrupted while waiting
   */
  @Override
  public <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> handler)
      throws IOException, InterruptedException {
    requireNonNull(request, "request");
    requireNonNull(handler, "handler");
    CompletableFuture<HttpResponse<T>> cached = cached(request, handler);
    if (cached == null) {
      return client.send(request, handler);
    }
    try {
      return cached.get();
    } catch (InterruptedException e) {
      cached.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    }
  }

  /**
   * Sends {@code request} asynchronously, answering from the cache when it can. The future
   * completes when the handler's body is available, as with {@link HttpClient#sendAsync}; it
   * belongs to the caller alone (cancelling it does not cancel other callers of the same key).
   */
  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request, BodyHandler<T> handler) {
    requireNonNull(request, "request");
    requireNonNull(handler, "handler");
    CompletableFuture<HttpResponse<T>> cached = cached(request, handler);
    return cached != null ? cached : client.sendAsync(request, handler);
  }

  /**
   * Sends {@code request} through the wrapped client, uncached when {@code pushPromiseHandler} is
   * not null (pushed responses are not cached); otherwise like {@link #sendAsync(HttpRequest,
   * BodyHandler)}.
   */
  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request,
      BodyHandler<T> handler,
      @Nullable PushPromiseHandler<T> pushPromiseHandler) {
    if (pushPromiseHandler != null) {
      return client.sendAsync(request, handler, pushPromiseHandler);
    }
    return sendAsync(request, handler);
  }

  /**
   * Removes the stored response that {@code request} would be answered with.
   *
   * @return whether one was removed
   */
  public CompletableFuture<Boolean> invalidate(HttpRequest request) {
    requireNonNull(request, "request");
    ClientCall call = new ClientCall(client, cache.responseBodyLimit(), request);
    return cache.wrap(call).invalidate(call.request());
  }

  /** The cached exchange, or {@code null} when {@code request} bypasses the cache. */
  private <T> @Nullable CompletableFuture<HttpResponse<T>> cached(
      HttpRequest request, BodyHandler<T> handler) {
    if (!methods.contains(request.method())) {
      return null;
    }
    ClientCall call;
    try {
      call = new ClientCall(client, cache.responseBodyLimit(), request);
    } catch (IllegalArgumentException e) {
      return null; // a request the neutral model cannot hold is not the cache's business
    }
    return cache.wrap(call).call(call.request()).thenCompose(res -> call.deliver(res, handler));
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

  @Override
  public Optional<CookieHandler> cookieHandler() {
    return client.cookieHandler();
  }

  @Override
  public Optional<Duration> connectTimeout() {
    return client.connectTimeout();
  }

  @Override
  public Redirect followRedirects() {
    return client.followRedirects();
  }

  @Override
  public Optional<ProxySelector> proxy() {
    return client.proxy();
  }

  @Override
  public SSLContext sslContext() {
    return client.sslContext();
  }

  @Override
  public SSLParameters sslParameters() {
    return client.sslParameters();
  }

  @Override
  public Optional<Authenticator> authenticator() {
    return client.authenticator();
  }

  @Override
  public Version version() {
    return client.version();
  }

  @Override
  public Optional<Executor> executor() {
    return client.executor();
  }

  /** The wrapped client's WebSocket builder: WebSocket traffic is not cached. */
  @Override
  public WebSocket.Builder newWebSocketBuilder() {
    return client.newWebSocketBuilder();
  }

  @Override
  public String toString() {
    return "HitboxHttpClient{"
        + cache
        + ", methods="
        + new TreeSet<>(methods)
        + ", "
        + client
        + '}';
  }

  /** Builds a {@link HitboxHttpClient}; setters validate at once. Not thread-safe. */
  public static final class Builder {
    private final HttpClient client;
    private final HttpCache cache;
    private Set<String> methods = Set.of("GET", "HEAD");

    private Builder(HttpClient client, HttpCache cache) {
      this.client = requireNonNull(client, "client");
      this.cache = requireNonNull(cache, "cache");
    }

    /**
     * Sets the methods whose requests go through the cache (default {@code GET} and {@code HEAD});
     * requests with other methods go to the wrapped client unchanged. To cache an API that reads
     * with {@code POST} (search, GraphQL), let {@code POST} through here and in the cache's request
     * predicate, with a key that tells the bodies apart:
     *
     * <pre>{@code
     * HttpCache cache = HttpCache.builder("search")
     *     .backend(backend)
     *     .requestPredicate(RequestPredicate.method("GET", "HEAD", "POST"))
     *     .extractor(HttpExtractor.chain(List.of(HttpExtractor.uri(), HttpExtractor.bodyHash())))
     *     .build();
     * ... = HitboxHttpClient.builder(client, cache).methods("GET", "HEAD", "POST").build();
     * }</pre>
     *
     * @throws IllegalArgumentException if none is given or one is not an HTTP token
     */
    public Builder methods(String... methods) {
      requireNonNull(methods, "methods");
      if (methods.length == 0) {
        throw new IllegalArgumentException("methods: [] (expected: at least one, such as GET)");
      }
      Set<String> set = new TreeSet<>();
      for (String m : methods) {
        set.add(checkMethod(m));
      }
      this.methods = set;
      return this;
    }

    private static String checkMethod(String method) {
      requireNonNull(method, "method");
      boolean token = !method.isEmpty();
      for (int i = 0; i < method.length() && token; i++) {
        char c = method.charAt(i);
        token = c > ' ' && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
      }
      if (!token) {
        throw new IllegalArgumentException(
            "method: \"" + method + "\" (expected: a token such as GET)");
      }
      return method.toUpperCase(Locale.ROOT);
    }

    /** Makes the client. */
    public HitboxHttpClient build() {
      return new HitboxHttpClient(this);
    }
  }
}
