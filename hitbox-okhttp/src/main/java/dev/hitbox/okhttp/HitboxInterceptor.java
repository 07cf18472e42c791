package dev.hitbox.okhttp;

import static java.util.Objects.requireNonNull;

import dev.hitbox.http.HttpCache;
import dev.hitbox.http.HttpResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * An OkHttp application interceptor that answers from an {@link HttpCache} and proceeds on a miss.
 *
 * <pre>{@code
 * HttpCache cache = HttpCache.builder("github")
 *     .backend(CaffeineBackend.builder().maxCapacity(10_000).build())
 *     .policy(CachePolicy.builder().ttl(Duration.ofMinutes(5)).concurrency(1).build())
 *     .build();
 * OkHttpClient client = new OkHttpClient.Builder()
 *     .addInterceptor(new HitboxInterceptor(cache))
 *     .build();
 *
 * try (Response res = client.newCall(new Request.Builder().url(url).build()).execute()) {
 *   res.header("X-Cache-Status");   // MISS, then HIT
 * }
 * }</pre>
 *
 * <h2>Threads</h2>
 *
 * OkHttp interceptors are synchronous: the interceptor waits for the cache's answer on the thread
 * that runs the call, as OkHttp's own model does ({@code Call.execute()} blocks its caller; with
 * {@code Call.enqueue} the call runs on OkHttp's dispatcher threads, and so does the wait). A miss
 * proceeds down the chain on that same thread. A caller that waits for another caller of the same
 * key (dogpile prevention) holds its thread until the answer or the endpoint's dogpile timeout; a
 * cancelled call stops waiting within about 100 ms. A stale entry refreshed in the background
 * ({@code OFFLOAD_REVALIDATE}) is fetched with a clone of the call, enqueued on OkHttp's
 * dispatcher: it runs the interceptors before this one again, and this one sends it on unchanged.
 *
 * <h2>What goes through the cache</h2>
 *
 * Requests whose method is one of {@link Builder#methods} (default {@code GET} and {@code HEAD}) go
 * through the cache; other requests, and requests with a one-shot or duplex body, proceed unchanged
 * and get OkHttp's response as is. The cache's own rules then apply: a request with {@code
 * Authorization} or {@code Cache-Control: no-store}, or a response with {@code Set-Cookie}, {@code
 * Cache-Control: private} or {@code no-store}, is neither stored nor served from the cache (see
 * {@link HttpCache}).
 *
 * <h2>Requests and responses</h2>
 *
 * <ul>
 *   <li>The request body is written into memory only when the cache's predicates or key extractors
 *       read it (up to {@link HttpCache#requestBodyLimit()} when its length is known); the
 *       request's own body is what proceeds, unchanged.
 *   <li>The response body is buffered only when the response could be stored and is within {@link
 *       HttpCache#responseBodyLimit()}; otherwise it streams from the connection to the caller.
 *   <li>The caller's response has the status, header fields and body bytes of the stored or fresh
 *       response, plus {@code X-Cache-Status} ({@code HIT}, {@code STALE} or {@code MISS}), {@code
 *       Cache-Status} and {@code Age}. A response from the cache has protocol {@code HTTP/1.1}, no
 *       handshake and no network response.
 *   <li>A failure down the chain reaches the caller unchanged, as it would without the cache.
 * </ul>
 *
 * <p>Add it with {@code addInterceptor}, not {@code addNetworkInterceptor}: it answers without the
 * network. Thread-safe; one instance may serve many clients.
 */
public final class HitboxInterceptor implements Interceptor {
  private final HttpCache cache;
  private final Set<String> methods;

  /** Background refreshes on their way: the clone of a call, and the request to send for it. */
  private final ConcurrentMap<Call, Request> refreshes = new ConcurrentHashMap<>();

  /** An interceptor that caches {@code GET} and {@code HEAD} requests in {@code cache}. */
  public HitboxInterceptor(HttpCache cache) {
    this(builder(cache));
  }

  private HitboxInterceptor(Builder b) {
    this.cache = b.cache;
    this.methods = Set.copyOf(b.methods);
  }

  /** Starts an interceptor that caches in {@code cache}. */
  public static Builder builder(HttpCache cache) {
    return new Builder(cache);
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
   * Answers the chain's request from the cache, or proceeds and lets the cache store the response.
   *
   * @throws IOException the failure of the chain, or if the call is cancelled or its thread
   *     interrupted while it waits for the cache
   */
  @Override
  public Response intercept(Chain chain) throws IOException {
    Request refresh = refreshes.remove(chain.call());
    if (refresh != null) {
      return chain.proceed(refresh);
    }
    Request request = chain.request();
    RequestBody body = request.body();
    if (!methods.contains(request.method())
        || (body != null && (body.isOneShot() || body.isDuplex()))) {
      return chain.proceed(request);
    }
    CallOrigin origin;
    try {
      origin = new CallOrigin(this, chain);
    } catch (IllegalArgumentException e) {
      return chain.proceed(request); // a request the neutral model cannot hold
    }
    CompletableFuture<HttpResponse> answer = cache.wrap(origin).call(origin.request());
    return origin.respond(origin.await(answer));
  }

  /**
   * Removes the stored response that {@code request} would be answered with.
   *
   * @return whether one was removed
   */
  public CompletableFuture<Boolean> invalidate(Request request) {
    requireNonNull(request, "request");
    return cache
        .wrap(
            r ->
                CompletableFuture.failedFuture(
                    new IllegalStateException("invalidation does not call the upstream")))
        .invalidate(OkMessages.request(request));
  }

  /**
   * Sends {@code request} for a call whose interceptor has returned: through a clone of the call,
   * which this interceptor lets through with {@code request}. The body is read here, on OkHttp's
   * dispatcher thread, so that a response the cache does not store is not left open.
   */
  CompletableFuture<HttpResponse> refresh(Chain chain, Request request) {
    CompletableFuture<HttpResponse> result = new CompletableFuture<>();
    Call call = chain.call().clone();
    refreshes.put(call, request);
    call.enqueue(
        new Callback() {
          @Override
          public void onFailure(Call c, IOException e) {
            refreshes.remove(c);
            result.completeExceptionally(e);
          }

          @Override
          public void onResponse(Call c, Response response) {
            try (response) {
              HttpResponse res = OkMessages.response(response, request.method());
              long limit = cache.responseBodyLimit();
              var read = res.body().readUpTo(limit).join();
              if (read.complete()) {
                result.complete(res.withBody(read.body()));
              } else {
                result.completeExceptionally(
                    new IOException(
                        "background refresh of "
                            + request.url()
                            + ": response body over "
                            + limit
                            + " bytes, not stored"));
              }
            } catch (IOException | RuntimeException e) {
              result.completeExceptionally(e);
            }
          }
        });
    return result;
  }

  @Override
  public String toString() {
    return "HitboxInterceptor{" + cache + ", methods=" + new TreeSet<>(methods) + '}';
  }

  /** Builds a {@link HitboxInterceptor}; setters validate at once. Not thread-safe. */
  public static final class Builder {
    private final HttpCache cache;
    private Set<String> methods = Set.of("GET", "HEAD");

    private Builder(HttpCache cache) {
      this.cache = requireNonNull(cache, "cache");
    }

    /**
     * Sets the methods whose requests go through the cache (default {@code GET} and {@code HEAD});
     * requests with other methods proceed unchanged. To cache an API that reads with {@code POST}
     * (search, GraphQL), let {@code POST} through here and in the cache's request predicate, with a
     * key that tells the bodies apart:
     *
     * <pre>{@code
     * HttpCache cache = HttpCache.builder("search")
     *     .backend(backend)
     *     .requestPredicate(RequestPredicate.method("GET", "HEAD", "POST"))
     *     .extractor(HttpExtractor.chain(List.of(HttpExtractor.uri(), HttpExtractor.bodyHash())))
     *     .build();
     * ... = HitboxInterceptor.builder(cache).methods("GET", "HEAD", "POST").build();
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

    /** Makes the interceptor. */
    public HitboxInterceptor build() {
      return new HitboxInterceptor(this);
    }
  }
}
