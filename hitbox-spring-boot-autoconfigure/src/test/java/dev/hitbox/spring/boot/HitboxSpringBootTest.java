package dev.hitbox.spring.boot;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hitbox.http.HttpCache;
import dev.hitbox.spring.boot.app.TestApplication;
import dev.hitbox.spring.boot.app.TestApplication.Book;
import dev.hitbox.spring.cache.HitboxCacheManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.cache.CacheManager;

/** A real application context on a random port, driven over HTTP. */
@SpringBootTest(
    classes = TestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HitboxSpringBootTest {
  private static final ExecutorService CALLERS = Executors.newCachedThreadPool();

  private final HttpClient client = HttpClient.newHttpClient();

  @LocalServerPort int port;
  @Autowired TestApplication.Api api;
  @Autowired TestApplication.Books books;
  @Autowired TestApplication.Waits waits;
  @Autowired CacheManager cacheManager;
  @Autowired List<HttpCache> httpCaches;

  @AfterAll
  static void stop() {
    CALLERS.shutdownNow();
  }

  private HttpResponse<String> send(String method, String path, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(20))
            .method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString(UTF_8));
  }

  @Test
  void theEndpointsOfTheYamlBecomeFilters() {
    assertThat(httpCaches)
        .extracting(c -> c.endpoint().name())
        .containsExactlyInAnyOrder("authors", "session", "async");
    HttpCache authors =
        httpCaches.stream().filter(c -> c.endpoint().name().equals("authors")).findFirst().get();
    assertThat(authors.endpoint().policy().ttl()).isEqualTo(Duration.ofSeconds(60));
    assertThat(authors.endpoint().policy().stale()).isEqualTo(Duration.ofSeconds(300));
    assertThat(authors.endpoint().policy().concurrency()).hasValue(1);
  }

  @Test
  void aControllerIsCalledOnceThenServedFromTheCache() throws Exception {
    int before = api.authorCalls.get();
    HttpResponse<String> miss = send("GET", "/api/authors/7?page=2");
    HttpResponse<String> hit = send("GET", "/api/authors/7?page=2");
    HttpResponse<String> otherPage = send("GET", "/api/authors/7?page=3");

    assertThat(miss.headers().firstValue("X-Cache-Status")).hasValue("MISS");
    assertThat(hit.headers().firstValue("X-Cache-Status")).hasValue("HIT");
    assertThat(hit.body()).isEqualTo(miss.body()).contains("\"name\":\"Author 7\"");
    assertThat(hit.headers().firstValue("Content-Type"))
        .isEqualTo(miss.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    assertThat(otherPage.headers().firstValue("X-Cache-Status")).hasValue("MISS");
    assertThat(api.authorCalls.get() - before).isEqualTo(2);
  }

  @Test
  void requestsOutsideTheEndpointPassThrough() throws Exception {
    int before = api.authorCalls.get();
    HttpResponse<String> post = send("POST", "/api/authors/8");
    HttpResponse<String> post2 = send("POST", "/api/authors/8");

    assertThat(post.body()).contains("Updated 8");
    assertThat(post2.headers().firstValue("X-Cache-Status")).isEmpty();
    assertThat(api.authorCalls.get() - before).isEqualTo(2);
  }

  @Test
  void aResponseWithSetCookieIsNeverServedToAnotherClient() throws Exception {
    int before = api.sessionCalls.get();
    HttpResponse<String> first = send("GET", "/api/session");
    HttpResponse<String> second = send("GET", "/api/session");

    assertThat(first.headers().firstValue("Set-Cookie").orElseThrow())
        .startsWith("SESSION=user" + (before + 1));
    assertThat(second.headers().firstValue("Set-Cookie").orElseThrow())
        .startsWith("SESSION=user" + (before + 2));
    assertThat(second.body()).isEqualTo("hello user" + (before + 2));
    assertThat(api.sessionCalls.get() - before).isEqualTo(2);
  }

  @Test
  void anAsyncControllerIsCachedThroughTheAsyncDispatch() throws Exception {
    int before = api.asyncCalls.get();
    HttpResponse<String> miss = send("GET", "/api/async/1");
    // The cache write follows the answer; a request during it shares the value, then hits.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                send("GET", "/api/async/1")
                    .headers()
                    .firstValue("X-Cache-Status")
                    .orElse("")
                    .equals("HIT"));
    HttpResponse<String> hit = send("GET", "/api/async/1");

    assertThat(miss.body()).isEqualTo("async 1 #" + (before + 1));
    assertThat(hit.body()).isEqualTo(miss.body());
    assertThat(hit.headers().firstValue("X-Cache-Status")).hasValue("HIT");
    assertThat(api.asyncCalls.get() - before).isEqualTo(1);
  }

  @Test
  void theCacheManagerIsHitbox() {
    assertThat(cacheManager).isInstanceOf(HitboxCacheManager.class);
  }

  @Test
  void cacheableSyncCallsTheMethodOnceForConcurrentCallers() throws Exception {
    int waitsBefore = waits.count.get();
    List<Future<Book>> calls = new ArrayList<>();
    calls.add(CALLERS.submit(() -> books.find("b1")));
    await().atMost(Duration.ofSeconds(10)).until(() -> books.findCalls() == 1);
    for (int i = 0; i < 7; i++) {
      calls.add(CALLERS.submit(() -> books.find("b1")));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> waits.count.get() - waitsBefore == 7);
    books.openGate();

    for (Future<Book> f : calls) {
      assertThat(f.get(20, TimeUnit.SECONDS)).isEqualTo(TestApplication.Books.book("b1"));
    }
    assertThat(books.findCalls()).isEqualTo(1);
    assertThat(books.find("b1")).isEqualTo(TestApplication.Books.book("b1"));
    assertThat(books.findCalls()).isEqualTo(1);
  }

  @Test
  void cacheableValuesRoundTripWithTheirTypes() {
    int before = books.catalogCalls();
    List<Book> first = books.catalog("shelf-a");
    List<Book> second = books.catalog("shelf-a");

    assertThat(second).isEqualTo(first);
    assertThat(second.get(0)).isInstanceOf(Book.class);
    assertThat(books.catalogCalls() - before).isEqualTo(1);

    books.evict("shelf-a");
    books.catalog("shelf-a");
    assertThat(books.catalogCalls() - before).isEqualTo(2);
  }

  @Test
  void nullIsCachedToo() {
    int before = books.catalogCalls();
    assertThat(books.missing("nothing-here")).isNull();
    assertThat(books.missing("nothing-here")).isNull();
    assertThat(books.catalogCalls() - before).isEqualTo(1);
  }
}
