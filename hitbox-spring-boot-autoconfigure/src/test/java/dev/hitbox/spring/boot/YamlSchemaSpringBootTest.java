package dev.hitbox.spring.boot;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hitbox.core.spi.Backend;
import dev.hitbox.http.HttpCache;
import dev.hitbox.redis.RedisBackend;
import dev.hitbox.spring.boot.app.TestApplication;
import dev.hitbox.testkit.RedisServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An application whose {@code application.yml} (here {@code schema.yml}) uses the YAML schema of
 * hitbox-config: Header, Query, Or and Body jq predicates, a hashed Header extractor, tags, and a
 * {@code type: Redis} backend on a real redis-server.
 */
@SpringBootTest(
    classes = TestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.config.name=schema")
class YamlSchemaSpringBootTest {
  private static final RedisServer REDIS = RedisServer.launch();

  private final HttpClient client = HttpClient.newHttpClient();

  @LocalServerPort int port;
  @Autowired TestApplication.Api api;
  @Autowired Backend backend;

  @Autowired
  @Qualifier("hitboxHttpCache.authors")
  HttpCache authors;

  @Autowired
  @Qualifier("hitboxHttpCache.search")
  HttpCache search;

  @DynamicPropertySource
  static void redis(DynamicPropertyRegistry registry) {
    registry.add("hitbox.backend.port", REDIS::port);
  }

  @AfterAll
  static void stopRedis() {
    REDIS.close();
  }

  private HttpResponse<String> send(String method, String path, String body, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(20))
            .method(
                method,
                body.isEmpty()
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString(UTF_8));
  }

  private static String status(HttpResponse<String> r) {
    return r.headers().firstValue("X-Cache-Status").orElse("none");
  }

  @Test
  void theBackendIsTheRedisOfTheYaml() {
    assertThat(backend).isInstanceOf(RedisBackend.class);
    assertThat(authors.endpoint().backend()).isSameAs(backend);
    assertThat(search.endpoint().backend()).isNotInstanceOf(RedisBackend.class);
  }

  /** Sends until the answer is a hit: the Redis write follows the first answer. */
  private HttpResponse<String> hit(String path, String... headers) {
    return await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> send("GET", path, "", headers), r -> status(r).equals("HIT"));
  }

  @Test
  void aHeaderBranchOfTheOrIsCachedAndKeyedByTheHashedHeader() throws Exception {
    HttpResponse<String> miss = send("GET", "/api/authors/11", "", "x-api-key", "k1");
    HttpResponse<String> hit = hit("/api/authors/11", "x-api-key", "k1");
    int before = api.authorCalls.get();
    HttpResponse<String> otherKey = send("GET", "/api/authors/11", "", "x-api-key", "k2");
    HttpResponse<String> sameKey = send("GET", "/api/authors/11", "", "x-api-key", "k1");

    assertThat(status(miss)).isEqualTo("MISS");
    assertThat(status(otherKey)).isEqualTo("MISS");
    assertThat(status(sameKey)).isEqualTo("HIT");
    assertThat(sameKey.body()).isEqualTo(hit.body());
    assertThat(api.authorCalls.get() - before).isEqualTo(1);
  }

  @Test
  void aQueryBranchOfTheOrIsCachedAndNeitherBranchIsNot() throws Exception {
    assertThat(status(send("GET", "/api/authors/12?public=true", ""))).isEqualTo("MISS");
    hit("/api/authors/12?public=true");
    int before = api.authorCalls.get();
    assertThat(status(send("GET", "/api/authors/12", ""))).isEqualTo("none");
    assertThat(status(send("GET", "/api/authors/12", ""))).isEqualTo("none");
    assertThat(status(send("GET", "/api/authors/12?public=false", ""))).isEqualTo("none");
    assertThat(api.authorCalls.get() - before).isEqualTo(3);
  }

  @Test
  void theTagsOfTheYamlInvalidateInRedis() throws Exception {
    send("GET", "/api/authors/13", "", "x-api-key", "k1");
    hit("/api/authors/13", "x-api-key", "k1");
    int before = api.authorCalls.get();

    long removed = ((RedisBackend) backend).invalidateTag("author:13").toCompletableFuture().get();
    HttpResponse<String> again = send("GET", "/api/authors/13", "", "x-api-key", "k1");

    assertThat(removed).isEqualTo(1);
    assertThat(status(again)).isEqualTo("MISS");
    assertThat(api.authorCalls.get() - before).isEqualTo(1);
  }

  @Test
  void aBodyJqPredicateChoosesWhichPostsAreCached() throws Exception {
    int before = api.searchCalls.get();
    String query = "{\"kind\":\"query\",\"q\":\"dune\"}";
    HttpResponse<String> miss = send("POST", "/api/search", query, "Content-Type", "text/plain");
    HttpResponse<String> hit = send("POST", "/api/search", query, "Content-Type", "text/plain");
    String other = "{\"kind\":\"write\",\"q\":\"dune\"}";
    HttpResponse<String> write1 = send("POST", "/api/search", other, "Content-Type", "text/plain");
    HttpResponse<String> write2 = send("POST", "/api/search", other, "Content-Type", "text/plain");

    assertThat(status(miss)).isEqualTo("MISS");
    assertThat(status(hit)).isEqualTo("HIT");
    assertThat(hit.body()).isEqualTo(miss.body()).contains("dune");
    // Read and tested, but not stored: each such POST reaches the controller.
    assertThat(status(write2)).isNotEqualTo("HIT");
    assertThat(write2.body()).isNotEqualTo(write1.body());
    assertThat(api.searchCalls.get() - before).isEqualTo(3);
  }
}
