package dev.hitbox.proxy;

import static java.util.Objects.requireNonNull;

import dev.hitbox.core.ConfigurationException;
import dev.hitbox.http.HttpRequest;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The proxy's cached routes, in order: a request goes to the first route whose matcher accepts it,
 * and is proxied unchanged when none does. The whole table is replaced at once on reload. Immutable
 * and thread-safe.
 */
public final class ProxyRoutes {
  private static final ProxyRoutes EMPTY = new ProxyRoutes(List.of());

  private final List<ProxyRoute> routes;

  private ProxyRoutes(List<ProxyRoute> routes) {
    this.routes = routes;
  }

  /** No route: every request is proxied unchanged. */
  public static ProxyRoutes empty() {
    return EMPTY;
  }

  /**
   * These routes, in order.
   *
   * @throws ConfigurationException if two routes have the same name
   */
  public static ProxyRoutes of(ProxyRoute... routes) {
    return of(List.of(requireNonNull(routes, "routes")));
  }

  /**
   * These routes, in order.
   *
   * @throws ConfigurationException if two routes have the same name
   */
  public static ProxyRoutes of(List<ProxyRoute> routes) {
    List<ProxyRoute> copy = List.copyOf(requireNonNull(routes, "routes"));
    Set<String> names = new HashSet<>();
    for (ProxyRoute r : copy) {
      if (!names.add(r.name())) {
        throw new ConfigurationException(
            "endpoints: \"" + r.name() + "\" appears twice (expected: unique endpoint names)");
      }
    }
    return new ProxyRoutes(copy);
  }

  /** The routes, in order. */
  public List<ProxyRoute> list() {
    return routes;
  }

  /** The route that handles {@code request}: the first whose matcher accepts it. */
  public Optional<ProxyRoute> find(HttpRequest request) {
    requireNonNull(request, "request");
    for (ProxyRoute r : routes) {
      if (r.matcher().matches(request)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /** The route named {@code name}. */
  public Optional<ProxyRoute> named(String name) {
    requireNonNull(name, "name");
    return routes.stream().filter(r -> r.name().equals(name)).findFirst();
  }

  @Override
  public String toString() {
    return "ProxyRoutes" + routes;
  }
}
