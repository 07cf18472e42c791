package dev.hitbox.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hitbox.proxy.TestUpstream.Reply;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two proxies started from one YAML file that asks for coordination through their shared Redis: one
 * upstream call per key across both ({@code distributed_dogpile}), and each one's L1 told of the
 * other's changes ({@code coherent: true}).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class YamlDistributedProxyTest {
  private static final Pattern WAITS =
      Pattern.compile("^hitbox_dogpile_waits_total\\{[^}]*} (\\d+)", Pattern.MULTILINE);

  private final TestUpstream upstream = TestUpstream.start();
  private final HttpClient client = HttpClient.newHttpClient();
  private final List<HitboxProxy> proxies = new ArrayList<>();
  private final RedisServer redis = RedisServer.launch();
  @TempDir Path dir;

  @AfterEach
  void close() {
    proxies.forEach(HitboxProxy::close);
    redis.close();
    upstream.close();
  }

  @Test
  void twoProxiesMakeOneUpstreamCallForConcurrentColdRequests() throws Exception {
    CompletableFuture<Void> gate = new CompletableFuture<>();
    upstream.handler(s -> Reply.ok("author " + s.uri()).after(gate));
    Path file =
        yaml(
            """
            { type: Redis, connection_string: "%s", command_timeout: 5s,
              distributed_dogpile: { lease_time: 10s, acquire_timeout: 5s } }
            """
                .formatted(redis.uri()));
    HitboxProxy a = start(file);
    HitboxProxy b = start(file);
    // The backends connect in the background, and a lease that cannot be asked for yet fails
    // open (the caller goes upstream alone): wait until what a stores, b serves.
    gate.complete(null);
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              get(a, "/api/authors/warm").get(20, TimeUnit.SECONDS);
              return "HIT"
                  .equals(
                      get(b, "/api/authors/warm")
                          .get(20, TimeUnit.SECONDS)
                          .headers()
                          .firstValue("X-Cache-Status")
                          .orElse(""));
            });
    CompletableFuture<Void> hold = new CompletableFuture<>();
    upstream.handler(s -> Reply.ok("author " + s.uri()).after(hold));
    int requests = 60;
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      answers.add(get(i % 2 == 0 ? a : b, "/api/authors/hot"));
    }
    await("every request but one waiting, on either proxy")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> waits(a) + waits(b) == requests - 1);
    assertThat(upstream.calls("/api/authors/hot")).isEqualTo(1);
    hold.complete(null);
    for (CompletableFuture<HttpResponse<String>> f : answers) {
      HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("author /api/authors/hot");
    }
    assertThat(upstream.calls("/api/authors/hot"))
        .as(
            "upstream calls for %d concurrent cold requests on two proxies %s %s",
            requests, metricsText(a), metricsText(b))
        .isEqualTo(1);
  }

  @Test
  void aChangeThroughOneProxyEvictsTheOthersL1() throws Exception {
    upstream.handler(s -> Reply.ok("author " + s.uri() + " v" + upstream.calls(s.uri())));
    Path file =
        yaml(
            """
            { type: Composition, coherent: true, tier_timeout: 500ms,
              policy: { refill: Always },
              l1: { type: Caffeine, max_capacity: 1000 },
              l2: { type: Redis, connection_string: "%s", command_timeout: 5s } }
            """
                .formatted(redis.uri()));
    HitboxProxy a = start(file);
    HitboxProxy b = start(file);
    // both serve v1 from their own L1 once it is stored
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              get(a, "/api/authors/1").get(20, TimeUnit.SECONDS);
              HttpResponse<String> r = get(b, "/api/authors/1").get(20, TimeUnit.SECONDS);
              return "HIT".equals(r.headers().firstValue("X-Cache-Status").orElse(""));
            });
    assertThat(get(b, "/api/authors/1").get(20, TimeUnit.SECONDS).body())
        .isEqualTo("author /api/authors/1 v1");

    // invalidate through a's admin API; b's L1 must drop the entry: its next answer is new
    HttpResponse<String> inv =
        client.send(
            HttpRequest.newBuilder(admin(a, "/invalidate"))
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"request\": {\"method\": \"GET\", \"path\": \"/api/authors/1\"}}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(inv.statusCode()).as(inv.body()).isEqualTo(200);
    assertThat(inv.body()).contains("\"invalidated\":1");
    await("b serves the value fetched after the invalidation")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !get(b, "/api/authors/1").get(20, TimeUnit.SECONDS).body().endsWith(" v1"));
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
            backend_timeout: 2s   # generous: a read that times out on a busy machine is a miss
        """
            .formatted(upstream.url(), backend.strip().replace("\n", " ")));
  }

  private HitboxProxy start(Path file) {
    HitboxProxy p = YamlProxies.start(file);
    proxies.add(p);
    return p;
  }

  private CompletableFuture<HttpResponse<String>> get(HitboxProxy p, String path) {
    return client.sendAsync(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.address().getPort() + path))
            .timeout(Duration.ofSeconds(60))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static URI admin(HitboxProxy p, String path) {
    return URI.create("http://127.0.0.1:" + p.adminAddress().orElseThrow().getPort() + path);
  }

  /** The proxy's Prometheus text without comments and histogram buckets. */
  private String metricsText(HitboxProxy p) {
    try {
      return client
          .send(
              HttpRequest.newBuilder(admin(p, "/metrics")).build(),
              HttpResponse.BodyHandlers.ofString())
          .body()
          .lines()
          .filter(l -> !l.startsWith("#") && !l.contains("bucket"))
          .collect(Collectors.joining("\n"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private long waits(HitboxProxy p) {
    Matcher m = WAITS.matcher(metricsText(p));
    long sum = 0;
    while (m.find()) {
      sum += Long.parseLong(m.group(1));
    }
    return sum;
  }
}
