package dev.hitbox.proxy;

import static java.util.Objects.requireNonNull;

import dev.hitbox.http.HttpCache;
import org.jspecify.annotations.Nullable;

/**
 * One cached endpoint of the proxy: an {@link HttpCache} (predicates, key extractors, policy,
 * backend) and the {@link RequestMatcher} that sends requests to it.
 *
 * <pre>{@code
 * ProxyRoute authors = ProxyRoute.builder(
 *         HttpCache.builder("authors")
 *             .backend(backend)
 *             .policy(CachePolicy.builder().ttl(Duration.ofSeconds(60)).build())
 *             .requestPredicate(RequestPredicate.builder().method("GET").path("/api/authors/{id}").build())
 *             .extractor(HttpExtractor.builder().method().path("/api/authors/{id}").query("page").build())
 *             .build())
 *     .matcher(RequestMatcher.path("/api/authors/{id}"))
 *     .build();
 * }</pre>
 *
 * <p>When the upstream fails, times out or answers {@code 500}, {@code 502}, {@code 503} or {@code
 * 504}, the cache answers with a stored entry still in its stale window, or within the policy's
 * {@code staleIfError} bound past it (stale-if-error, see {@link HttpCache}).
 *
 * <p>Immutable and thread-safe.
 */
public final class ProxyRoute {
  private final HttpCache cache;
  private final RequestMatcher matcher;

  private ProxyRoute(HttpCache cache, RequestMatcher matcher) {
    this.cache = cache;
    this.matcher = matcher;
  }

  /** A route for {@code cache}, handling what {@code matcher} accepts. */
  public static ProxyRoute of(HttpCache cache, RequestMatcher matcher) {
    return builder(cache).matcher(matcher).build();
  }

  /** Starts a route for {@code cache}. */
  public static Builder builder(HttpCache cache) {
    return new Builder(requireNonNull(cache, "cache"));
  }

  /** The route's name: its cache endpoint's name, the {@code endpoint} label of its metrics. */
  public String name() {
    return cache.endpoint().name();
  }

  /** The HTTP cache. */
  public HttpCache cache() {
    return cache;
  }

  /** Which requests the route handles. */
  public RequestMatcher matcher() {
    return matcher;
  }

  @Override
  public String toString() {
    return "ProxyRoute{" + name() + ", " + matcher + '}';
  }

  /** Builds a {@link ProxyRoute}. Not thread-safe. */
  public static final class Builder {
    private final HttpCache cache;
    private @Nullable RequestMatcher matcher;

    private Builder(HttpCache cache) {
      this.cache = cache;
    }

    /** Sets which requests the route handles (required). */
    public Builder matcher(RequestMatcher matcher) {
      this.matcher = requireNonNull(matcher, "matcher");
      return this;
    }

    /**
     * Makes the route.
     *
     * @throws dev.hitbox.core.ConfigurationException if no matcher was set
     */
    public ProxyRoute build() {
      RequestMatcher m = matcher;
      if (m == null) {
        throw new dev.hitbox.core.ConfigurationException(
            "endpoint "
                + cache.endpoint().name()
                + ": no matcher (expected: e.g. RequestMatcher.path(\"/api/items/{id}\"))");
      }
      return new ProxyRoute(cache, m);
    }
  }
}
