package dev.hitbox.proxy;

import static java.util.Objects.requireNonNull;

/**
 * Everything a running proxy needs: its {@link ProxySettings} and its {@link ProxyRoutes}. A
 * configuration file is read into one; a reload reads a new one and swaps its routes in. Immutable
 * and thread-safe.
 */
public final class ProxyConfig {
  private final ProxySettings settings;
  private final ProxyRoutes routes;

  private ProxyConfig(ProxySettings settings, ProxyRoutes routes) {
    this.settings = settings;
    this.routes = routes;
  }

  /** A configuration of these settings and routes. */
  public static ProxyConfig of(ProxySettings settings, ProxyRoutes routes) {
    return new ProxyConfig(requireNonNull(settings, "settings"), requireNonNull(routes, "routes"));
  }

  /** The listeners, upstream and timeouts. */
  public ProxySettings settings() {
    return settings;
  }

  /** The cached routes. */
  public ProxyRoutes routes() {
    return routes;
  }

  /** A copy with other routes. */
  public ProxyConfig withRoutes(ProxyRoutes routes) {
    return of(settings, routes);
  }

  @Override
  public String toString() {
    return "ProxyConfig{" + settings + ", " + routes + '}';
  }
}
