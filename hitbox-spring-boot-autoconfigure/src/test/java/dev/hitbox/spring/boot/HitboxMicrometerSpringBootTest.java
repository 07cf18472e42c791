package dev.hitbox.spring.boot;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.core.CacheListener;
import dev.hitbox.micrometer.MicrometerCacheListener;
import dev.hitbox.spring.boot.app.TestApplication;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

/** With a MeterRegistry bean, the filters and the CacheManager report through hitbox-micrometer. */
@SpringBootTest(
    classes = {TestApplication.class, HitboxMicrometerSpringBootTest.Metrics.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HitboxMicrometerSpringBootTest {

  /** What Spring Boot Actuator would provide. */
  @TestConfiguration(proxyBeanMethods = false)
  static class Metrics {
    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }
  }

  private final HttpClient client = HttpClient.newHttpClient();

  @LocalServerPort int port;
  @Autowired MeterRegistry registry;
  @Autowired MicrometerCacheListener listener;
  @Autowired TestApplication.Books books;
  @Autowired TestApplication.Waits waits;

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(20))
            .build(),
        HttpResponse.BodyHandlers.ofString(UTF_8));
  }

  private double count(String name, String... tags) {
    return Search.in(registry).name(name).tags(tags).counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  @Test
  void theListenerReportsToTheApplicationsRegistry() {
    assertThat(listener.registry()).isSameAs(registry);
    assertThat(listener).isNotSameAs(CacheListener.NONE);
  }

  @Test
  void httpCallsThroughAFilterMoveTheRequestMeters() throws Exception {
    double misses = count("hitbox.requests", "endpoint", "authors", "result", "miss");
    double hits = count("hitbox.requests", "endpoint", "authors", "result", "hit");

    assertThat(get("/api/authors/31?page=1").headers().firstValue("X-Cache-Status"))
        .hasValue("MISS");
    assertThat(get("/api/authors/31?page=1").headers().firstValue("X-Cache-Status"))
        .hasValue("HIT");

    assertThat(count("hitbox.requests", "endpoint", "authors", "result", "miss") - misses)
        .isEqualTo(1);
    assertThat(count("hitbox.requests", "endpoint", "authors", "result", "hit") - hits)
        .isEqualTo(1);
    assertThat(count("cache.gets", "cache", "authors", "result", "hit")).isPositive();
    assertThat(registry.get("hitbox.latency").tags("endpoint", "authors").timer().count())
        .isGreaterThanOrEqualTo(2);
    assertThat(count("hitbox.backend.reads")).isPositive();
  }

  @Test
  void cacheableMethodsMoveTheCacheMeters() {
    double misses = count("cache.gets", "cache", "catalog", "result", "miss");
    double hits = count("cache.gets", "cache", "catalog", "result", "hit");
    double puts = count("cache.puts", "cache", "catalog");
    int calls = books.catalogCalls();

    books.catalog("metrics-shelf");
    books.catalog("metrics-shelf");

    assertThat(books.catalogCalls() - calls).isEqualTo(1);
    assertThat(count("cache.gets", "cache", "catalog", "result", "miss") - misses).isEqualTo(1);
    assertThat(count("cache.gets", "cache", "catalog", "result", "hit") - hits).isEqualTo(1);
    assertThat(count("cache.puts", "cache", "catalog") - puts).isEqualTo(1);
  }
}
