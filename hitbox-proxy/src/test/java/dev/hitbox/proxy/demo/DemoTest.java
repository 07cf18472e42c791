package dev.hitbox.proxy.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.core.CacheEndpoint;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CacheListener;
import dev.hitbox.core.OffloadManager;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Runs the demo briefly and checks that what it measured makes sense. */
class DemoTest {
  private static Report report;

  @BeforeAll
  static void runOnce() {
    DemoOptions options =
        DemoOptions.parse("--duration", "2s", "--clients", "16", "--rate", "50", "--keys", "100");
    report = DemoRun.run(options, Progress.NONE);
  }

  @Test
  void bothPhasesGetTheSameOfferedLoad() {
    assertThat(report.direct().requests()).isGreaterThan(1_000);
    assertThat(report.cached().requests()).isEqualTo(report.direct().requests());
    assertThat(report.direct().errors()).isZero();
    assertThat(report.cached().errors()).isZero();
    assertThat(report.cacheErrors()).isZero();
  }

  @Test
  void withoutTheCacheEveryRequestGoesUpstreamAtTheServiceLatency() {
    PhaseResult direct = report.direct();
    assertThat(direct.upstreamCalls()).isEqualTo(direct.requests());
    assertThat(direct.hits() + direct.stale() + direct.misses()).isZero();
    assertThat(Duration.ofNanos(direct.p50())).isBetween(ms(50), ms(120));
    assertThat(Duration.ofNanos(direct.p99())).isBetween(ms(300), ms(1_000));
    assertThat(direct.outdatedRate()).isLessThan(0.01);
  }

  @Test
  void theCacheCutsUpstreamCallsAndLatency() {
    PhaseResult direct = report.direct();
    PhaseResult cached = report.cached();
    assertThat(cached.upstreamCalls()).isPositive().isLessThan(direct.upstreamCalls() / 2);
    assertThat(cached.hitRate()).isGreaterThan(0.5);
    assertThat(cached.p50()).isLessThan(direct.p50() / 10);
    assertThat(cached.p99()).isLessThan(direct.p99());
    assertThat(cached.hits() + cached.stale() + cached.misses()).isEqualTo(cached.requests());
  }

  @Test
  void shortTtlMakesEntriesGoStaleAndRefreshInTheBackground() {
    PhaseResult cached = report.cached();
    assertThat(cached.stale()).isPositive();
    assertThat(cached.window().refreshes()).isPositive();
    // The catalog changes while entries are cached: some answers are behind.
    assertThat(cached.outdated()).isPositive();
  }

  @Test
  void coldStartMakesCallersWaitForOneUpstreamCallPerPage() {
    PhaseResult cached = report.cached();
    assertThat(cached.warmUp().dogpileWaits()).isPositive();
    assertThat(cached.warmUp().upstreamCalls()).isLessThan(cached.warmUpRequests());
  }

  @Test
  void theReportNamesTheHotKeysAndTheMostPopularPageLeads() {
    assertThat(report.hotKeys()).hasSize(Report.HOT_KEYS);
    // rank 0 of the Zipf draw is the first page of the first category
    assertThat(report.hotKeys().get(0).key()).isEqualTo("category=books&page=1");
    assertThat(report.hotKeys().get(0).estimate())
        .isGreaterThan(report.hotKeys().get(Report.HOT_KEYS - 1).estimate());
    assertThat(report.render())
        .contains("Hot keys")
        .containsPattern("(?m)^  category=books&page=1 +[0-9,]+$");
  }

  @Test
  void tableHasEveryRow() {
    String table = report.render();
    assertThat(table)
        .contains("no cache", "hitbox", "change")
        .containsPattern("(?m)^requests +[0-9,]+ +[0-9,]+$")
        .containsPattern("(?m)^p50 latency +[0-9.,]+ ms +[0-9.,]+ [um]s +[0-9,.]+x lower$")
        .containsPattern("(?m)^p99 latency +[0-9.,]+ ms +[0-9.,]+ [um]s +[0-9,.]+x lower$")
        .containsPattern("(?m)^upstream calls +[0-9,]+ +[0-9,]+ +-[0-9.]+%$")
        .containsPattern("(?m)^hit rate +- +[0-9.]+%$")
        .containsPattern("(?m)^stale serves +- +[0-9,]+$")
        .containsPattern("(?m)^dogpile waits +- +[0-9,]+$")
        .containsPattern("(?m)^outdated answers +[0-9.]+% +[0-9.]+%$")
        .doesNotContain("errors");
  }

  @Test
  void mainPrintsConfigurationProgressAndTable() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Demo.run(
            new String[] {"--duration=1s", "--clients", "4", "--keys", "20"},
            print(out),
            print(err),
            false);
    assertThat(status).isZero();
    assertThat(text(out))
        .contains("ttl 166 ms, stale 333 ms, OFFLOAD_REVALIDATE, concurrency 1")
        .contains("4 open-loop clients x 30 req/s = 120 req/s")
        .contains("p99 latency", "dogpile waits");
    assertThat(text(err))
        .contains("phase 1/2, no cache: 250 ms warm-up + 1 s measured...")
        .contains("phase 2/2, hitbox")
        .containsPattern("hitbox: [0-9,]+ requests measured in 1 s");
  }

  @Test
  void badOptionExitsWithStatus2AndSaysWhy() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Demo.run(new String[] {"--clients", "0"}, print(out), print(err), false);
    assertThat(status).isEqualTo(2);
    assertThat(text(out)).isEmpty();
    assertThat(text(err))
        .isEqualTo(
            "hitbox demo: --clients: 0 (expected: 1 to 10000)\n"
                + "Run './hitbox demo --help' for the options.\n");
  }

  @Test
  void helpListsTheOptions() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status = Demo.run(new String[] {"--help"}, print(out), print(out), false);
    assertThat(status).isZero();
    assertThat(text(out))
        .startsWith("Usage: ./hitbox demo [options]")
        .contains("--duration", "--clients", "--rate", "--keys", "--zipf", "--seed", "open-loop");
  }

  @Test
  void keysReadAsCategoryAndPageInTheCatalogNamespace() {
    CacheEndpoint<GetCatalog, String> endpoint =
        DemoRun.endpoint(
            DemoOptions.DEFAULTS, CacheListener.NONE, OffloadManager.builder().build());
    CacheKey key =
        CacheKey.of(
            endpoint.name(),
            endpoint.keyVersion(),
            endpoint.extractor().extract(new GetCatalog("books", 3)).toCompletableFuture().join());
    assertThat(key.namespace()).isEqualTo("catalog");
    assertThat(key.text()).isEqualTo("category=books&page=3");
    assertThat(endpoint.policy().ttl()).isEqualTo(Duration.ofSeconds(2));
    assertThat(endpoint.policy().concurrency()).hasValue(1);
  }

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  private static PrintStream print(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }

  private static String text(ByteArrayOutputStream bytes) {
    return bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
  }
}
