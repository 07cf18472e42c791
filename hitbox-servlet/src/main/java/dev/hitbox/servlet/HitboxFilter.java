package dev.hitbox.servlet;

import static java.util.Objects.requireNonNull;

import dev.hitbox.http.HttpCache;
import dev.hitbox.http.HttpRequest;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.EnumSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Jakarta Servlet 6 filter that answers requests from an {@link HttpCache}: a hit is written
 * without running the rest of the filter chain; on a miss the rest of the chain (the application)
 * runs into a buffer, and its response is stored and written to the client. Every answer carries
 * the cache's {@code X-Cache-Status}, {@code Cache-Status} and {@code Age} header fields; the
 * status, the other header fields and the body bytes are the application's.
 *
 * <pre>{@code
 * HttpCache authors = HttpCache.builder("authors")
 *     .backend(CaffeineBackend.builder().maxCapacity(10_000).build())
 *     .requestPredicate(RequestPredicate.builder().method("GET").path("/api/authors/{id}").build())
 *     .extractor(HttpExtractor.path("/api/authors/{id}"))
 *     .build();
 * HitboxFilter.register(servletContext, "authors", HitboxFilter.of(authors), "/api/authors/*");
 * }</pre>
 *
 * <h2>What passes through</h2>
 *
 * A request the cache would not serve (the endpoint's request predicate or the HTTP safety rules
 * say no: an {@code Authorization} header, another path, another method...) runs the chain
 * unchanged, without buffering and without status headers. A request that has a body is always
 * handed to the cache, which reads the body only if a predicate or extractor needs it, up to its
 * request body limit; the application then reads the same bytes. A response larger than the cache's
 * response body limit, or one the application ends with {@code sendError}, is written through to
 * the client as it is produced and is not stored.
 *
 * <h2>Threads and async servlets</h2>
 *
 * Register the filter for the {@link DispatcherType#REQUEST REQUEST} and {@link
 * DispatcherType#ASYNC ASYNC} dispatches, with async support on ({@link #register} does both). A
 * request that must wait for another request of the same key (dogpile prevention) puts itself in
 * async mode with {@code request.startAsync()} instead of holding a container thread; if the cache
 * then needs this request's own response, the filter dispatches the request again and runs the
 * chain on a container thread. When the application starts async processing itself, the filter
 * stores and writes the response when the application calls {@code complete()} or when its last
 * async dispatch returns. When the request does not support async processing, a waiting request
 * holds its thread.
 *
 * <p>A background refresh ({@code OFFLOAD_REVALIDATE}) cannot run the application once the client
 * that triggered it has its answer: the servlet request is over. Such a refresh fails (the engine
 * counts it) and the entry stays stale until its stale window ends; use {@code REVALIDATE} or
 * {@code RETURN} with this filter.
 *
 * <p>Path patterns of the cache's predicates and extractors see the request URI as the container
 * gives it: raw (percent-encoded), including the context path.
 *
 * <p>Thread-safe; one instance may serve any number of requests at once.
 */
public final class HitboxFilter implements Filter {
  private static final AtomicLong INSTANCES = new AtomicLong();

  private final HttpCache cache;
  private final String attribute;

  private HitboxFilter(HttpCache cache) {
    this.cache = cache;
    this.attribute = HitboxFilter.class.getName() + '.' + INSTANCES.incrementAndGet();
  }

  /**
   * A filter in front of {@code cache}.
   *
   * @param cache the endpoint's HTTP cache
   */
  public static HitboxFilter of(HttpCache cache) {
    return new HitboxFilter(requireNonNull(cache, "cache"));
  }

  /**
   * The dispatches the filter must be mapped for: {@code REQUEST} and {@code ASYNC}. A new set each
   * time.
   */
  public static EnumSet<DispatcherType> dispatcherTypes() {
    return EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC);
  }

  /**
   * Adds {@code filter} to {@code context} under {@code name}, with async support, mapped to {@code
   * urlPatterns} for the {@linkplain #dispatcherTypes() dispatches it needs}, after the filters
   * declared so far. Call it while the context is being initialized (from a {@code
   * ServletContainerInitializer} or a {@code ServletContextListener}).
   *
   * @return the registration, to adjust further
   * @throws IllegalStateException if the context is already initialized, or the name is taken
   */
  public static FilterRegistration.Dynamic register(
      ServletContext context, String name, HitboxFilter filter, String... urlPatterns) {
    requireNonNull(context, "context");
    requireNonNull(name, "name");
    requireNonNull(filter, "filter");
    requireNonNull(urlPatterns, "urlPatterns");
    FilterRegistration.Dynamic r = context.addFilter(name, filter);
    if (r == null) {
      throw new IllegalStateException("filter name: \"" + name + "\" (expected: a free name)");
    }
    r.setAsyncSupported(true);
    r.addMappingForUrlPatterns(dispatcherTypes(), true, urlPatterns);
    return r;
  }

  /** The cache this filter answers from. */
  public HttpCache cache() {
    return cache;
  }

  /**
   * Answers the request from the cache, or runs the rest of {@code chain} and stores what it
   * answers.
   *
   * @throws IOException or {@link ServletException} as the rest of the chain throws them
   */
  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    if (!(req instanceof HttpServletRequest request)
        || !(res instanceof HttpServletResponse response)) {
      chain.doFilter(req, res);
      return;
    }
    Object attached = request.getAttribute(attribute);
    if (request.getDispatcherType() == DispatcherType.ASYNC) {
      if (attached instanceof Exchange exchange) {
        exchange.asyncDispatch(request, response, chain);
      } else {
        chain.doFilter(request, response);
      }
      return;
    }
    if (request.getDispatcherType() != DispatcherType.REQUEST || attached != null) {
      chain.doFilter(request, response);
      return;
    }
    Servlets.Converted converted = Servlets.toHttpRequest(request);
    if (converted == null || passesThrough(converted)) {
      chain.doFilter(request, response);
      return;
    }
    Exchange exchange = new Exchange(cache, request, response, converted);
    request.setAttribute(attribute, exchange);
    exchange.start(chain);
  }

  /**
   * Whether the cache would refuse a request without a body anyway, so the chain may run as if the
   * filter were not there. A request with a body goes to the cache: only it knows whether it must
   * read the body to decide.
   */
  private boolean passesThrough(Servlets.Converted converted) {
    if (converted.hasBody()) {
      return false;
    }
    HttpRequest r = converted.request();
    try {
      CompletableFuture<Boolean> test =
          cache.endpoint().requestPredicate().test(r).toCompletableFuture();
      if (!test.isDone()) {
        return false;
      }
      return !test.getNow(false);
    } catch (RuntimeException e) {
      return true; // the engine would bypass too (and report it)
    }
  }

  @Override
  public String toString() {
    return "HitboxFilter{" + cache.endpoint().name() + '}';
  }
}
