package dev.hitbox.proxy;

import dev.hitbox.config.BackendConfig;
import dev.hitbox.config.ConfigLoader;
import dev.hitbox.config.EndpointConfig;
import dev.hitbox.config.ExtractorConfig;
import dev.hitbox.config.HitboxConfig;
import dev.hitbox.config.PredicateConfig;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.OffloadManager;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.core.spi.CachePredicate;
import dev.hitbox.http.HttpExtractor;
import dev.hitbox.http.HttpRequest;
import dev.hitbox.http.HttpResponse;
import dev.hitbox.http.config.HttpEndpoints;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * Reads the YAML of {@code hitbox-config} into a {@link ProxyConfig}: each endpoint becomes an
 * {@code HttpCache} ({@link HttpEndpoints#cache}), and a route that handles the paths of its {@code
 * Path} rules (every request when it has none).
 *
 * <p>Across reloads it keeps one backend per distinct backend configuration, so endpoints whose
 * backend did not change keep their entries. An endpoint whose policy has a stale window serves
 * stale entries when the upstream fails (stale-if-error). Thread-safe.
 */
final class YamlConfigLoader implements ProxyConfigLoader {
  /** How long a backend that a reload dropped stays open for requests still using it. */
  static final java.time.Duration DROPPED_BACKEND_GRACE = java.time.Duration.ofSeconds(60);

  private final ConfigLoader loader;
  private final java.time.Duration grace;
  private Map<BackendConfig, Backend> backends = new HashMap<>(); // guarded by this

  YamlConfigLoader() {
    this(ConfigLoader.create());
  }

  YamlConfigLoader(ConfigLoader loader) {
    this(loader, DROPPED_BACKEND_GRACE);
  }

  YamlConfigLoader(ConfigLoader loader, java.time.Duration droppedBackendGrace) {
    this.loader = loader;
    this.grace = droppedBackendGrace;
  }

  @Override
  public synchronized ProxyConfig load(Path file, ProxyMetrics metrics) {
    HitboxConfig c = loader.load(file);
    ProxySettings.Builder s =
        ProxySettings.builder()
            .listen(c.listen())
            .admin(
                c.admin().orElse(ProxySettings.parseAddress("admin", ProxySettings.DEFAULT_ADMIN)))
            .adminToken(c.adminToken().orElse(null));
    if (c.upstream().isEmpty()) {
      throw new ConfigurationException(
          c.source() + ": upstream: missing (expected: a URL such as http://127.0.0.1:9000)");
    }
    s.upstream(c.upstream().get().toString());

    OffloadManager offload = c.offload().toBuilder().listener(metrics).build();
    Map<BackendConfig, Backend> kept = new HashMap<>();
    List<ProxyRoute> routes = new ArrayList<>();
    for (EndpointConfig e : c.endpoints()) {
      Backend backend =
          kept.computeIfAbsent(
              e.backend(),
              bc -> {
                Backend previous = backends.get(bc);
                return previous != null ? previous : bc.create(metrics);
              });
      try {
        routes.add(route(e, backend, metrics, offload));
      } catch (ConfigurationException ex) {
        throw new ConfigurationException(
            c.source() + ": endpoints." + e.name() + ": " + ex.getMessage());
      }
    }
    ProxyConfig config = ProxyConfig.of(s.build(), ProxyRoutes.of(routes));
    Map<BackendConfig, Backend> previous = backends;
    backends = kept; // only once everything is valid: a broken file changes nothing
    closeUnused(previous.values(), kept.values(), grace);
    return config;
  }

  /**
   * Closes the backends a reload dropped (their connections and threads), once requests still under
   * way on the old routes have had time to finish.
   */
  private static void closeUnused(
      java.util.Collection<Backend> before,
      java.util.Collection<Backend> after,
      java.time.Duration grace) {
    List<AutoCloseable> dropped = new ArrayList<>();
    for (Backend b : before) {
      if (b instanceof AutoCloseable c && after.stream().noneMatch(a -> a == b)) {
        dropped.add(c);
      }
    }
    if (dropped.isEmpty()) {
      return;
    }
    CompletableFuture.delayedExecutor(grace.toMillis(), TimeUnit.MILLISECONDS)
        .execute(
            () -> {
              for (AutoCloseable c : dropped) {
                try {
                  c.close();
                } catch (Exception e) {
                  System.getLogger("dev.hitbox.proxy")
                      .log(System.Logger.Level.WARNING, "closing a dropped backend failed", e);
                }
              }
            });
  }

  static ProxyRoute route(
      EndpointConfig e, Backend backend, ProxyMetrics metrics, OffloadManager offload) {
    return ProxyRoute.builder(HttpEndpoints.cache(e, backend, metrics, offload))
        .matcher(matcher(e.request()))
        .build();
  }

  // ---------------------------------------------------------------- routes

  /** The paths the request rules name; every request when they name none. */
  static RequestMatcher matcher(List<PredicateConfig> request) {
    RequestMatcher m = null;
    for (PredicateConfig p : request) {
      RequestMatcher pm = pathMatcher(p);
      if (pm != null) {
        m = m == null ? pm : m.and(pm);
      }
    }
    return m == null ? RequestMatcher.any() : m;
  }

  private static @Nullable RequestMatcher pathMatcher(PredicateConfig p) {
    if (p instanceof PredicateConfig.Path path) {
      return RequestMatcher.path(path.template());
    }
    if (p instanceof PredicateConfig.And and) {
      return matcher(and.all()) == RequestMatcher.any() ? null : matcher(and.all());
    }
    if (p instanceof PredicateConfig.Or or) {
      List<RequestMatcher> any = new ArrayList<>();
      for (PredicateConfig child : or.any()) {
        RequestMatcher m = pathMatcher(child);
        if (m == null) {
          return null; // one branch matches any path: so does the Or
        }
        any.add(m);
      }
      return RequestMatcher.of(
          String.join(" or ", any.stream().map(Object::toString).toList()),
          r -> any.stream().anyMatch(m -> m.matches(r)));
    }
    return null;
  }

  // ---------------------------------------------------------------- rules (see HttpEndpoints)

  static CachePredicate<HttpRequest> request(PredicateConfig p) {
    return HttpEndpoints.request(p);
  }

  static CachePredicate<HttpResponse> response(PredicateConfig p) {
    return HttpEndpoints.response(p);
  }

  static HttpExtractor extractor(ExtractorConfig x) {
    return HttpEndpoints.extractor(x);
  }

  static BiFunction<CacheKey, HttpResponse, Set<String>> tagger(List<String> templates) {
    return HttpEndpoints.tagger(templates);
  }

  @Override
  public String toString() {
    return "YamlConfigLoader{" + loader + '}';
  }
}
