package dev.hitbox.proxy;

import dev.hitbox.caffeine.CaffeineBackend;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.StalePolicy;
import dev.hitbox.http.HttpCache;
import dev.hitbox.http.HttpExtractor;
import dev.hitbox.http.RequestPredicate;
import dev.hitbox.testkit.FakeTicker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A proxy on free loopback ports in front of a {@link TestUpstream}, with a fake ticker driving the
 * caches, and clients for both listeners. Close it after each test.
 */
final class ProxyFixture implements AutoCloseable {
  final TestUpstream upstream = TestUpstream.start();
  final FakeTicker ticker = new FakeTicker();
  // Hot keys counted exactly, so that tests can check their counts.
  final ProxyMetrics metrics = ProxyMetrics.create(dev.hitbox.core.HotKeys.create());
  final CaffeineBackend backend = CaffeineBackend.builder().ticker(ticker).build();
  final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final List<AutoCloseable> closing = new ArrayList<>();
  HitboxProxy proxy;

  /** Settings on free loopback ports in front of the test upstream. */
  ProxySettings.Builder settings() {
    return ProxySettings.builder()
        .listen("127.0.0.1:0")
        .admin("127.0.0.1:0")
        .upstream(upstream.url())
        .ioThreads(2);
  }

  /** An HTTP cache on the fixture's backend, ticker and metrics. */
  HttpCache.Builder cache(String name) {
    return HttpCache.builder(name).backend(backend).ticker(ticker).listener(metrics);
  }

  /** The authors route of the docs: ttl, stale window and stale policy as given. */
  ProxyRoute.Builder authors(Duration ttl, Duration stale, StalePolicy stalePolicy) {
    return ProxyRoute.builder(
            cache("authors")
                .policy(
                    CachePolicy.builder().ttl(ttl).stale(stale).stalePolicy(stalePolicy).build())
                .requestPredicate(
                    RequestPredicate.builder()
                        .method("GET")
                        .path("/api/authors/{author_id}")
                        .build())
                .extractor(
                    HttpExtractor.builder()
                        .method()
                        .path("/api/authors/{author_id}")
                        .query("page")
                        .build())
                .build())
        .matcher(RequestMatcher.path("/api/authors/{author_id}"));
  }

  HitboxProxy start(ProxyRoute... routes) {
    return start(settings().build(), routes);
  }

  HitboxProxy start(ProxySettings settings, ProxyRoute... routes) {
    proxy =
        HitboxProxy.builder(ProxyConfig.of(settings, ProxyRoutes.of(routes)))
            .metrics(metrics)
            .start();
    return proxy;
  }

  void onClose(AutoCloseable c) {
    closing.add(c);
  }

  URI uri(String path) {
    InetSocketAddress a = proxy.address();
    return URI.create("http://127.0.0.1:" + a.getPort() + path);
  }

  URI adminUri(String path) {
    InetSocketAddress a = proxy.adminAddress().orElseThrow();
    return URI.create("http://127.0.0.1:" + a.getPort() + path);
  }

  HttpResponse<String> get(String path, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return send(b.build());
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<String> admin(String method, String path, String body, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(adminUri(path))
            .timeout(Duration.ofSeconds(20))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return send(b.build());
  }

  RawHttp raw() {
    RawHttp r = new RawHttp(proxy.address());
    closing.add(r);
    return r;
  }

  /** A loopback port nobody listens on. */
  static int closedPort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    upstream.close();
  }
}
