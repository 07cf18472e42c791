package dev.hitbox.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hitbox.caffeine.CaffeineBackend;
import dev.hitbox.core.CacheEndpoint;
import dev.hitbox.core.CacheListener;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.CacheResult;
import dev.hitbox.core.CacheStatus;
import dev.hitbox.core.CachedUpstream;
import dev.hitbox.core.HitboxCache;
import dev.hitbox.core.StalePolicy;
import dev.hitbox.core.spi.ValueCodec;
import dev.hitbox.testkit.CountingUpstream;
import dev.hitbox.testkit.FakeBackend;
import dev.hitbox.testkit.FakeTicker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class MicrometerCacheListenerTest {
  private final FakeTicker ticker = new FakeTicker();
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MicrometerCacheListener metrics = MicrometerCacheListener.of(registry);
  private final CountingUpstream<String, String> upstream =
      CountingUpstream.answering(r -> "value of " + r);

  private CachedUpstream<String, String> authors() {
    return CacheEndpoint.<String, String>builder("authors")
        .backend(CaffeineBackend.builder().maxCapacity(1000).ticker(ticker).build())
        .codec(ValueCodec.utf8())
        .policy(
            CachePolicy.builder()
                .ttl(Duration.ofSeconds(60))
                .stale(Duration.ofSeconds(300))
                .stalePolicy(StalePolicy.OFFLOAD_REVALIDATE)
                .concurrency(1)
                .build())
        .ticker(ticker)
        .executor(Runnable::run)
        .listener(metrics)
        .build()
        .wrap(upstream);
  }

  private double count(String name, String... tags) {
    return registry.get(name).tags(tags).counter().count();
  }

  private CacheStatus status(CachedUpstream<String, String> cached, String request) {
    return cached.exchange(request).join().status();
  }

  @Test
  void realTrafficThroughAnEndpointMovesEveryMeter() {
    CachedUpstream<String, String> cached = authors();

    assertThat(status(cached, "a")).isEqualTo(CacheStatus.MISS);
    assertThat(status(cached, "a")).isEqualTo(CacheStatus.HIT);
    ticker.advance(Duration.ofSeconds(61));
    assertThat(status(cached, "a")).isEqualTo(CacheStatus.STALE); // refreshed in the background
    upstream.failWith(new IllegalStateException("down"));
    assertThat(cached.exchange("b")).isCompletedExceptionally();
    upstream.failWith(null);
    upstream.hold();
    CompletableFuture<CacheResult<String>> leader = cached.exchange("c");
    CompletableFuture<CacheResult<String>> waiter = cached.exchange("c");
    upstream.release();
    assertThat(leader.join().status()).isEqualTo(CacheStatus.MISS);
    assertThat(waiter.join().status()).isEqualTo(CacheStatus.HIT);

    assertThat(count("hitbox.requests", "endpoint", "authors", "result", "miss")).isEqualTo(2);
    assertThat(count("hitbox.requests", "endpoint", "authors", "result", "hit")).isEqualTo(2);
    assertThat(count("hitbox.requests", "endpoint", "authors", "result", "stale")).isEqualTo(1);
    assertThat(count("hitbox.requests", "endpoint", "authors", "result", "error")).isEqualTo(1);
    assertThat(count("hitbox.requests", "endpoint", "authors", "result", "bypass")).isZero();
    assertThat(registry.get("hitbox.latency").tags("endpoint", "authors").timer().count())
        .isEqualTo(6);
    assertThat(registry.get("hitbox.upstream.duration").timer().count()).isEqualTo(4);
    assertThat(count("hitbox.upstream.errors", "endpoint", "authors")).isEqualTo(1);
    assertThat(count("hitbox.dogpile.waits", "endpoint", "authors")).isEqualTo(1);
    // Micrometer's cache names: lookups (a stale entry is a hit), and stored values
    assertThat(count("cache.gets", "cache", "authors", "result", "hit")).isEqualTo(2);
    assertThat(count("cache.gets", "cache", "authors", "result", "miss")).isEqualTo(4);
    assertThat(count("cache.puts", "cache", "authors")).isEqualTo(3);
    assertThat(count("hitbox.backend.reads", "backend", "caffeine")).isEqualTo(6);
    await().untilAsserted(() -> assertThat(count("hitbox.backend.writes")).isEqualTo(3));
    assertThat(count("hitbox.backend.read.bytes", "backend", "caffeine")).isPositive();
    assertThat(count("hitbox.backend.write.bytes", "backend", "caffeine")).isPositive();
    assertThat(count("hitbox.offload.tasks.spawned")).isEqualTo(1);
    assertThat(count("hitbox.offload.tasks.completed")).isEqualTo(1);
    assertThat(registry.get("hitbox.offload.tasks.active").gauge().value()).isZero();
    assertThat(upstream.calls()).isEqualTo(4);
  }

  @Test
  void thePrometheusTextUsesTheDocumentedNames() {
    CachedUpstream<String, String> cached = authors();
    status(cached, "a");
    status(cached, "a");

    String text = registry.scrape();

    assertThat(text)
        .contains("hitbox_requests_total{endpoint=\"authors\",result=\"hit\"} 1")
        .contains("hitbox_requests_total{endpoint=\"authors\",result=\"miss\"} 1")
        .contains("hitbox_latency_seconds_bucket{endpoint=\"authors\",le=\"5.0E-4\"} 2")
        .contains("hitbox_latency_seconds_count{endpoint=\"authors\"} 2")
        .contains("hitbox_upstream_duration_seconds_count{endpoint=\"authors\"} 1")
        .contains("hitbox_dogpile_waits_total{endpoint=\"authors\"} 0")
        .contains("hitbox_backend_reads_total{backend=\"caffeine\"} 2")
        .contains("hitbox_backend_writes_total{backend=\"caffeine\"} 1")
        .contains("hitbox_backend_read_bytes_total{backend=\"caffeine\"}")
        .contains("hitbox_backend_write_bytes_total{backend=\"caffeine\"}")
        .contains("hitbox_backend_errors_total{backend=\"caffeine\",operation=\"read\"} 0")
        .contains("hitbox_offload_tasks_spawned_total 0")
        .contains("hitbox_offload_tasks_completed_total 0")
        .contains("hitbox_offload_tasks_deduplicated_total 0")
        .contains("hitbox_offload_tasks_timed_out_total 0")
        .contains("hitbox_offload_tasks_active 0")
        .contains("cache_gets_total{cache=\"authors\",result=\"hit\"} 1")
        .contains("cache_gets_total{cache=\"authors\",result=\"miss\"} 1")
        .contains("cache_puts_total{cache=\"authors\"} 1");
  }

  @Test
  void aStaleIfErrorAnswerIsOneStaleRequestAndIsCountedApart() {
    CachedUpstream<String, String> cached =
        CacheEndpoint.<String, String>builder("authors")
            .backend(CaffeineBackend.builder().maxCapacity(1000).ticker(ticker).build())
            .codec(ValueCodec.utf8())
            .policy(
                CachePolicy.builder()
                    .ttl(Duration.ofSeconds(60))
                    .stalePolicy(StalePolicy.REVALIDATE)
                    .staleIfError(Duration.ofMinutes(10))
                    .build())
            .ticker(ticker)
            .listener(metrics)
            .build()
            .wrap(upstream);
    status(cached, "a");
    ticker.advance(Duration.ofSeconds(61));
    upstream.failWith(new IllegalStateException("down"));

    CacheResult<String> r = cached.exchange("a").join();

    assertThat(r.staleIfError()).isTrue();
    assertThat(registry.scrape())
        .contains("hitbox_stale_if_error_total{endpoint=\"authors\"} 1")
        .contains("hitbox_requests_total{endpoint=\"authors\",result=\"stale\"} 1")
        .contains("hitbox_requests_total{endpoint=\"authors\",result=\"miss\"} 1")
        .contains("hitbox_requests_total{endpoint=\"authors\",result=\"error\"} 0")
        .contains("hitbox_upstream_errors_total{endpoint=\"authors\"} 1")
        .contains("hitbox_early_refresh_total{endpoint=\"authors\"} 0");

    // past the bound the failure reaches the caller: an error, no stale-if-error
    ticker.advance(Duration.ofMinutes(10));
    assertThat(cached.exchange("a")).isCompletedExceptionally();
    assertThat(count("hitbox.stale.if.error", "endpoint", "authors")).isEqualTo(1);
    assertThat(count("hitbox.requests", "endpoint", "authors", "result", "error")).isEqualTo(1);
  }

  @Test
  void anEarlyRefreshIsCounted() {
    CachedUpstream<String, String> cached =
        CacheEndpoint.<String, String>builder("authors")
            .backend(CaffeineBackend.builder().maxCapacity(1000).ticker(ticker).build())
            .codec(ValueCodec.utf8())
            .policy(
                CachePolicy.builder()
                    .ttl(Duration.ofSeconds(60))
                    // a delta far above the time left: the hit below refreshes (p > 1 - 1e-7)
                    .earlyRefresh(Duration.ofDays(1))
                    .build())
            .ticker(ticker)
            .executor(Runnable::run)
            .listener(metrics)
            .build()
            .wrap(upstream);
    status(cached, "a");
    ticker.advance(Duration.ofMillis(59_999));

    assertThat(status(cached, "a")).isEqualTo(CacheStatus.HIT);

    await().until(() -> upstream.calls() == 2);
    assertThat(registry.scrape())
        .contains("hitbox_early_refresh_total{endpoint=\"authors\"} 1")
        .contains("hitbox_requests_total{endpoint=\"authors\",result=\"hit\"} 1");
  }

  @Test
  void aHitboxCacheReportsThroughTheSameNames() {
    MeterRegistry simple = new SimpleMeterRegistry();
    HitboxCache<String> users =
        HitboxCache.builder("users", ValueCodec.utf8())
            .backend(CaffeineBackend.builder().maxCapacity(100).name("local").build())
            .listener(MicrometerCacheListener.of(simple))
            .build();

    users.get("42", k -> CompletableFuture.completedFuture("Ada")).join();
    users.get("42", k -> CompletableFuture.completedFuture("Ada")).join();
    users.put("43", "Grace").join();

    assertThat(simple.get("cache.gets").tags("cache", "users", "result", "miss").counter().count())
        .isEqualTo(1);
    assertThat(simple.get("cache.gets").tags("cache", "users", "result", "hit").counter().count())
        .isEqualTo(1);
    assertThat(simple.get("cache.puts").tags("cache", "users").counter().count()).isEqualTo(2);
    assertThat(simple.get("hitbox.backend.reads").tags("backend", "local").counter().count())
        .isEqualTo(2);
  }

  @Test
  void aFailingBackendIsCountedAndTheRequestStillAnswered() {
    FakeBackend backend = new FakeBackend(ticker).mode(FakeBackend.Mode.FAIL);
    CachedUpstream<String, String> cached =
        CacheEndpoint.<String, String>builder("books")
            .backend(backend)
            .codec(ValueCodec.utf8())
            .ticker(ticker)
            .listener(metrics)
            .build()
            .wrap(upstream);

    assertThat(cached.exchange("x").join().value()).isEqualTo("value of x");

    assertThat(count("hitbox.backend.errors", "backend", "fake", "operation", "read")).isEqualTo(1);
    await()
        .untilAsserted(
            () ->
                assertThat(count("hitbox.backend.errors", "backend", "fake", "operation", "write"))
                    .isEqualTo(1));
    assertThat(count("hitbox.requests", "endpoint", "books", "result", "miss")).isEqualTo(1);
  }

  @Test
  void endpointNamesPastTheLimitShareOneSeries() {
    MeterRegistry simple = new SimpleMeterRegistry();
    MicrometerCacheListener capped =
        MicrometerCacheListener.builder(simple).maxEndpoints(2).build();
    for (String name : new String[] {"a", "b", "c", "d"}) {
      HitboxCache<String> c =
          HitboxCache.builder(name, ValueCodec.utf8())
              .backend(CaffeineBackend.builder().maxCapacity(10).build())
              .listener(capped)
              .build();
      c.get("k", k -> CompletableFuture.completedFuture("v")).join();
    }

    assertThat(simple.find("hitbox.requests").tag("result", "miss").counters())
        .extracting(c -> c.getId().getTag("endpoint"))
        .containsExactlyInAnyOrder("a", "b", MicrometerCacheListener.OTHER);
    assertThat(
            simple
                .get("hitbox.requests")
                .tags("endpoint", "other", "result", "miss")
                .counter()
                .count())
        .isEqualTo(2);
  }

  @Test
  void combinesWithOtherListeners() {
    dev.hitbox.testkit.RecordingListener recorder = new dev.hitbox.testkit.RecordingListener();
    HitboxCache<String> users =
        HitboxCache.builder("users", ValueCodec.utf8())
            .backend(CaffeineBackend.builder().maxCapacity(100).build())
            .listener(CacheListener.composite(metrics, recorder))
            .build();

    users.get("1", k -> CompletableFuture.completedFuture("v")).join();

    assertThat(count("cache.gets", "cache", "users", "result", "miss")).isEqualTo(1);
    assertThat(recorder.count("miss")).isEqualTo(1);
  }

  @Test
  void limitsAreChecked() {
    assertThatThrownBy(() -> MicrometerCacheListener.builder(registry).maxEndpoints(0))
        .hasMessage("max_endpoints: 0 (expected: > 0)");
    assertThatThrownBy(() -> MicrometerCacheListener.builder(registry).maxBackends(-1))
        .hasMessage("max_backends: -1 (expected: > 0)");
  }
}
