package dev.hitbox.proxy;

import static java.util.Objects.requireNonNull;

import dev.hitbox.core.ConfigurationException;
import dev.hitbox.http.HttpRequest;
import dev.hitbox.http.RequestPredicate;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Decides which requests a {@link ProxyRoute} handles. A request is handled by the first route
 * whose matcher accepts it; a request no route accepts is proxied unchanged. Matching runs on the
 * I/O thread for every request: it must be fast, must not block and must not read the body.
 *
 * <p>Which requests of a route may be <em>cached</em> is the route's {@code HttpCache} request
 * predicate; the matcher only says that the route is responsible for them (a request it handles but
 * does not cache goes upstream and gets {@code X-Cache-Status: MISS}).
 *
 * <pre>{@code
 * RequestMatcher.path("/api/authors/{author_id}")
 * RequestMatcher.pathPrefix("/static/").and(RequestMatcher.method("GET", "HEAD"))
 * }</pre>
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface RequestMatcher {

  /** Whether the route handles {@code request}. */
  boolean matches(HttpRequest request);

  /** A matcher that also requires {@code other}. */
  default RequestMatcher and(RequestMatcher other) {
    requireNonNull(other, "other");
    RequestMatcher self = this;
    return of(self + " and " + other, r -> self.matches(r) && other.matches(r));
  }

  /** Every request. */
  static RequestMatcher any() {
    return of("any", r -> true);
  }

  /**
   * The path matches a template in which {@code {name}} stands for one segment or part of one, as
   * in {@link RequestPredicate#path(String)}: {@code /api/authors/{author_id}}.
   *
   * @throws ConfigurationException if the template is not valid
   */
  static RequestMatcher path(String template) {
    RequestPredicate p = RequestPredicate.path(requireNonNull(template, "template"));
    return of(
        "path " + template,
        r -> Boolean.TRUE.equals(p.test(r).toCompletableFuture().getNow(Boolean.FALSE)));
  }

  /**
   * The raw path starts with {@code prefix}.
   *
   * @throws ConfigurationException unless the prefix starts with {@code /}
   */
  static RequestMatcher pathPrefix(String prefix) {
    requireNonNull(prefix, "prefix");
    if (!prefix.startsWith("/")) {
      throw new ConfigurationException(
          "path prefix: \"" + prefix + "\" (expected: a path starting with /)");
    }
    return of("path prefix " + prefix, r -> r.path().startsWith(prefix));
  }

  /**
   * The method is one of {@code methods}.
   *
   * @throws ConfigurationException if none is given
   */
  static RequestMatcher method(String... methods) {
    requireNonNull(methods, "methods");
    if (methods.length == 0) {
      throw new ConfigurationException("method: [] (expected: at least one method such as GET)");
    }
    Set<String> set =
        Arrays.stream(methods)
            .map(m -> requireNonNull(m, "method").toUpperCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());
    return of("method " + String.join("|", set), r -> set.contains(r.method()));
  }

  /**
   * A matcher from a predicate, described by {@code description} (shown by the admin {@code GET
   * /config}).
   */
  static RequestMatcher of(String description, Predicate<HttpRequest> predicate) {
    requireNonNull(description, "description");
    requireNonNull(predicate, "predicate");
    return new RequestMatcher() {
      @Override
      public boolean matches(HttpRequest request) {
        return predicate.test(request);
      }

      @Override
      public String toString() {
        return description;
      }
    };
  }
}
