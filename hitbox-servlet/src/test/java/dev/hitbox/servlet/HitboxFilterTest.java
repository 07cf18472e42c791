package dev.hitbox.servlet;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hitbox.caffeine.CaffeineBackend;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CacheListener;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.http.HttpCache;
import dev.hitbox.http.HttpExtractor;
import dev.hitbox.http.RequestPredicate;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The filter in an embedded Jetty, driven over HTTP by the JDK client. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HitboxFilterTest {
  private static final byte[] BYTES = new byte[5000];

  static {
    new Random(42).nextBytes(BYTES);
  }

  private final JettyFixture jetty = new JettyFixture(16);
  private final ExecutorService appThreads = Executors.newCachedThreadPool();
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicInteger dogpileWaits = new AtomicInteger();
  private final CountDownLatch slowGate = new CountDownLatch(1);
  private final CountDownLatch cookieGate = new CountDownLatch(1);
  private final CountDownLatch blockingGate = new CountDownLatch(1);

  /** A servlet from a lambda. */
  interface Handler {
    void handle(HttpServletRequest req, HttpServletResponse res) throws Exception;
  }

  static HttpServlet servlet(Handler h) {
    return new HttpServlet() {
      @Override
      protected void service(HttpServletRequest req, HttpServletResponse res)
          throws ServletException {
        try {
          h.handle(req, res);
        } catch (ServletException e) {
          throw e;
        } catch (Exception e) {
          throw new ServletException(e);
        }
      }
    };
  }

  @BeforeAll
  void start() throws Exception {
    CaffeineBackend backend = CaffeineBackend.builder().maxCapacity(1000).build();
    CachePolicy policy = CachePolicy.builder().ttl(Duration.ofMinutes(5)).concurrency(1).build();
    HttpCache main =
        HttpCache.builder("main")
            .backend(backend)
            .policy(policy)
            .requestPredicate(RequestPredicate.method("GET", "HEAD"))
            .listener(
                new CacheListener() {
                  @Override
                  public void onDogpileWait(CacheKey key) {
                    dogpileWaits.incrementAndGet();
                  }
                })
            .build();
    HttpCache small =
        HttpCache.builder("small").backend(backend).policy(policy).responseBodyLimit(1024).build();
    HttpCache bodies =
        HttpCache.builder("bodies")
            .backend(backend)
            .policy(policy)
            .requestPredicate(RequestPredicate.method("POST"))
            .extractor(HttpExtractor.builder().path("/echo/{kind}").bodyHash().build())
            .requestBodyLimit(64)
            .build();
    jetty.filter("/app/*", HitboxFilter.of(main));
    jetty.filter("/big/*", HitboxFilter.of(small));
    jetty.filter("/echo/*", HitboxFilter.of(bodies));
    jetty.filter("/blocking/*", HitboxFilter.of(main), false);

    jetty.servlet(
        "/app/bytes/*",
        servlet(
            (req, res) -> {
              calls.incrementAndGet();
              res.setStatus(req.getPathInfo().startsWith("/etag") ? 200 : 203);
              res.setContentType("application/octet-stream");
              res.addHeader("X-Order", "1");
              res.addHeader("x-other", "a");
              res.addHeader("X-Order", "2");
              res.setHeader("ETag", "\"v1\"");
              res.getOutputStream().write(BYTES);
            }));
    jetty.servlet(
        "/app/text",
        servlet(
            (req, res) -> {
              int n = calls.incrementAndGet();
              res.setContentType("text/plain");
              res.setCharacterEncoding("UTF-8");
              res.getWriter().print("héllo " + n);
            }));
    jetty.servlet(
        "/app/cookie",
        servlet(
            (req, res) -> {
              int n = calls.incrementAndGet();
              res.addCookie(new Cookie("session", "user" + n));
              res.getWriter().print("page for user" + n);
            }));
    jetty.servlet(
        "/app/async-complete",
        servlet(
            (req, res) -> {
              int n = calls.incrementAndGet();
              AsyncContext ctx = req.startAsync();
              appThreads.execute(
                  () -> {
                    try {
                      ctx.getResponse().setContentType("text/plain");
                      ctx.getResponse().getOutputStream().write(("async " + n).getBytes(UTF_8));
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    } finally {
                      ctx.complete();
                    }
                  });
            }));
    jetty.servlet(
        "/app/async-dispatch",
        servlet(
            (req, res) -> {
              if (req.getDispatcherType() == DispatcherType.ASYNC) {
                res.setContentType("text/plain");
                res.getWriter().print("dispatched " + req.getAttribute("n"));
                return;
              }
              int n = calls.incrementAndGet();
              AsyncContext ctx = req.startAsync();
              appThreads.execute(
                  () -> {
                    req.setAttribute("n", n);
                    ctx.dispatch();
                  });
            }));
    jetty.servlet(
        "/app/slow",
        servlet(
            (req, res) -> {
              int n = calls.incrementAndGet();
              slowGate.await(20, TimeUnit.SECONDS);
              res.getWriter().print("slow " + n);
            }));
    jetty.servlet(
        "/app/slow-cookie",
        servlet(
            (req, res) -> {
              int n = calls.incrementAndGet();
              cookieGate.await(20, TimeUnit.SECONDS);
              res.addCookie(new Cookie("session", "user" + n));
              res.getWriter().print("slow cookie " + n);
            }));
    jetty.servlet(
        "/blocking/*",
        servlet(
            (req, res) -> {
              int n = calls.incrementAndGet();
              blockingGate.await(20, TimeUnit.SECONDS);
              res.getWriter().print("blocking " + n);
            }));
    jetty.servlet("/plain", servlet((req, res) -> res.getWriter().print("plain")));
    jetty.servlet(
        "/app/fail",
        servlet(
            (req, res) -> {
              calls.incrementAndGet();
              throw new ServletException("boom");
            }));
    jetty.servlet(
        "/app/missing",
        servlet(
            (req, res) -> {
              calls.incrementAndGet();
              res.sendError(404, "no such thing");
            }));
    jetty.servlet(
        "/big/*",
        servlet(
            (req, res) -> {
              calls.incrementAndGet();
              res.setContentType("application/octet-stream");
              res.getOutputStream().write(BYTES);
            }));
    jetty.servlet(
        "/echo/*",
        servlet(
            (req, res) -> {
              int n = calls.incrementAndGet();
              String body =
                  req.getPathInfo().equals("/form")
                      ? "a=" + req.getParameter("a") + ",b=" + req.getParameter("b")
                      : new String(req.getInputStream().readAllBytes(), UTF_8);
              res.setContentType("text/plain;charset=utf-8");
              res.getOutputStream().write((body + "#" + n).getBytes(UTF_8));
            }));
    jetty.start();
  }

  @AfterAll
  void stop() throws Exception {
    slowGate.countDown();
    cookieGate.countDown();
    blockingGate.countDown();
    jetty.close();
    appThreads.shutdownNow();
  }

  @Test
  void missThenHitKeepsStatusHeadersAndBodyByteForByte() throws Exception {
    int before = calls.get();
    HttpResponse<byte[]> miss = jetty.get("/app/bytes/1");
    HttpResponse<byte[]> hit = jetty.get("/app/bytes/1");

    assertThat(miss.headers().firstValue("X-Cache-Status")).hasValue("MISS");
    assertThat(hit.headers().firstValue("X-Cache-Status")).hasValue("HIT");
    assertThat(hit.headers().firstValue("Cache-Status")).hasValue("hitbox; hit");
    assertThat(hit.headers().firstValue("Age")).isPresent();
    for (HttpResponse<byte[]> r : List.of(miss, hit)) {
      assertThat(r.statusCode()).isEqualTo(203);
      assertThat(r.body()).isEqualTo(BYTES);
      assertThat(r.headers().allValues("X-Order")).containsExactly("1", "2");
      assertThat(r.headers().firstValue("x-other")).hasValue("a");
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
      assertThat(r.headers().firstValue("Content-Length")).hasValue("5000");
    }
    assertThat(calls.get() - before).isEqualTo(1);
  }

  @Test
  void aWriterKeepsItsCharset() throws Exception {
    HttpResponse<byte[]> miss = jetty.get("/app/text?x=1");
    HttpResponse<byte[]> hit = jetty.get("/app/text?x=1");

    assertThat(hit.headers().firstValue("X-Cache-Status")).hasValue("HIT");
    assertThat(new String(hit.body(), UTF_8)).isEqualTo(new String(miss.body(), UTF_8));
    assertThat(new String(hit.body(), UTF_8)).startsWith("héllo ");
    assertThat(hit.headers().firstValue("Content-Type").orElseThrow())
        .isEqualToIgnoringCase("text/plain;charset=UTF-8");
  }

  @Test
  void theClientsValidatorIsAnsweredFromTheCache() throws Exception {
    jetty.get("/app/bytes/etag");
    int before = calls.get();

    HttpResponse<byte[]> r = jetty.get("/app/bytes/etag", "If-None-Match", "\"v1\"");

    assertThat(r.statusCode()).isEqualTo(304);
    assertThat(r.body()).isEmpty();
    assertThat(r.headers().firstValue("X-Cache-Status")).hasValue("HIT");
    assertThat(calls.get()).isEqualTo(before);
  }

  private HttpResponse<byte[]> head(String path) throws Exception {
    return jetty.client.send(
        jetty
            .request(path)
            .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void aHeadAfterAGetIsAnsweredFromTheGetsEntry() throws Exception {
    jetty.get("/app/bytes/head-hit");
    int before = calls.get();

    HttpResponse<byte[]> head = head("/app/bytes/head-hit");

    assertThat(head.statusCode()).isEqualTo(203);
    assertThat(head.headers().firstValue("X-Cache-Status")).hasValue("HIT");
    assertThat(head.headers().firstValue("Content-Length")).hasValue("5000");
    assertThat(head.body()).isEmpty();
    assertThat(calls.get()).isEqualTo(before);
  }

  @Test
  void aHeadThatMissesRunsTheApplicationAndAGetAfterItGetsTheWholeBody() throws Exception {
    int before = calls.get();

    HttpResponse<byte[]> head = head("/app/bytes/head-miss");
    HttpResponse<byte[]> get = jetty.get("/app/bytes/head-miss");
    HttpResponse<byte[]> again = jetty.get("/app/bytes/head-miss");

    assertThat(head.headers().firstValue("X-Cache-Status")).hasValue("MISS");
    assertThat(get.headers().firstValue("X-Cache-Status")).hasValue("MISS");
    assertThat(get.body()).isEqualTo(BYTES);
    assertThat(again.headers().firstValue("X-Cache-Status")).hasValue("HIT");
    assertThat(again.body()).isEqualTo(BYTES);
    assertThat(calls.get() - before).isEqualTo(2);
  }

  @Test
  void aRangeIsA206FromTheStoredBody() throws Exception {
    jetty.get("/app/bytes/etag-range");

    HttpResponse<byte[]> r = jetty.get("/app/bytes/etag-range", "Range", "bytes=10-19");

    assertThat(r.statusCode()).isEqualTo(206);
    assertThat(r.headers().firstValue("Content-Range")).hasValue("bytes 10-19/5000");
    assertThat(r.body()).isEqualTo(java.util.Arrays.copyOfRange(BYTES, 10, 20));
    assertThat(r.headers().firstValue("X-Cache-Status")).hasValue("HIT");
  }

  @Test
  void aResponseWithSetCookieIsNeverServedToAnotherClient() throws Exception {
    int before = calls.get();
    // Two clients without cookies: the JDK client keeps none unless given a cookie handler.
    HttpResponse<byte[]> first = jetty.get("/app/cookie");
    HttpResponse<byte[]> second = jetty.get("/app/cookie");

    assertThat(first.headers().allValues("Set-Cookie"))
        .singleElement()
        .asString()
        .startsWith("session=user" + (before + 1));
    assertThat(second.headers().allValues("Set-Cookie"))
        .singleElement()
        .asString()
        .startsWith("session=user" + (before + 2));
    assertThat(new String(second.body(), UTF_8)).isEqualTo("page for user" + (before + 2));
    assertThat(second.headers().firstValue("X-Cache-Status")).hasValue("MISS");
    assertThat(calls.get() - before).isEqualTo(2);
  }

  @Test
  void requestsTheCacheRefusesPassThroughUnchanged() throws Exception {
    int before = calls.get();
    HttpResponse<byte[]> authorized = jetty.get("/app/bytes/2", "Authorization", "Bearer a");
    HttpResponse<byte[]> authorizedAgain = jetty.get("/app/bytes/2", "Authorization", "Bearer b");
    HttpResponse<byte[]> delete =
        jetty.client.send(
            jetty.request("/app/bytes/2").method("DELETE", BodyPublishers.noBody()).build(),
            BodyHandlers.ofByteArray());

    for (HttpResponse<byte[]> r : List.of(authorized, authorizedAgain, delete)) {
      assertThat(r.statusCode()).isEqualTo(203);
      assertThat(r.body()).isEqualTo(BYTES);
      assertThat(r.headers().firstValue("X-Cache-Status")).isEmpty();
    }
    assertThat(calls.get() - before).isEqualTo(3);
  }

  @Test
  void aRefusedRequestWithABodyBypassesTheCache() throws Exception {
    // Only the cache knows whether it must read a body to decide, so it sees the request, and
    // says it went upstream.
    int before = calls.get();
    byte[] x = "x".getBytes(UTF_8);
    HttpResponse<byte[]> first = jetty.post("/app/bytes/3", "application/octet-stream", x);
    HttpResponse<byte[]> second = jetty.post("/app/bytes/3", "application/octet-stream", x);

    for (HttpResponse<byte[]> r : List.of(first, second)) {
      assertThat(r.body()).isEqualTo(BYTES);
      assertThat(r.headers().firstValue("X-Cache-Status")).hasValue("MISS");
      assertThat(r.headers().firstValue("Cache-Status").orElseThrow()).contains("fwd=bypass");
    }
    assertThat(calls.get() - before).isEqualTo(2);
  }

  @Test
  void anAsyncServletThatCompletesIsCachedWhenItCompletes() throws Exception {
    int before = calls.get();
    HttpResponse<byte[]> miss = jetty.get("/app/async-complete");
    // The cache write follows the answer; a request during it shares the value, then hits.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                jetty
                    .get("/app/async-complete")
                    .headers()
                    .firstValue("X-Cache-Status")
                    .orElse("")
                    .equals("HIT"));
    HttpResponse<byte[]> hit = jetty.get("/app/async-complete");

    assertThat(miss.headers().firstValue("X-Cache-Status")).hasValue("MISS");
    assertThat(new String(hit.body(), UTF_8)).isEqualTo("async " + (before + 1));
    assertThat(hit.body()).isEqualTo(miss.body());
    assertThat(calls.get() - before).isEqualTo(1);
  }

  @Test
  void anAsyncServletThatDispatchesIsCachedWhenTheDispatchReturns() throws Exception {
    int before = calls.get();
    HttpResponse<byte[]> miss = jetty.get("/app/async-dispatch");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                jetty
                    .get("/app/async-dispatch")
                    .headers()
                    .firstValue("X-Cache-Status")
                    .orElse("")
                    .equals("HIT"));
    HttpResponse<byte[]> hit = jetty.get("/app/async-dispatch");

    assertThat(miss.headers().firstValue("X-Cache-Status")).hasValue("MISS");
    assertThat(hit.headers().firstValue("X-Cache-Status")).hasValue("HIT");
    assertThat(new String(hit.body(), UTF_8)).isEqualTo("dispatched " + (before + 1));
    assertThat(calls.get() - before).isEqualTo(1);
  }

  @Test
  void concurrentRequestsCallTheApplicationOnceAndWaitWithoutHoldingThreads() throws Exception {
    int before = calls.get();
    int waitsBefore = dogpileWaits.get();
    int clients = 24; // more than the server's 16 threads
    List<CompletableFuture<HttpResponse<byte[]>>> all = new ArrayList<>();
    all.add(
        jetty.client.sendAsync(
            jetty.request("/app/slow").build(), HttpResponse.BodyHandlers.ofByteArray()));
    await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() - before == 1);
    for (int i = 1; i < clients; i++) {
      all.add(
          jetty.client.sendAsync(
              jetty.request("/app/slow").build(), HttpResponse.BodyHandlers.ofByteArray()));
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> dogpileWaits.get() - waitsBefore == clients - 1);

    // The waiters hold no container thread: another request is served while they wait.
    assertThat(new String(jetty.get("/plain").body(), UTF_8)).isEqualTo("plain");

    slowGate.countDown();
    for (CompletableFuture<HttpResponse<byte[]>> f : all) {
      HttpResponse<byte[]> r = f.get(20, TimeUnit.SECONDS);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(new String(r.body(), UTF_8)).isEqualTo("slow " + (before + 1));
    }
    assertThat(calls.get() - before).isEqualTo(1);
  }

  @Test
  void waitersReleasedByAnUncacheableAnswerEachRunTheApplicationOnADispatch() throws Exception {
    int before = calls.get();
    int waitsBefore = dogpileWaits.get();
    List<CompletableFuture<HttpResponse<byte[]>>> all = new ArrayList<>();
    all.add(
        jetty.client.sendAsync(
            jetty.request("/app/slow-cookie").build(), BodyHandlers.ofByteArray()));
    await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() - before == 1);
    for (int i = 0; i < 4; i++) {
      all.add(
          jetty.client.sendAsync(
              jetty.request("/app/slow-cookie").build(), BodyHandlers.ofByteArray()));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> dogpileWaits.get() - waitsBefore == 4);
    cookieGate.countDown();

    List<String> bodies = new ArrayList<>();
    for (CompletableFuture<HttpResponse<byte[]>> f : all) {
      HttpResponse<byte[]> r = f.get(20, TimeUnit.SECONDS);
      String body = new String(r.body(), UTF_8);
      bodies.add(body);
      String n = body.substring("slow cookie ".length());
      assertThat(r.headers().allValues("Set-Cookie"))
          .singleElement()
          .asString()
          .startsWith("session=user" + n);
    }
    assertThat(bodies).doesNotHaveDuplicates().hasSize(5);
    assertThat(calls.get() - before).isEqualTo(5);
  }

  @Test
  void withoutAsyncSupportWaitersHoldTheirThreadAndStillShareOneCall() throws Exception {
    int before = calls.get();
    int waitsBefore = dogpileWaits.get();
    List<CompletableFuture<HttpResponse<byte[]>>> all = new ArrayList<>();
    all.add(
        jetty.client.sendAsync(jetty.request("/blocking/1").build(), BodyHandlers.ofByteArray()));
    await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() - before == 1);
    for (int i = 0; i < 3; i++) {
      all.add(
          jetty.client.sendAsync(jetty.request("/blocking/1").build(), BodyHandlers.ofByteArray()));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> dogpileWaits.get() - waitsBefore == 3);
    blockingGate.countDown();

    for (CompletableFuture<HttpResponse<byte[]>> f : all) {
      assertThat(new String(f.get(20, TimeUnit.SECONDS).body(), UTF_8))
          .isEqualTo("blocking " + (before + 1));
    }
    assertThat(calls.get() - before).isEqualTo(1);
  }

  @Test
  void anApplicationFailureReachesTheClientAndIsNotCached() throws Exception {
    int before = calls.get();
    assertThat(jetty.get("/app/fail").statusCode()).isEqualTo(500);
    assertThat(jetty.get("/app/fail").statusCode()).isEqualTo(500);
    assertThat(calls.get() - before).isEqualTo(2);
  }

  @Test
  void sendErrorGoesStraightToTheClientAndIsNotCached() throws Exception {
    int before = calls.get();
    HttpResponse<byte[]> first = jetty.get("/app/missing");
    HttpResponse<byte[]> second = jetty.get("/app/missing");

    assertThat(first.statusCode()).isEqualTo(404);
    assertThat(second.statusCode()).isEqualTo(404);
    assertThat(calls.get() - before).isEqualTo(2);
  }

  @Test
  void aBodyOverTheResponseLimitStreamsThroughUnstored() throws Exception {
    int before = calls.get();
    HttpResponse<byte[]> first = jetty.get("/big/1");
    HttpResponse<byte[]> second = jetty.get("/big/1");

    assertThat(first.body()).isEqualTo(BYTES);
    assertThat(second.body()).isEqualTo(BYTES);
    assertThat(second.headers().firstValue("X-Cache-Status")).isEmpty();
    assertThat(calls.get() - before).isEqualTo(2);
  }

  @Test
  void aRequestBodyReadByTheCacheStillReachesTheApplication() throws Exception {
    int before = calls.get();
    byte[] small = "{\"q\":1}".getBytes(UTF_8);
    HttpResponse<byte[]> miss = jetty.post("/echo/json", "application/json", small);
    HttpResponse<byte[]> hit = jetty.post("/echo/json", "application/json", small);
    byte[] large = "x".repeat(1000).getBytes(UTF_8);
    HttpResponse<byte[]> over = jetty.post("/echo/json", "application/json", large);

    assertThat(miss.headers().firstValue("X-Cache-Status")).hasValue("MISS");
    assertThat(hit.headers().firstValue("X-Cache-Status")).hasValue("HIT");
    assertThat(new String(hit.body(), UTF_8)).isEqualTo("{\"q\":1}#" + (before + 1));
    assertThat(new String(over.body(), UTF_8)).isEqualTo("x".repeat(1000) + "#" + (before + 2));
    assertThat(calls.get() - before).isEqualTo(2);
  }

  @Test
  void formParametersAreParsedFromTheBodyTheCacheRead() throws Exception {
    int before = calls.get();
    byte[] form = "a=1&b=caf%C3%A9".getBytes(UTF_8);
    HttpResponse<byte[]> miss = jetty.post("/echo/form", "application/x-www-form-urlencoded", form);
    HttpResponse<byte[]> hit = jetty.post("/echo/form", "application/x-www-form-urlencoded", form);

    assertThat(new String(miss.body(), UTF_8)).isEqualTo("a=1,b=café#" + (before + 1));
    assertThat(hit.headers().firstValue("X-Cache-Status")).hasValue("HIT");
    assertThat(calls.get() - before).isEqualTo(1);
  }
}
