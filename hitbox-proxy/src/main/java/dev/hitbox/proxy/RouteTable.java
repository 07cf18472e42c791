package dev.hitbox.proxy;

import dev.hitbox.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The configuration in force and its routes, ready to serve; swapped whole on reload. */
record RouteTable(ProxyConfig config, List<ActiveRoute> routes) {

  static RouteTable of(ProxyConfig config, UpstreamClient client, ProxyMetrics metrics) {
    List<ActiveRoute> active = new ArrayList<>();
    for (ProxyRoute r : config.routes().list()) {
      active.add(new ActiveRoute(r, client, metrics));
    }
    return new RouteTable(config, List.copyOf(active));
  }

  /** The route that handles {@code request}, or {@code null} to proxy it unchanged. */
  @Nullable ActiveRoute find(HttpRequest request) {
    for (ActiveRoute r : routes) {
      if (r.route.matcher().matches(request)) {
        return r;
      }
    }
    return null;
  }

  @Nullable ActiveRoute named(String name) {
    for (ActiveRoute r : routes) {
      if (r.name().equals(name)) {
        return r;
      }
    }
    return null;
  }

  List<String> names() {
    return routes.stream().map(ActiveRoute::name).toList();
  }
}
