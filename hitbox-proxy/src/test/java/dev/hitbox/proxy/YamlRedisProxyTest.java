package dev.hitbox.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hitbox.proxy.TestUpstream.Reply;
import dev.hitbox.testkit.MemcachedServer;
import dev.hitbox.testkit.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two proxies started from the same YAML file share a real Redis (or Memcached): what one stored,
 * the other serves.
 */
class YamlRedisProxyTest {
  private final TestUpstream upstream = TestUpstream.start();
  private final HttpClient client = HttpClient.newHttpClient();
  private final List<HitboxProxy> proxies = new ArrayList<>();
  private final List<AutoCloseable> servers = new ArrayList<>();
  @TempDir Path dir;

  @AfterEach
  void close() throws Exception {
    proxies.forEach(HitboxProxy::close);
    for (AutoCloseable s : servers) {
      s.close();
    }
    upstream.close();
  }

  private HitboxProxy start(Path file) {
    HitboxProxy p = YamlProxies.start(file);
    proxies.add(p);
    return p;
  }

  private String status(HitboxProxy p, String path) {
    try {
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.address().getPort() + path))
                  .timeout(Duration.ofSeconds(20))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.body()).isEqualTo("author " + path);
      return r.headers().firstValue("X-Cache-Status").orElse("none");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private Path yaml(String backend) throws IOException {
    return Files.writeString(
        dir.resolve("proxy.yaml"),
        """
        listen: 127.0.0.1:0
        admin: 127.0.0.1:0
        upstream: %s
        backend: %s
        endpoints:
          - name: authors
            request:    [ {Method: GET}, {Path: "/api/authors/{id}"} ]
            extractors: [ {Path: "/api/authors/{id}"} ]
            policy: { Enabled: { ttl: 60, concurrency: 1 } }
        """
            .formatted(upstream.url(), backend));
  }

  private void twoProxiesShareTheBackend(Path file) {
    upstream.handler(s -> Reply.ok("author " + s.uri()));
    HitboxProxy a = start(file);
    HitboxProxy b = start(file);
    // The backends connect in the background: once a's writes are seen by b, both are up.
    status(a, "/api/authors/warm");
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              status(a, "/api/authors/warm");
              return status(b, "/api/authors/warm").equals("HIT");
            });
    assertThat(status(a, "/api/authors/1")).isEqualTo("MISS");
    // The write goes to the backend after the answer: b sees it once it has landed.
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> status(b, "/api/authors/1").equals("HIT"));
    int calls = upstream.calls("/api/authors/1");
    for (int i = 0; i < 5; i++) {
      assertThat(status(b, "/api/authors/1")).isEqualTo("HIT");
      assertThat(status(a, "/api/authors/1")).isEqualTo("HIT");
    }
    assertThat(upstream.calls("/api/authors/1")).isEqualTo(calls);
  }

  @Test
  void twoProxiesShareARedisNamedInTheYaml() throws IOException {
    RedisServer redis = RedisServer.launch();
    servers.add(redis);
    twoProxiesShareTheBackend(yaml("{ type: Redis, connection_string: \"" + redis.uri() + "\" }"));
  }

  @Test
  void twoProxiesShareAMemcachedNamedInTheYaml() throws IOException {
    MemcachedServer memcached = MemcachedServer.launch();
    servers.add(memcached);
    twoProxiesShareTheBackend(
        yaml("{ type: Memcached, servers: [\"" + memcached.address() + "\"] }"));
  }
}
