package dev.hitbox.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hitbox.caffeine.CaffeineBackend;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.StalePolicy;
import dev.hitbox.http.HttpCache;
import dev.hitbox.http.HttpExtractor;
import dev.hitbox.http.RequestPredicate;
import dev.hitbox.testkit.FakeTicker;
import dev.hitbox.testkit.RecordingListener;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HitboxInterceptorTest {
  private static final byte[] ALL_BYTES = allBytes(4);
  private static final MediaType BINARY = MediaType.parse("application/octet-stream");

  private final RecordingListener listener = new RecordingListener();
  private final List<RecordedRequest> received = new CopyOnWriteArrayList<>();
  private volatile Function<RecordedRequest, MockResponse> handler =
      r -> new MockResponse.Builder().body("hello").build();
  private final MockWebServer server = new MockWebServer();
  private final List<OkHttpClient> clients = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            received.add(request);
            return handler.apply(request);
          }
        });
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach
  void stop() {
    for (OkHttpClient c : clients) {
      c.dispatcher().executorService().shutdownNow();
      c.connectionPool().evictAll();
    }
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

  private OkHttpClient client(HitboxInterceptor interceptor) {
    OkHttpClient c = new OkHttpClient.Builder().addInterceptor(interceptor).build();
    clients.add(c);
    return c;
  }

  private OkHttpClient client() {
    return client(new HitboxInterceptor(cache(b -> b)));
  }

  /** The engine stores a response just after its caller has it: wait for the n-th write. */
  private void awaitStored(int writes) {
    await().until(() -> listener.count("backend-write") >= writes);
  }

  private Request get(String path) {
    return new Request.Builder().url(server.url(path)).build();
  }

  private Request post(String path, byte[] body) {
    return new Request.Builder()
        .url(server.url(path))
        .post(RequestBody.create(body, BINARY))
        .build();
  }

  private static MockResponse binary(byte[] body, String... headers) {
    MockResponse.Builder b = new MockResponse.Builder().body(new Buffer().write(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.addHeader(headers[i], headers[i + 1]);
    }
    return b.build();
  }

  /** The status, header fields and body of a response, read and closed. */
  private record Result(Response response, byte[] body) {
    String cacheStatus() {
      return response.header("X-Cache-Status");
    }
  }

  private static Result execute(OkHttpClient client, Request request) throws IOException {
    try (Response res = client.newCall(request).execute()) {
      return new Result(res, res.body().bytes());
    }
  }

  private static CompletableFuture<Result> enqueue(OkHttpClient client, Request request) {
    CompletableFuture<Result> f = new CompletableFuture<>();
    client
        .newCall(request)
        .enqueue(
            new Callback() {
              @Override
              public void onFailure(Call call, IOException e) {
                f.completeExceptionally(e);
              }

              @Override
              public void onResponse(Call call, Response response) {
                try (response) {
                  f.complete(new Result(response, response.body().bytes()));
                } catch (IOException e) {
                  f.completeExceptionally(e);
                }
              }
            });
    return f;
  }

  @Test
  void executeAnswersTheSecondCallFromTheCacheWithTheSameBytes() throws Exception {
    handler = r -> binary(ALL_BYTES, "Content-Type", "application/octet-stream", "X-Api", "v1");
    OkHttpClient client = client();

    Result miss = execute(client, get("/blob"));
    awaitStored(1);
    Result hit = execute(client, get("/blob"));

    assertThat(received).hasSize(1);
    assertThat(miss.cacheStatus()).isEqualTo("MISS");
    assertThat(hit.cacheStatus()).isEqualTo("HIT");
    for (Result r : List.of(miss, hit)) {
      assertThat(r.response().code()).isEqualTo(200);
      assertThat(r.response().message()).isEqualTo("OK");
      assertThat(r.body()).isEqualTo(ALL_BYTES);
      assertThat(r.response().header("Content-Type")).isEqualTo("application/octet-stream");
      assertThat(r.response().header("X-Api")).isEqualTo("v1");
      assertThat(r.response().header("Cache-Status")).isNotNull();
      assertThat(r.response().header("Age")).isNotNull();
      assertThat(r.response().request().url()).isEqualTo(server.url("/blob"));
    }
    assertThat(hit.response().protocol()).isEqualTo(Protocol.HTTP_1_1);
    assertThat(hit.response().networkResponse()).isNull();
    assertThat(miss.response().networkResponse()).isNotNull();
  }

  @Test
  void enqueueAnswersTheSecondCallFromTheCache() throws Exception {
    handler = r -> new MockResponse.Builder().body("grüße").build();
    OkHttpClient client = client();

    Result miss = enqueue(client, get("/text")).get(10, TimeUnit.SECONDS);
    awaitStored(1);
    Result hit = enqueue(client, get("/text")).get(10, TimeUnit.SECONDS);

    assertThat(received).hasSize(1);
    assertThat(miss.cacheStatus()).isEqualTo("MISS");
    assertThat(hit.cacheStatus()).isEqualTo("HIT");
    assertThat(new String(hit.body(), StandardCharsets.UTF_8)).isEqualTo("grüße");
  }

  @Test
  void statusAndHeaderFieldsOfANotFoundAreKept() throws Exception {
    handler =
        r ->
            new MockResponse.Builder()
                .code(404)
                .addHeader("X-Reason", "gone")
                .addHeader("X-Reason", "away")
                .body("no such author")
                .build();
    OkHttpClient client = client();

    execute(client, get("/authors/9"));
    awaitStored(1);
    Result hit = execute(client, get("/authors/9"));

    assertThat(received).hasSize(1);
    assertThat(hit.response().code()).isEqualTo(404);
    assertThat(hit.response().message()).isEqualTo("Not Found");
    assertThat(hit.response().headers("X-Reason")).containsExactly("gone", "away");
    assertThat(new String(hit.body(), StandardCharsets.UTF_8)).isEqualTo("no such author");
  }

  @Test
  void concurrentIdenticalRequestsCallTheServerOnce() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    handler =
        r -> {
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return binary(ALL_BYTES);
        };
    OkHttpClient client =
        client(
            new HitboxInterceptor(
                cache(b -> b.policy(CachePolicy.builder().concurrency(1).build()))));

    List<CompletableFuture<Result>> calls = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      calls.add(enqueue(client, get("/slow")));
    }
    await().until(() -> received.size() == 1 && listener.count("dogpile-wait") == 3);
    release.countDown();

    List<String> statuses = new ArrayList<>();
    for (CompletableFuture<Result> call : calls) {
      Result r = call.get(10, TimeUnit.SECONDS);
      assertThat(r.body()).isEqualTo(ALL_BYTES);
      statuses.add(r.cacheStatus());
    }
    // the leader missed; the three that waited for its answer are reported as hits
    assertThat(statuses).containsExactlyInAnyOrder("MISS", "HIT", "HIT", "HIT");
    assertThat(received).hasSize(1);
  }

  @Test
  void aCancelledCallStopsWaitingForAnotherCallersResponse() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    handler =
        r -> {
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return binary(ALL_BYTES);
        };
    OkHttpClient client =
        client(
            new HitboxInterceptor(
                cache(b -> b.policy(CachePolicy.builder().concurrency(1).build()))));

    CompletableFuture<Result> leader = enqueue(client, get("/slow"));
    await().until(() -> received.size() == 1);
    Call waiter = client.newCall(get("/slow"));
    CompletableFuture<Result> waiting =
        CompletableFuture.supplyAsync(
            () -> {
              try (Response res = waiter.execute()) {
                return new Result(res, res.body().bytes());
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    await().until(() -> listener.count("dogpile-wait") == 1);
    waiter.cancel();

    assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS))
        .hasRootCauseInstanceOf(IOException.class)
        .hasRootCauseMessage("Canceled");
    release.countDown();
    assertThat(leader.get(10, TimeUnit.SECONDS).body()).isEqualTo(ALL_BYTES);
  }

  @Test
  void postIsNotCachedByDefaultAndIsSentUnchanged() throws Exception {
    handler = r -> new MockResponse.Builder().body("created").build();
    OkHttpClient client = client();

    Result first = execute(client, post("/items", ALL_BYTES));
    Result second = execute(client, post("/items", ALL_BYTES));

    assertThat(received).hasSize(2);
    assertThat(first.cacheStatus()).isNull();
    assertThat(second.cacheStatus()).isNull();
    assertThat(received)
        .allSatisfy(
            r -> {
              assertThat(r.getMethod()).isEqualTo("POST");
              assertThat(r.getBody().toByteArray()).isEqualTo(ALL_BYTES);
            });
  }

  @Test
  void aResponseWithSetCookieIsNotServedToAnotherCall() throws Exception {
    AtomicInteger session = new AtomicInteger();
    handler =
        r ->
            new MockResponse.Builder()
                .addHeader("Set-Cookie", "id=" + session.incrementAndGet())
                .body("welcome")
                .build();
    OkHttpClient client = client();

    Result first = execute(client, get("/login"));
    Result second = execute(client, get("/login"));

    assertThat(received).hasSize(2);
    assertThat(first.response().header("Set-Cookie")).isEqualTo("id=1");
    assertThat(second.response().header("Set-Cookie")).isEqualTo("id=2");
    assertThat(second.cacheStatus()).isEqualTo("MISS");
  }

  @Test
  void cacheControlNoStoreIsRespectedOnResponsesAndRequests() throws Exception {
    handler =
        r ->
            r.getUrl().encodedPath().equals("/secret")
                ? new MockResponse.Builder()
                    .addHeader("Cache-Control", "no-store")
                    .body("s")
                    .build()
                : new MockResponse.Builder().body("public").build();
    OkHttpClient client = client();

    execute(client, get("/secret"));
    assertThat(execute(client, get("/secret")).cacheStatus()).isEqualTo("MISS");
    assertThat(received).hasSize(2);

    execute(client, get("/public"));
    awaitStored(1);
    Request noStore =
        new Request.Builder()
            .url(server.url("/public"))
            .header("Cache-Control", "no-store")
            .build();
    assertThat(execute(client, noStore).cacheStatus()).isEqualTo("MISS");
    assertThat(received).hasSize(4);
    assertThat(execute(client, get("/public")).cacheStatus()).isEqualTo("HIT");
  }

  @Test
  void aRequestBodyUsedForTheKeyStillReachesTheServerUnchanged() throws Exception {
    handler = r -> binary(r.getBody().toByteArray());
    OkHttpClient client =
        client(
            HitboxInterceptor.builder(
                    cache(
                        b ->
                            b.requestPredicate(RequestPredicate.method("POST"))
                                .extractor(
                                    HttpExtractor.chain(
                                        List.of(HttpExtractor.uri(), HttpExtractor.bodyHash())))))
                .methods("GET", "HEAD", "POST")
                .build());
    byte[] other = "{\"query\":\"b\"}".getBytes(StandardCharsets.UTF_8);

    Result a1 = execute(client, post("/search", ALL_BYTES));
    Result b1 = execute(client, post("/search", other));
    awaitStored(2);
    Result a2 = execute(client, post("/search", ALL_BYTES));

    assertThat(received).hasSize(2);
    assertThat(received.get(0).getBody().toByteArray()).isEqualTo(ALL_BYTES);
    assertThat(received.get(1).getBody().toByteArray()).isEqualTo(other);
    assertThat(received.get(0).getHeaders().get("Content-Type"))
        .isEqualTo("application/octet-stream");
    assertThat(a1.cacheStatus()).isEqualTo("MISS");
    assertThat(b1.cacheStatus()).isEqualTo("MISS");
    assertThat(a2.cacheStatus()).isEqualTo("HIT");
    assertThat(a2.body()).isEqualTo(ALL_BYTES);
    assertThat(b1.body()).isEqualTo(other);
  }

  @Test
  void aResponseOverTheLimitStreamsThroughUnstored() throws Exception {
    byte[] big = allBytes(64);
    handler = r -> binary(big);
    OkHttpClient client = client(new HitboxInterceptor(cache(b -> b.responseBodyLimit(1000))));

    Result first = execute(client, get("/big"));
    try (Response second = client.newCall(get("/big")).execute();
        InputStream in = second.body().byteStream()) {
      assertThat(in.readAllBytes()).isEqualTo(big);
      assertThat(second.header("X-Cache-Status")).isEqualTo("MISS");
    }

    assertThat(received).hasSize(2);
    assertThat(first.body()).isEqualTo(big);
  }

  @Test
  void aFailureDownTheChainReachesTheCallerUnchanged() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    OkHttpClient client = client();
    Request request = new Request.Builder().url("http://127.0.0.1:" + port + "/").build();

    assertThatThrownBy(() -> execute(client, request)).isInstanceOf(ConnectException.class);
    assertThatThrownBy(() -> enqueue(client, request).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(ConnectException.class);
  }

  @Test
  void aStaleResponseIsServedWhileAClonedCallRefreshesIt() throws Exception {
    AtomicInteger version = new AtomicInteger();
    handler = r -> new MockResponse.Builder().body("v" + version.incrementAndGet()).build();
    FakeTicker ticker = new FakeTicker();
    HitboxInterceptor hitbox =
        new HitboxInterceptor(
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
    AtomicInteger outer = new AtomicInteger();
    OkHttpClient client =
        new OkHttpClient.Builder()
            .addInterceptor(
                chain -> {
                  outer.incrementAndGet();
                  return chain.proceed(chain.request());
                })
            .addInterceptor(hitbox)
            .build();
    clients.add(client);
    AtomicInteger calls = new AtomicInteger();
    Callable<String> news =
        () -> {
          calls.incrementAndGet();
          return new String(execute(client, get("/news")).body(), StandardCharsets.UTF_8);
        };

    assertThat(news.call()).isEqualTo("v1");
    awaitStored(1);
    ticker.advance(Duration.ofSeconds(11));
    Result stale = execute(client, get("/news"));
    calls.incrementAndGet();
    assertThat(stale.body()).asString(StandardCharsets.UTF_8).isEqualTo("v1");
    assertThat(stale.cacheStatus()).isEqualTo("STALE");

    await().until(news, "v2"::equals);
    assertThat(received).hasSize(2);
    // The refresh ran as a call of its own, through the interceptors before this one.
    assertThat(outer.get()).isEqualTo(calls.get() + 1);
  }

  @Test
  void invalidateRemovesTheStoredResponse() throws Exception {
    HitboxInterceptor interceptor = new HitboxInterceptor(cache(b -> b));
    OkHttpClient client = client(interceptor);
    execute(client, get("/a"));
    awaitStored(1);

    assertThat(interceptor.invalidate(get("/a")).get()).isTrue();

    assertThat(execute(client, get("/a")).cacheStatus()).isEqualTo("MISS");
    assertThat(received).hasSize(2);
  }

  @Test
  void theBuilderChecksMethods() {
    HitboxInterceptor interceptor =
        HitboxInterceptor.builder(cache(b -> b)).methods("get", "POST").build();

    assertThat(interceptor.methods()).containsExactlyInAnyOrder("GET", "POST");
    assertThatThrownBy(() -> HitboxInterceptor.builder(interceptor.cache()).methods())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("methods: []");
    assertThatThrownBy(() -> HitboxInterceptor.builder(interceptor.cache()).methods("GE T"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"GE T\"");
  }
}
