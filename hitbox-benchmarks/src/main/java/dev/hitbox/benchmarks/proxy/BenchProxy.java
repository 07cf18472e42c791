package dev.hitbox.benchmarks.proxy;

import dev.hitbox.caffeine.CaffeineBackend;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.http.HttpCache;
import dev.hitbox.http.HttpExtractor;
import dev.hitbox.http.RequestPredicate;
import dev.hitbox.proxy.HitboxProxy;
import dev.hitbox.proxy.ProxyConfig;
import dev.hitbox.proxy.ProxyMetrics;
import dev.hitbox.proxy.ProxyRoute;
import dev.hitbox.proxy.ProxyRoutes;
import dev.hitbox.proxy.ProxySettings;
import dev.hitbox.proxy.RequestMatcher;
import java.time.Duration;

/**
 * The Hitbox proxy as the benchmark runs it, configured like nginx's {@code proxy_cache} in {@code
 * scripts/proxy-vs-nginx.sh}: one endpoint {@code /api/items/{id}}, keyed by method and URI, ttl
 * TTL_SECONDS (default 600), in memory (Caffeine), one upstream call per key at a time. The same
 * configuration in YAML:
 *
 * <pre>
 * listen: 127.0.0.1:PORT
 * admin: 127.0.0.1:ADMIN_PORT
 * upstream: http://127.0.0.1:UPSTREAM_PORT
 * backend: { type: Caffeine, max_capacity: 100000 }
 * endpoints:
 *   - name: items
 *     request:    [ {Method: GET}, {Path: "/api/items/{id}"} ]
 *     extractors: [ {Method: }, {Path: "/api/items/{id}"} ]
 *     policy: { Enabled: { ttl: 600, concurrency: 1 } }
 * </pre>
 *
 * <p>Usage: {@code BenchProxy PORT ADMIN_PORT UPSTREAM_URL [IO_THREADS [TTL_SECONDS]]}.
 */
public final class BenchProxy {
  private BenchProxy() {}

  /** Starts the proxy and serves until killed. */
  public static void main(String[] args) throws InterruptedException {
    long ttl = args.length > 4 ? Long.parseLong(args[4]) : 600;
    ProxyMetrics metrics = ProxyMetrics.create();
    HttpCache items =
        HttpCache.builder("items")
            .backend(CaffeineBackend.builder().maxCapacity(100_000).build())
            .listener(metrics)
            .policy(CachePolicy.builder().ttl(Duration.ofSeconds(ttl)).concurrency(1).build())
            .requestPredicate(
                RequestPredicate.builder().method("GET").path("/api/items/{id}").build())
            .extractor(HttpExtractor.builder().method().path("/api/items/{id}").build())
            .build();
    ProxySettings settings =
        ProxySettings.builder()
            .listen("127.0.0.1:" + args[0])
            .admin("127.0.0.1:" + args[1])
            .upstream(args[2])
            .ioThreads(args.length > 3 ? Integer.parseInt(args[3]) : 0)
            .build();
    HitboxProxy proxy =
        HitboxProxy.builder(
                ProxyConfig.of(
                    settings,
                    ProxyRoutes.of(ProxyRoute.of(items, RequestMatcher.path("/api/items/{id}")))))
            .metrics(metrics)
            .start();
    Runtime.getRuntime().addShutdownHook(new Thread(proxy::close));
    proxy.awaitClose();
  }
}
