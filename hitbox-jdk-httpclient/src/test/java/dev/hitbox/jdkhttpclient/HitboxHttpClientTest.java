package dev.hitbox.jdkhttpclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hitbox.caffeine.CaffeineBackend;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.StalePolicy;
import dev.hitbox.http.HttpCache;
import dev.hitbox.http.HttpExtractor;
import dev.hitbox.http.RequestPredicate;
import dev.hitbox.jdkhttpclient.LocalServer.Reply;
import dev.hitbox.testkit.FakeTicker;
import dev.hitbox.testkit.RecordingListener;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HitboxHttpClientTest {
  private static final byte[] ALL_BYTES = allBytes(4);

  private final HttpClient jdk =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final RecordingListener listener = new RecordingListener();
  private LocalServer server;

  @BeforeEach
  void start() throws IOException {
    server = new LocalServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static byte[] allBytes(int times) {
    byte[] b = new byte[256 * times];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) i;
    }
    return b;
  }

  private HttpCache cache(UnaryOperator<HttpCache.Builder> settings) {
    return settings
        .apply(
            HttpCache.builder("api")
                .backend(CaffeineBackend.builder().build())
                .listener(listener)
                .policy(CachePolicy.builder().ttl(Duration.ofMinutes(1)).build()))
        .build();
  }

  private HitboxHttpClient client() {
    return HitboxHttpClient.wrap(jdk, cache(b -> b));
  }

  private HttpRequest get(String path) {
    return HttpRequest.newBuilder(server.uri(path)).build();
  }

  /** The engine stores a response just after its caller has it: wait for the n-th write. */
  private void awaitStored(int writes) {
    await().until(() -> listener.count("backend-write") >= writes);
  }

  private static String cacheStatus(HttpResponse<?> res) {
    return res.headers().firstValue("X-Cache-Status").orElse(null);
  }

  @Test
  void sendAnswersTheSecondCallFromTheCacheWithTheSameBytes() throws Exception {
    server.handler(
        r -> new Reply(200, ALL_BYTES, "Content-Type", "application/octet-stream", "X-Api", "v1"));
    HitboxHttpClient client = client();

    HttpResponse<byte[]> miss = client.send(get("/blob"), BodyHandlers.ofByteArray());
    awaitStored(1);
    HttpResponse<byte[]> hit = client.send(get("/blob"), BodyHandlers.ofByteArray());

    assertThat(server.calls()).isEqualTo(1);
    assertThat(cacheStatus(miss)).isEqualTo("MISS");
    assertThat(cacheStatus(hit)).isEqualTo("HIT");
    for (HttpResponse<byte[]> res : List.of(miss, hit)) {
      assertThat(res.statusCode()).isEqualTo(200);
      assertThat(res.body()).isEqualTo(ALL_BYTES);
      assertThat(res.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
      assertThat(res.headers().firstValue("X-Api")).hasValue("v1");
      assertThat(res.headers().firstValue("Cache-Status")).isPresent();
      assertThat(res.headers().firstValue("Age")).isPresent();
      assertThat(res.uri()).isEqualTo(server.uri("/blob"));
      assertThat(res.request().uri()).isEqualTo(server.uri("/blob"));
    }
    assertThat(hit.headers().firstValue("Cache-Status")).hasValue("hitbox; hit");
  }

  @Test
  void sendAsyncAnswersTheSecondCallFromTheCacheForAnyBodyHandler() throws Exception {
    server.handler(r -> Reply.of(200, "grüße", "Content-Type", "text/plain; charset=utf-8"));
    HitboxHttpClient client = client();

    HttpResponse<String> miss = client.sendAsync(get("/text"), BodyHandlers.ofString()).get();
    awaitStored(1);
    HttpResponse<InputStream> hit =
        client.sendAsync(get("/text"), BodyHandlers.ofInputStream()).get();

    assertThat(server.calls()).isEqualTo(1);
    assertThat(cacheStatus(miss)).isEqualTo("MISS");
    assertThat(miss.body()).isEqualTo("grüße");
    assertThat(cacheStatus(hit)).isEqualTo("HIT");
    try (InputStream in = hit.body()) {
      assertThat(in.readAllBytes())
          .isEqualTo("grüße".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  @Test
  void statusAndHeaderFieldsOfANotFoundAreKept() throws Exception {
    server.handler(r -> Reply.of(404, "no such author", "X-Reason", "gone", "X-Reason", "away"));
    HitboxHttpClient client = client();

    client.send(get("/authors/9"), BodyHandlers.ofString());
    awaitStored(1);
    HttpResponse<String> hit = client.send(get("/authors/9"), BodyHandlers.ofString());

    assertThat(server.calls()).isEqualTo(1);
    assertThat(hit.statusCode()).isEqualTo(404);
    assertThat(hit.body()).isEqualTo("no such author");
    assertThat(hit.headers().allValues("X-Reason")).containsExactly("gone", "away");
  }

  @Test
  void concurrentIdenticalRequestsCallTheServerOnce() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.handler(
        r -> {
          release.await(10, TimeUnit.SECONDS);
          return new Reply(200, ALL_BYTES);
        });
    HitboxHttpClient client =
        HitboxHttpClient.wrap(
            jdk, cache(b -> b.policy(CachePolicy.builder().concurrency(1).build())));

    List<CompletableFuture<HttpResponse<byte[]>>> calls = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      calls.add(client.sendAsync(get("/slow"), BodyHandlers.ofByteArray()));
    }
    await().until(() -> server.calls() == 1 && listener.count("dogpile-wait") == 3);
    release.countDown();

    List<String> statuses = new ArrayList<>();
    for (CompletableFuture<HttpResponse<byte[]>> call : calls) {
      HttpResponse<byte[]> res = call.get(10, TimeUnit.SECONDS);
      assertThat(res.body()).isEqualTo(ALL_BYTES);
      statuses.add(cacheStatus(res));
    }
    // the leader missed; the three that waited for its answer are reported as hits
    assertThat(statuses).containsExactlyInAnyOrder("MISS", "HIT", "HIT", "HIT");
    assertThat(server.calls()).isEqualTo(1);
  }

  @Test
  void postIsNotCachedByDefaultAndIsSentUnchanged() throws Exception {
    server.handler(r -> Reply.of(200, "created"));
    HitboxHttpClient client = client();
    HttpRequest post =
        HttpRequest.newBuilder(server.uri("/items"))
            .POST(BodyPublishers.ofByteArray(ALL_BYTES))
            .header("Content-Type", "application/octet-stream")
            .build();

    HttpResponse<String> first = client.send(post, BodyHandlers.ofString());
    HttpResponse<String> second = client.sendAsync(post, BodyHandlers.ofString()).get();

    assertThat(server.calls()).isEqualTo(2);
    assertThat(first.headers().firstValue("X-Cache-Status")).isEmpty();
    assertThat(second.body()).isEqualTo("created");
    assertThat(server.requests())
        .allSatisfy(
            r -> {
              assertThat(r.method()).isEqualTo("POST");
              assertThat(r.body()).isEqualTo(ALL_BYTES);
            });
  }

  @Test
  void aResponseWithSetCookieIsNotServedToAnotherCall() throws Exception {
    AtomicInteger session = new AtomicInteger();
    server.handler(r -> Reply.of(200, "welcome", "Set-Cookie", "id=" + session.incrementAndGet()));
    HitboxHttpClient client = client();

    HttpResponse<String> first = client.send(get("/login"), BodyHandlers.ofString());
    HttpResponse<String> second = client.send(get("/login"), BodyHandlers.ofString());

    assertThat(server.calls()).isEqualTo(2);
    assertThat(first.headers().firstValue("Set-Cookie")).hasValue("id=1");
    assertThat(second.headers().firstValue("Set-Cookie")).hasValue("id=2");
    assertThat(cacheStatus(second)).isEqualTo("MISS");
  }

  @Test
  void cacheControlNoStoreIsRespectedOnResponsesAndRequests() throws Exception {
    server.handler(
        r ->
            r.path().equals("/secret")
                ? Reply.of(200, "secret", "Cache-Control", "no-store")
                : Reply.of(200, "public"));
    HitboxHttpClient client = client();

    client.send(get("/secret"), BodyHandlers.ofString());
    HttpResponse<String> again = client.send(get("/secret"), BodyHandlers.ofString());
    assertThat(server.calls()).isEqualTo(2);
    assertThat(cacheStatus(again)).isEqualTo("MISS");

    client.send(get("/public"), BodyHandlers.ofString());
    awaitStored(1);
    HttpRequest noStore =
        HttpRequest.newBuilder(server.uri("/public")).header("Cache-Control", "no-store").build();
    HttpResponse<String> bypassed = client.send(noStore, BodyHandlers.ofString());
    assertThat(server.calls()).isEqualTo(4);
    assertThat(cacheStatus(bypassed)).isEqualTo("MISS");
    assertThat(
            client
                .send(get("/public"), BodyHandlers.ofString())
                .headers()
                .firstValue("X-Cache-Status"))
        .hasValue("HIT");
  }

  @Test
  void aRequestBodyUsedForTheKeyStillReachesTheServerUnchanged() throws Exception {
    server.handler(r -> new Reply(200, r.body()));
    HitboxHttpClient client =
        HitboxHttpClient.builder(
                jdk,
                cache(
                    b ->
                        b.requestPredicate(RequestPredicate.method("POST"))
                            .extractor(
                                HttpExtractor.chain(
                                    List.of(HttpExtractor.uri(), HttpExtractor.bodyHash())))))
            .methods("GET", "HEAD", "POST")
            .build();
    byte[] other = "{\"query\":\"b\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    HttpResponse<byte[]> a1 = client.send(post("/search", ALL_BYTES), BodyHandlers.ofByteArray());
    HttpResponse<byte[]> b1 = client.send(post("/search", other), BodyHandlers.ofByteArray());
    awaitStored(2);
    HttpResponse<byte[]> a2 =
        client.sendAsync(post("/search", ALL_BYTES), BodyHandlers.ofByteArray()).get();

    assertThat(server.calls()).isEqualTo(2);
    assertThat(server.requests().get(0).body()).isEqualTo(ALL_BYTES);
    assertThat(server.requests().get(1).body()).isEqualTo(other);
    assertThat(server.requests().get(0).headers().getFirst("Content-Length"))
        .isEqualTo(Integer.toString(ALL_BYTES.length));
    assertThat(cacheStatus(a1)).isEqualTo("MISS");
    assertThat(cacheStatus(b1)).isEqualTo("MISS");
    assertThat(cacheStatus(a2)).isEqualTo("HIT");
    assertThat(a2.body()).isEqualTo(ALL_BYTES);
    assertThat(b1.body()).isEqualTo(other);
  }

  @Test
  void aRequestBodyOverTheLimitIsNotCachedAndReachesTheServerWhole() throws Exception {
    server.handler(r -> new Reply(200, r.body()));
    HitboxHttpClient client =
        HitboxHttpClient.builder(
                jdk,
                cache(
                    b ->
                        b.requestPredicate(RequestPredicate.method("POST"))
                            .requestBodyLimit(100)
                            .extractor(HttpExtractor.bodyHash())))
            .methods("POST")
            .build();
    byte[] big = allBytes(16);
    // No length: the cache reads up to its limit and sends what it read followed by the rest.
    HttpRequest request =
        HttpRequest.newBuilder(server.uri("/upload"))
            .POST(BodyPublishers.fromPublisher(BodyPublishers.ofByteArray(big)))
            .build();

    HttpResponse<byte[]> first = client.send(request, BodyHandlers.ofByteArray());
    HttpResponse<byte[]> second = client.send(request, BodyHandlers.ofByteArray());

    assertThat(server.calls()).isEqualTo(2);
    assertThat(server.requests()).allSatisfy(r -> assertThat(r.body()).isEqualTo(big));
    assertThat(first.body()).isEqualTo(big);
    assertThat(cacheStatus(second)).isEqualTo("MISS");
  }

  @Test
  void aResponseOverTheLimitStreamsThroughUnstored() throws Exception {
    byte[] big = allBytes(64);
    server.handler(r -> new Reply(200, big));
    HitboxHttpClient client = HitboxHttpClient.wrap(jdk, cache(b -> b.responseBodyLimit(1000)));

    HttpResponse<byte[]> first = client.send(get("/big"), BodyHandlers.ofByteArray());
    HttpResponse<InputStream> second = client.send(get("/big"), BodyHandlers.ofInputStream());

    assertThat(server.calls()).isEqualTo(2);
    assertThat(first.body()).isEqualTo(big);
    try (InputStream in = second.body()) {
      assertThat(in.readAllBytes()).isEqualTo(big);
    }
    assertThat(cacheStatus(second)).isEqualTo("MISS");
  }

  @Test
  void aFailureOfTheWrappedClientReachesTheCallerUnchanged() throws Exception {
    URI closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      closed = URI.create("http://127.0.0.1:" + s.getLocalPort() + "/");
    }
    HitboxHttpClient client = client();
    HttpRequest request = HttpRequest.newBuilder(closed).build();

    assertThatThrownBy(() -> client.send(request, BodyHandlers.ofString()))
        .isInstanceOf(ConnectException.class);
    assertThatThrownBy(() -> client.sendAsync(request, BodyHandlers.ofString()).get())
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(ConnectException.class);
  }

  @Test
  void aStaleResponseIsServedWhileItIsRefreshedInTheBackground() throws Exception {
    AtomicInteger version = new AtomicInteger();
    server.handler(r -> Reply.of(200, "v" + version.incrementAndGet()));
    FakeTicker ticker = new FakeTicker();
    HitboxHttpClient client =
        HitboxHttpClient.wrap(
            jdk,
            cache(
                b ->
                    b.ticker(ticker)
                        .backend(CaffeineBackend.builder().ticker(ticker).build())
                        .policy(
                            CachePolicy.builder()
                                .ttl(Duration.ofSeconds(10))
                                .stale(Duration.ofMinutes(1))
                                .stalePolicy(StalePolicy.OFFLOAD_REVALIDATE)
                                .build())));

    assertThat(client.send(get("/news"), BodyHandlers.ofString()).body()).isEqualTo("v1");
    awaitStored(1);
    ticker.advance(Duration.ofSeconds(11));
    HttpResponse<String> stale = client.send(get("/news"), BodyHandlers.ofString());
    assertThat(stale.body()).isEqualTo("v1");
    assertThat(cacheStatus(stale)).isEqualTo("STALE");

    await().until(() -> client.send(get("/news"), BodyHandlers.ofString()).body().equals("v2"));
    assertThat(server.calls()).isEqualTo(2);
  }

  @Test
  void invalidateRemovesTheStoredResponse() throws Exception {
    HitboxHttpClient client = client();
    client.send(get("/a"), BodyHandlers.ofString());
    awaitStored(1);

    assertThat(client.invalidate(get("/a")).get()).isTrue();

    assertThat(cacheStatus(client.send(get("/a"), BodyHandlers.ofString()))).isEqualTo("MISS");
    assertThat(server.calls()).isEqualTo(2);
  }

  @Test
  void settingsAreTheWrappedClients() {
    HitboxHttpClient client =
        HitboxHttpClient.builder(jdk, cache(b -> b)).methods("get", "POST").build();

    assertThat(client.version()).isEqualTo(jdk.version());
    assertThat(client.followRedirects()).isEqualTo(jdk.followRedirects());
    assertThat(client.sslContext()).isSameAs(jdk.sslContext());
    assertThat(client.client()).isSameAs(jdk);
    assertThat(client.methods()).containsExactlyInAnyOrder("GET", "POST");
    assertThatThrownBy(() -> HitboxHttpClient.builder(jdk, client.cache()).methods())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("methods: []");
    assertThatThrownBy(() -> HitboxHttpClient.builder(jdk, client.cache()).methods("GE T"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"GE T\"");
  }

  private HttpRequest post(String path, byte[] body) {
    return HttpRequest.newBuilder(server.uri(path))
        .POST(BodyPublishers.ofByteArray(body))
        .header("Content-Type", "application/json")
        .build();
  }
}
