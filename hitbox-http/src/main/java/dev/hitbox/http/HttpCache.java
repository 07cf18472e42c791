package dev.hitbox.http;

import static java.util.Objects.requireNonNull;

import dev.hitbox.core.CacheEndpoint;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CacheListener;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.CacheResult;
import dev.hitbox.core.CacheStatus;
import dev.hitbox.core.CachedUpstream;
import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.KeyPart;
import dev.hitbox.core.Ticker;
import dev.hitbox.core.Upstream;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.core.spi.CachePredicate;
import dev.hitbox.core.spi.KeyExtractor;
import dev.hitbox.http.internal.HopByHop;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * HTTP caching on the Hitbox engine: one endpoint's predicates, key extractors and HTTP rules, put
 * in front of an upstream with {@link #wrap}. Server and client integrations adapt their requests
 * and responses to {@link HttpRequest} / {@link HttpResponse} and call the wrapped upstream.
 *
 * <pre>{@code
 * HttpCache authors = HttpCache.builder("authors")
 *     .backend(CaffeineBackend.builder().maxCapacity(10_000).build())
 *     .policy(CachePolicy.builder().ttl(Duration.ofSeconds(60)).build())
 *     .requestPredicate(RequestPredicate.builder().method("GET").path("/api/authors/{id}").build())
 *     .responsePredicate(ResponsePredicate.statusClass(StatusClass.SUCCESS))
 *     .extractor(HttpExtractor.builder().path("/api/authors/{id}").query("page").build())
 *     .build();
 * CachedUpstream<HttpRequest, HttpResponse> cached = authors.wrap(request -> callTheApp(request));
 * HttpResponse response = cached.call(request).join();   // with X-Cache-Status, Cache-Status, Age
 * }</pre>
 *
 * <h2>What it does beyond the engine</h2>
 *
 * <ul>
 *   <li><b>Safety.</b> Nothing that belongs to one user is shared: requests with {@code
 *       Authorization} or {@code Cache-Control: no-store}, and responses with {@code Set-Cookie},
 *       {@code Cache-Control: private} or {@code no-store} are neither stored nor served from the
 *       cache, unless the endpoint opts in with {@link Builder#cacheAuthorized}, {@link
 *       Builder#cachePrivate}, {@link Builder#cacheSetCookie} or {@link Builder#cacheNoStore}.
 *       Responses with status {@code 1xx}, {@code 206} or {@code 304}, or with {@code Vary: *}, are
 *       never stored.
 *   <li><b>Bodies.</b> A request body is read into memory (at most {@link
 *       Builder#requestBodyLimit}, default 1 MiB) only when a body predicate or extractor needs it;
 *       a body over the limit makes the request not cacheable and still reaches the upstream
 *       unchanged. A streamed response body is buffered up to {@link Builder#responseBodyLimit}
 *       when the response could be stored; over it, the response passes through unstored.
 *   <li><b>Vary.</b> A stored response only answers requests with the same values of the headers it
 *       varies on, and once an endpoint has seen a {@code Vary}, those headers join the key so that
 *       variants live side by side.
 *   <li><b>Validators.</b> A client's {@code If-None-Match} / {@code If-Modified-Since} on a {@code
 *       GET} or {@code HEAD} is answered by the cache with a {@code 304} when the response matches
 *       (the upstream is asked for the full response, so that it can be stored). A stale entry with
 *       an {@code ETag} or {@code Last-Modified} is revalidated with a conditional request; a
 *       {@code 304} from the upstream refreshes it.
 *   <li><b>Origin lifetimes</b> with {@link Builder#respectOriginCacheControl}: ttl from {@code
 *       s-maxage} / {@code max-age} / {@code Expires}, stale window from {@code
 *       stale-while-revalidate} / {@code stale-if-error}.
 *   <li><b>Stale-if-error.</b> When the upstream fails, times out, or answers {@code 500}, {@code
 *       502}, {@code 503} or {@code 504}, a stored entry still in its stale window, or within the
 *       policy's {@code staleIfError} bound past it, answers instead, with {@code Cache-Status:
 *       hitbox; fwd=stale; detail=stale-if-error} and {@code X-Cache-Status: STALE}; with none, the
 *       upstream's answer or failure goes to the client. Another set of failure answers can be set
 *       with {@code configure(e -> e.failureIf(...))}.
 *   <li><b>Status headers.</b> Every response gets {@code X-Cache-Status} ({@code HIT}, {@code
 *       STALE} or {@code MISS}; a request that bypassed the cache says {@code MISS}), an RFC 9211
 *       {@code Cache-Status} entry for {@code hitbox}, and {@code Age} in seconds.
 *   <li><b>Hop-by-hop</b> header fields of upstream responses ({@code Connection}, {@code
 *       Transfer-Encoding}...) are dropped: the integration frames the body for its own connection.
 * </ul>
 *
 * <p>A request whose method is not {@code GET} gets the method as an extra key part, so that a
 * {@code POST} response never answers a {@code GET}. A {@code HEAD} is looked up as a {@code GET}
 * and answered with its header fields only ({@link Builder#convertHead}); the empty body of an
 * answer to a {@code HEAD} is never stored. A single {@code Range: bytes=} range of a {@code GET}
 * is answered with a {@code 206} cut from a stored {@code 200}; the upstream is asked for the whole
 * body. The client's {@code Cache-Control: no-cache} / {@code max-age} are honoured only with
 * {@link Builder#respectRequestCacheControl}.
 *
 * <p>Immutable and thread-safe.
 */
public final class HttpCache {
  /** The default most bytes of a request body read to test or key it: 1 MiB. */
  public static final long DEFAULT_REQUEST_BODY_LIMIT = 1 << 20;

  /** The default most bytes of a streamed response body buffered to store it: 16 MiB. */
  public static final long DEFAULT_RESPONSE_BODY_LIMIT = 16L << 20;

  /** The cache's name in {@code Cache-Status} fields. */
  static final String CACHE_STATUS_NAME = "hitbox";

  /**
   * Upstream answers that count as its failures (stale-if-error), as nginx's {@code
   * proxy_cache_use_stale http_500 http_502 http_503 http_504}.
   */
  static final Set<Integer> FAILURE_STATUSES = Set.of(500, 502, 503, 504);

  private final CacheEndpoint<HttpRequest, HttpResponse> endpoint;
  private final KeyExtractor<HttpRequest> baseExtractor;
  private final VaryRegistry vary;
  private final boolean needsBody;
  private final long requestBodyLimit;
  private final long responseBodyLimit;
  private final boolean cachePrivate;
  private final boolean cacheSetCookie;
  private final boolean cacheNoStore;
  private final boolean convertHead;
  private final boolean respectRequestCacheControl;

  private HttpCache(Builder b, AtomicReference<CacheEndpoint<HttpRequest, HttpResponse>> ref) {
    this.requestBodyLimit = b.requestBodyLimit;
    this.responseBodyLimit = b.responseBodyLimit;
    this.cachePrivate = b.cachePrivate;
    this.cacheSetCookie = b.cacheSetCookie;
    this.cacheNoStore = b.cacheNoStore;
    this.convertHead = b.convertHead;
    this.respectRequestCacheControl = b.respectRequestCacheControl;
    this.vary = new VaryRegistry(b.varyCapacity);
    this.needsBody = readsBody(b.requestPredicate) || readsBody(b.extractor);
    this.baseExtractor = withMethod(b.extractor);

    boolean cacheAuthorized = b.cacheAuthorized;
    boolean needs = needsBody;
    CachePredicate<HttpRequest> requestRules =
        CachePredicate.of(
            r -> HttpSemantics.requestRefusal(r, cacheAuthorized, cacheNoStore, needs) == null);
    CachePredicate<HttpResponse> responseRules =
        CachePredicate.of(
            r ->
                HttpSemantics.responseRefusal(r, cachePrivate, cacheSetCookie, cacheNoStore)
                    == null);

    CacheEndpoint.Builder<HttpRequest, HttpResponse> eb = CacheEndpoint.builder(b.name);
    if (b.backend != null) {
      eb.backend(b.backend);
    }
    if (b.policy != null) {
      eb.policy(b.policy);
    }
    if (b.listener != null) {
      eb.listener(b.listener);
    }
    if (b.ticker != null) {
      eb.ticker(b.ticker);
    }
    // A body past the response limit stays streamed: it is passed on, never dropped unread.
    eb.failureIf(r -> FAILURE_STATUSES.contains(r.status()) && r.body().isBuffered());
    b.configure.accept(eb);
    eb.codec(HttpResponse.codec())
        .requestPredicate(requestRules.and(b.requestPredicate))
        .responsePredicate(responseRules.and(b.responsePredicate))
        .extractor(this::extractWithVary)
        .reuseIf((q, r) -> !q.has(HttpRequest.NO_REUSE) && HttpSemantics.varyMatches(q, r))
        .revalidator(HttpSemantics.REVALIDATOR);
    if (b.respectOriginCacheControl) {
      eb.lifetime(r -> HttpSemantics.originLifetime(r, () -> ref.get().policy().stale()));
    }
    this.endpoint = eb.build();
    ref.set(endpoint);
  }

  /**
   * Starts an HTTP cache.
   *
   * @param name the endpoint's name: the namespace of its keys (1 to 128 of {@code [A-Za-z0-9_.-]})
   * @throws ConfigurationException if the name is not valid
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * The engine endpoint with the HTTP rules in its hooks. Use {@link #wrap} rather than {@code
   * endpoint().wrap(...)}: only {@link #wrap} reads bodies up to the limits, records {@code Vary}
   * variants, answers client validators and adds the status headers.
   */
  public CacheEndpoint<HttpRequest, HttpResponse> endpoint() {
    return endpoint;
  }

  /** The most bytes of a request body read to test or key it. */
  public long requestBodyLimit() {
    return requestBodyLimit;
  }

  /** The most bytes of a streamed response body buffered to store it. */
  public long responseBodyLimit() {
    return responseBodyLimit;
  }

  /**
   * Puts the cache in front of {@code upstream}. The returned upstream answers with the status
   * headers added; its {@link CachedUpstream#exchange} also says how each answer was obtained.
   */
  public CachedUpstream<HttpRequest, HttpResponse> wrap(
      Upstream<HttpRequest, HttpResponse> upstream) {
    return wrap(upstream, HeadMiss.PASS_HEAD);
  }

  /**
   * Like {@link #wrap(Upstream)}, saying what the upstream is asked when a {@code HEAD} answered
   * from the {@code GET} entry (see {@link Builder#convertHead}) misses.
   *
   * @param upstream the upstream
   * @param headMiss {@link HeadMiss#FETCH_GET} for an upstream that sends the request it is given
   *     (a proxy, an HTTP client), {@link HeadMiss#PASS_HEAD} for one that answers the client's
   *     request whatever it is given (a Servlet filter chain)
   */
  public CachedUpstream<HttpRequest, HttpResponse> wrap(
      Upstream<HttpRequest, HttpResponse> upstream, HeadMiss headMiss) {
    requireNonNull(headMiss, "headMiss");
    Upstream<HttpRequest, HttpResponse> origin =
        new Origin(requireNonNull(upstream, "upstream"), headMiss);
    return new HttpCachedUpstream(this, endpoint.wrap(origin), origin);
  }

  /**
   * What the upstream is asked when a {@code HEAD}, looked up under the {@code GET}'s key, finds
   * nothing usable in the cache.
   */
  public enum HeadMiss {
    /**
     * The client's {@code HEAD}, unchanged; its answer is passed on and neither stored nor shared
     * with {@code GET} callers (its body is empty). For upstreams that cannot be asked another
     * method, such as a Servlet filter chain. The default of {@link #wrap(Upstream)}.
     */
    PASS_HEAD,
    /**
     * A {@code GET} in its place (as nginx's {@code proxy_cache_convert_head} does): the response
     * is stored like any {@code GET}'s and the client gets its status and header fields, with the
     * {@code Content-Length} of the whole body, and no body.
     */
    FETCH_GET
  }

  /** Whether a {@code HEAD} is answered from the {@code GET}'s entry. */
  boolean convertHead() {
    return convertHead;
  }

  /** Whether request {@code Cache-Control: no-cache} / {@code max-age} are honoured. */
  boolean respectRequestCacheControl() {
    return respectRequestCacheControl;
  }

  /**
   * Makes the response for the client from what the engine answered: adds {@code X-Cache-Status},
   * {@code Cache-Status} and {@code Age}, and turns it into a {@code 304 Not Modified} if {@code
   * request} is a {@code GET} or {@code HEAD} whose {@code If-None-Match} / {@code
   * If-Modified-Since} match it. For integrations that drive {@link #endpoint()} themselves; {@link
   * #wrap} does this already.
   *
   * @param request the client's request, with its validators
   * @param result the engine's answer
   */
  public HttpResponse respond(HttpRequest request, CacheResult<HttpResponse> result) {
    requireNonNull(request, "request");
    requireNonNull(result, "result");
    return respond(Ask.of(request), result);
  }

  /**
   * What the client asked that the cache answers itself rather than the upstream: its validators,
   * whether it wants the header fields only ({@code HEAD}), and a {@code Range} of a {@code GET}
   * with its {@code If-Range}.
   */
  record Ask(
      @Nullable String ifNoneMatch,
      @Nullable String ifModifiedSince,
      boolean head,
      @Nullable String range,
      @Nullable String ifRange) {
    static Ask of(HttpRequest request) {
      boolean get = request.method().equals("GET");
      boolean head = request.method().equals("HEAD");
      boolean conditional = get || head;
      return new Ask(
          conditional ? request.headers().joined("If-None-Match") : null,
          conditional ? request.headers().first("If-Modified-Since") : null,
          head,
          get ? request.headers().joined("Range") : null,
          get ? request.headers().first("If-Range") : null);
    }
  }

  HttpResponse respond(Ask ask, CacheResult<HttpResponse> r) {
    String ifNoneMatch = ask.ifNoneMatch();
    String ifModifiedSince = ask.ifModifiedSince();
    HttpResponse res = r.value();
    HttpHeaders h = res.headers();
    long age = HttpSemantics.ageSeconds(res) + r.ageMillis() / 1000;
    String cacheStatus = cacheStatus(r, res.status());
    String upstreamStatus = h.joined("Cache-Status");
    HttpHeaders.Builder b = h.toBuilder().remove("X-Cache-Status").remove("Age");
    b.set(
        "Cache-Status", upstreamStatus == null ? cacheStatus : upstreamStatus + ", " + cacheStatus);
    b.add("X-Cache-Status", r.status() == CacheStatus.BYPASS ? "MISS" : r.status().name());
    b.add("Age", Long.toString(age));
    HttpHeaders decorated = b.build();
    // A streamed body (over the response limit) is passed on whole rather than left unread.
    if (res.body().isBuffered()
        && HttpSemantics.clientNotModified(ifNoneMatch, ifModifiedSince, res)) {
      HttpHeaders.Builder nm = HttpHeaders.builder();
      for (int i = 0; i < decorated.size(); i++) {
        String name = decorated.name(i);
        if (HttpSemantics.NOT_MODIFIED_FIELDS.stream().anyMatch(name::equalsIgnoreCase)
            || name.equalsIgnoreCase("X-Cache-Status")) {
          nm.add(name, decorated.value(i));
        }
      }
      return HttpResponse.of(304, nm.build(), HttpBody.empty());
    }
    if (ask.head()) {
      return headersOnly(res.withHeaders(decorated));
    }
    if (ask.range() != null) {
      return ranged(res.withHeaders(decorated), ask.range(), ask.ifRange());
    }
    return res.withHeaders(decorated);
  }

  /**
   * The answer to a {@code HEAD}: the header fields of the {@code GET}'s response, with the {@code
   * Content-Length} of its whole body, and no body. A streamed body is left for the integration to
   * discard; the upstream's own answer to a {@code HEAD} is passed on as it is.
   */
  private static HttpResponse headersOnly(HttpResponse res) {
    if (res.headOnly() || !res.body().isBuffered()) {
      return res;
    }
    int s = res.status();
    HttpHeaders h = res.headers();
    if (s >= 200 && s != 204 && s != 304) {
      h = h.toBuilder().set("Content-Length", Long.toString(res.body().length())).build();
    }
    return HttpResponse.of(s, h, HttpBody.empty());
  }

  /**
   * The answer to a {@code GET} with a {@code Range} (RFC 9110 section 14): one {@code bytes} range
   * of a whole {@code 200} in memory is a {@code 206} with {@code Content-Range}; a range past the
   * end is a {@code 416}; anything else (several ranges, another unit, an {@code If-Range} that
   * does not match, a streamed body) is the whole response, which is also a valid answer.
   */
  private static HttpResponse ranged(HttpResponse res, String range, @Nullable String ifRange) {
    if (res.status() != 200 || !res.body().isBuffered() || res.headOnly()) {
      return res;
    }
    if (!HttpSemantics.ifRangeMatches(ifRange, res)) {
      return res;
    }
    long length = res.body().length();
    long[] span = HttpSemantics.byteRange(range, length);
    if (span == null) {
      return res;
    }
    HttpHeaders.Builder h = res.headers().toBuilder().remove("Content-Length");
    if (span == HttpSemantics.UNSATISFIABLE) {
      h.remove("Content-Type").remove("Content-Encoding").remove("ETag").remove("Last-Modified");
      h.set("Content-Range", "bytes */" + length);
      return HttpResponse.of(416, h.build(), HttpBody.empty());
    }
    int first = (int) span[0];
    int size = (int) (span[1] - span[0] + 1);
    byte[] part = new byte[size];
    res.body().byteBuffer().get(first, part);
    h.set("Content-Range", "bytes " + span[0] + "-" + span[1] + "/" + length);
    h.set("Content-Length", Integer.toString(size));
    return HttpResponse.of(206, h.build(), HttpBody.ofBytes(part));
  }

  private static String cacheStatus(CacheResult<?> r, int upstreamStatus) {
    if (r.staleIfError()) {
      // RFC 9211: the request went to the next hop (fwd=stale) and a stale response answered
      return CACHE_STATUS_NAME + "; fwd=stale; detail=stale-if-error";
    }
    return switch (r.status()) {
      case HIT -> CACHE_STATUS_NAME + "; hit";
      case STALE -> CACHE_STATUS_NAME + "; hit; detail=stale";
      case MISS -> CACHE_STATUS_NAME + "; fwd=uri-miss; fwd-status=" + upstreamStatus;
      case BYPASS -> CACHE_STATUS_NAME + "; fwd=bypass; fwd-status=" + upstreamStatus;
    };
  }

  static boolean isGetOrHead(HttpRequest r) {
    return r.method().equals("GET") || r.method().equals("HEAD");
  }

  boolean needsBody() {
    return needsBody;
  }

  // ---------------------------------------------------------------- keys and Vary

  private static KeyExtractor<HttpRequest> withMethod(KeyExtractor<? super HttpRequest> user) {
    return r ->
        user.extract(r)
            .thenApply(
                parts -> {
                  if (r.method().equals("GET")) {
                    return parts;
                  }
                  List<KeyPart> all = new ArrayList<>(parts.size() + 1);
                  all.addAll(parts);
                  all.add(KeyPart.of("~method", r.method()));
                  return all;
                });
  }

  private CompletionStage<List<KeyPart>> extractWithVary(HttpRequest r) {
    return baseExtractor
        .extract(r)
        .thenApply(
            parts -> {
              List<String> names = vary.get(parts);
              if (names == null) {
                return parts;
              }
              List<KeyPart> all = new ArrayList<>(parts.size() + names.size());
              all.addAll(parts);
              for (String n : names) {
                String v = HttpSemantics.varyValue(r, n);
                all.add(v == null ? KeyPart.of("~vary-absent", n) : KeyPart.of("~vary:" + n, v));
              }
              return all;
            });
  }

  private void recordVary(HttpRequest request, List<String> names) {
    try {
      baseExtractor
          .extract(request)
          .whenComplete(
              (parts, e) -> {
                if (parts != null) {
                  vary.put(parts, names);
                }
              });
    } catch (RuntimeException e) {
      // the engine reports extractor failures on the request path; this is only a hint
    }
  }

  int varyEntries() {
    return vary.size();
  }

  private static boolean readsBody(Object o) {
    return (o instanceof RequestPredicate p && p.readsBody())
        || (o instanceof HttpExtractor e && e.readsBody());
  }

  /**
   * The user's upstream as the engine sees it: hop-by-hop fields dropped, a streamed body that
   * could be stored buffered up to the limit, the variant recorded.
   */
  private final class Origin implements Upstream<HttpRequest, HttpResponse> {
    private final Upstream<HttpRequest, HttpResponse> upstream;
    private final HeadMiss headMiss;

    Origin(Upstream<HttpRequest, HttpResponse> upstream, HeadMiss headMiss) {
      this.upstream = upstream;
      this.headMiss = headMiss;
    }

    @Override
    public CompletionStage<HttpResponse> call(HttpRequest request) {
      if (request.has(HttpRequest.HEAD_AS_GET) && headMiss == HeadMiss.PASS_HEAD) {
        HttpRequest head = request.with("HEAD", 0);
        return upstream
            .call(head)
            .thenCompose(res -> shape(head, requireNonNull(res, "upstream answered null")))
            .thenApply(HttpResponse::asHeadOnly);
      }
      return upstream.call(request).thenCompose(res -> shape(request, res));
    }

    private CompletionStage<HttpResponse> shape(HttpRequest request, HttpResponse response) {
      requireNonNull(response, "upstream answered null");
      HttpHeaders h = response.headers();
      HttpHeaders stripped = HopByHop.strip(h);
      HttpResponse r = stripped == h ? response : response.withHeaders(stripped);
      if (!r.body().isBuffered()
          && (HttpSemantics.headerRefusal(r, cachePrivate, cacheSetCookie, cacheNoStore) == null
              || FAILURE_STATUSES.contains(r.status()))) {
        // also a failure answer (often no-store): a stored entry may answer in its place
        HttpResponse unbuffered = r;
        return r.body()
            .readUpTo(responseBodyLimit)
            .thenApply(read -> withVariant(request, unbuffered.withBody(read.body())));
      }
      return CompletableFuture.completedFuture(withVariant(request, r));
    }

    private HttpResponse withVariant(HttpRequest request, HttpResponse r) {
      if (r.status() == 304) {
        return r; // the revalidator keeps the stored variant
      }
      List<String> names = HttpSemantics.varyNames(r);
      if (names.isEmpty() || names.contains("*")) {
        return r;
      }
      recordVary(request, names);
      return r.withVariant(HttpSemantics.variantOf(request, names));
    }

    @Override
    public String toString() {
      return upstream.toString();
    }
  }

  // ---------------------------------------------------------------- builder

  /** Builds an {@link HttpCache}; setters validate at once. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private @Nullable Backend backend;
    private @Nullable CachePolicy policy;
    private @Nullable CacheListener listener;
    private @Nullable Ticker ticker;
    private Consumer<CacheEndpoint.Builder<HttpRequest, HttpResponse>> configure = b -> {};
    private CachePredicate<? super HttpRequest> requestPredicate =
        RequestPredicate.method("GET", "HEAD");
    private CachePredicate<? super HttpResponse> responsePredicate =
        ResponsePredicate.statusIn(
            HttpSemantics.HEURISTICALLY_CACHEABLE.stream()
                .sorted()
                .mapToInt(Integer::intValue)
                .toArray());
    private KeyExtractor<? super HttpRequest> extractor = HttpExtractor.uri();
    private boolean respectOriginCacheControl;
    private boolean cacheAuthorized;
    private boolean cachePrivate;
    private boolean cacheSetCookie;
    private boolean cacheNoStore;
    private long requestBodyLimit = DEFAULT_REQUEST_BODY_LIMIT;
    private long responseBodyLimit = DEFAULT_RESPONSE_BODY_LIMIT;
    private int varyCapacity = 10_000;
    private boolean convertHead = true;
    private boolean respectRequestCacheControl;

    private Builder(String name) {
      this.name = CacheKey.checkNamespace(name);
    }

    /** Sets the backend (required). */
    public Builder backend(Backend backend) {
      this.backend = requireNonNull(backend, "backend");
      return this;
    }

    /** Sets the policy (default: the engine's, ttl 60 s). */
    public Builder policy(CachePolicy policy) {
      this.policy = requireNonNull(policy, "policy");
      return this;
    }

    /** Sets the listener (default none). */
    public Builder listener(CacheListener listener) {
      this.listener = requireNonNull(listener, "listener");
      return this;
    }

    /** Sets the ticker (default the system's). */
    public Builder ticker(Ticker ticker) {
      this.ticker = requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Sets any other engine setting (executor, offload manager, compressor, tagger, timeouts...).
     * Runs before the HTTP settings are applied: the codec, predicates, extractor, lifetime, reuse
     * check and revalidator are the HTTP cache's and are set after it. The failure answers of
     * stale-if-error ({@code failureIf}: {@code 500}, {@code 502}, {@code 503}, {@code 504}) are
     * set before it and may be changed here.
     */
    public Builder configure(Consumer<CacheEndpoint.Builder<HttpRequest, HttpResponse>> configure) {
      this.configure = requireNonNull(configure, "configure");
      return this;
    }

    /**
     * Sets which requests may be cached (default {@code GET} and {@code HEAD}), on top of the
     * safety rules. When it lets other methods through, make the key tell their bodies apart (e.g.
     * {@link HttpExtractor#bodyHash()} or {@link HttpExtractor#bodyJq}).
     *
     * <p>Use {@link RequestPredicate}s: the cache reads a request body only when one of them (or an
     * extractor) looks at it; another kind of predicate sees the body as the integration gave it.
     */
    public Builder requestPredicate(CachePredicate<? super HttpRequest> predicate) {
      this.requestPredicate = requireNonNull(predicate, "predicate");
      return this;
    }

    /**
     * Sets which responses may be stored (default: status 200, 203, 204, 300, 301, 308, 404, 405,
     * 410, 414 or 501), on top of the safety rules.
     */
    public Builder responsePredicate(CachePredicate<? super HttpResponse> predicate) {
      this.responsePredicate = requireNonNull(predicate, "predicate");
      return this;
    }

    /** Sets how keys are built (default {@link HttpExtractor#uri()}: the whole URI). */
    public Builder extractor(KeyExtractor<? super HttpRequest> extractor) {
      this.extractor = requireNonNull(extractor, "extractor");
      return this;
    }

    /**
     * Takes each response's ttl from its {@code Cache-Control: s-maxage} / {@code max-age} (or
     * {@code Expires}) and its stale window from {@code stale-while-revalidate} / {@code
     * stale-if-error}, instead of the policy's (default off). A response that says nothing about
     * freshness keeps the policy's; {@code no-cache} is not stored.
     */
    public Builder respectOriginCacheControl(boolean respect) {
      this.respectOriginCacheControl = respect;
      return this;
    }

    /**
     * Answers a {@code HEAD} from the {@code GET}'s entry (default on), as nginx ({@code
     * proxy_cache_convert_head}) and Varnish do: the {@code HEAD} is looked up under the key the
     * {@code GET} would have, and a hit or a stale entry answers with its status and header fields
     * (with the {@code Content-Length} of the whole body) and no body. What a miss asks the
     * upstream is the integration's choice ({@link HeadMiss}); the answer to a {@code HEAD} itself
     * is never stored. Off, a {@code HEAD} has entries of its own, apart from the {@code GET}'s.
     */
    public Builder convertHead(boolean convert) {
      this.convertHead = convert;
      return this;
    }

    /**
     * Honours the client's {@code Cache-Control: no-cache}, {@code max-age} and {@code Pragma:
     * no-cache} (default off). On, a request with {@code no-cache}, {@code max-age=0} or (without
     * {@code Cache-Control}) {@code Pragma: no-cache} is not answered from the cache: it goes
     * upstream and its response replaces the entry; with {@code max-age=N} an entry older than
     * {@code N} seconds is treated the same way. Off by default, like nginx and Varnish: any client
     * could otherwise send every request to the origin. A request's {@code no-store} is honoured
     * either way (see {@link #cacheNoStore}).
     */
    public Builder respectRequestCacheControl(boolean respect) {
      this.respectRequestCacheControl = respect;
      return this;
    }

    /**
     * Caches requests that carry {@code Authorization} (default off). Turn it on only when the key
     * tells users apart (e.g. a hashed {@code Authorization} extractor) or the responses are the
     * same for everybody.
     */
    public Builder cacheAuthorized(boolean cache) {
      this.cacheAuthorized = cache;
      return this;
    }

    /**
     * Stores responses with {@code Cache-Control: private} (default off): for a cache that serves
     * one user only, or a key that tells users apart.
     */
    public Builder cachePrivate(boolean cache) {
      this.cachePrivate = cache;
      return this;
    }

    /**
     * Stores responses with {@code Set-Cookie} (default off); the cookie is then replayed to every
     * request the entry answers.
     */
    public Builder cacheSetCookie(boolean cache) {
      this.cacheSetCookie = cache;
      return this;
    }

    /** Caches despite {@code Cache-Control: no-store} on requests and responses (default off). */
    public Builder cacheNoStore(boolean cache) {
      this.cacheNoStore = cache;
      return this;
    }

    /**
     * The most bytes of a request body read to test or key it (default 1 MiB); a larger body makes
     * the request not cacheable.
     *
     * @throws ConfigurationException if negative
     */
    public Builder requestBodyLimit(long bytes) {
      if (bytes < 0) {
        throw new ConfigurationException("request_body_limit: " + bytes + " (expected: >= 0)");
      }
      this.requestBodyLimit = bytes;
      return this;
    }

    /**
     * The most bytes of a streamed response body buffered to store it (default 16 MiB); a larger
     * response passes through unstored.
     *
     * @throws ConfigurationException if negative
     */
    public Builder responseBodyLimit(long bytes) {
      if (bytes < 0) {
        throw new ConfigurationException("response_body_limit: " + bytes + " (expected: >= 0)");
      }
      this.responseBodyLimit = bytes;
      return this;
    }

    /**
     * How many keys' {@code Vary} header lists are remembered (default 10,000).
     *
     * @throws ConfigurationException unless positive
     */
    public Builder varyCapacity(int keys) {
      if (keys <= 0) {
        throw new ConfigurationException("vary_capacity: " + keys + " (expected: > 0)");
      }
      this.varyCapacity = keys;
      return this;
    }

    /**
     * Builds the cache.
     *
     * @throws ConfigurationException if the backend is missing
     */
    public HttpCache build() {
      return new HttpCache(this, new AtomicReference<>());
    }
  }

  @Override
  public String toString() {
    return "HttpCache{" + endpoint + '}';
  }
}
