package dev.hitbox.faults;

import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.spi.Backend;
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
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The proxy every test of the suite goes through, built as a user would with {@link
 * HitboxProxy#builder}: one endpoint {@code items} for {@code GET /items/{id}}, cached for an hour
 * in the given backend, in front of a {@link ChecksumUpstream}.
 */
final class ItemsProxy implements AutoCloseable {
  /** The endpoint's name: the namespace of its keys. */
  static final String ENDPOINT = "items";

  final ChecksumUpstream upstream;
  final ProxyMetrics metrics = ProxyMetrics.create();
  final HitboxProxy proxy;

  private ItemsProxy(Backend backend, Duration backendTimeout, int bodyPadding) {
    this.upstream = ChecksumUpstream.start(bodyPadding);
    HttpCache items =
        HttpCache.builder(ENDPOINT)
            .backend(backend)
            .listener(metrics)
            .policy(CachePolicy.builder().ttl(Duration.ofHours(1)).concurrency(1).build())
            .requestPredicate(RequestPredicate.builder().method("GET").path("/items/{id}").build())
            .extractor(HttpExtractor.builder().method().path("/items/{id}").build())
            .configure(e -> e.backendTimeout(backendTimeout))
            .build();
    ProxySettings settings =
        ProxySettings.builder()
            .listen("127.0.0.1:0")
            .noAdmin()
            .upstream(upstream.url())
            .ioThreads(2)
            .build();
    this.proxy =
        HitboxProxy.builder(
                ProxyConfig.of(
                    settings,
                    ProxyRoutes.of(ProxyRoute.of(items, RequestMatcher.path("/items/{id}")))))
            .metrics(metrics)
            .start();
  }

  /** A proxy on {@code backend} with the engine's default backend timeout (50 ms). */
  static ItemsProxy start(Backend backend) {
    return new ItemsProxy(backend, Duration.ofMillis(50), 64);
  }

  static ItemsProxy start(Backend backend, Duration backendTimeout, int bodyPadding) {
    return new ItemsProxy(backend, backendTimeout, bodyPadding);
  }

  InetSocketAddress address() {
    return proxy.address();
  }

  /**
   * The sum of a counter in the proxy's Prometheus text over the series whose labels contain every
   * one of {@code labels} (e.g. {@code backend="redis"}).
   */
  long counter(String name, String... labels) {
    Pattern line = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$");
    long sum = 0;
    for (String l : metrics.scrape().split("\n")) {
      Matcher m = line.matcher(l);
      if (!m.matches()) {
        continue;
      }
      String set = m.group(1) == null ? "" : m.group(1);
      boolean all = true;
      for (String label : labels) {
        all &= set.contains(label);
      }
      if (all) {
        sum += (long) Double.parseDouble(m.group(2));
      }
    }
    return sum;
  }

  @Override
  public void close() {
    proxy.close();
    upstream.close();
  }
}
