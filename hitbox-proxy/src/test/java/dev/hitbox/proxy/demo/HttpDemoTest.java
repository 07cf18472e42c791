package dev.hitbox.proxy.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Runs the demo briefly over HTTP through the real proxy and checks what it measured. */
class HttpDemoTest {
  private static Report report;

  @BeforeAll
  static void runOnce() {
    DemoOptions options =
        DemoOptions.parse("--duration", "2s", "--clients", "16", "--rate", "50", "--keys", "100");
    report = HttpDemoRun.run(options, Progress.NONE);
  }

  @Test
  void bothPhasesAnswerEveryRequestOverHttp() {
    assertThat(report.direct().requests()).isGreaterThan(1_000);
    assertThat(report.cached().requests()).isEqualTo(report.direct().requests());
    assertThat(report.direct().errors()).isZero();
    assertThat(report.cached().errors()).isZero();
    assertThat(report.cacheErrors()).isZero();
    // Each call counts in the part of the phase its request was sent in, however late it arrives.
    assertThat(report.direct().upstreamCalls()).isEqualTo(report.direct().requests());
  }

  @Test
  void theProxyCutsUpstreamCallsAndLatency() {
    PhaseResult direct = report.direct();
    PhaseResult cached = report.cached();
    assertThat(cached.upstreamCalls()).isPositive().isLessThan(direct.upstreamCalls() / 2);
    assertThat(cached.hitRate()).isGreaterThan(0.5);
    assertThat(cached.p50()).isLessThan(direct.p50() / 5);
    assertThat(cached.hits() + cached.stale() + cached.misses()).isEqualTo(cached.requests());
    assertThat(cached.stale()).isPositive();
  }

  @Test
  void theConfigurationSaysItRunsOverHttp() {
    assertThat(Report.config(DemoOptions.DEFAULTS, true))
        .startsWith("Hitbox demo: the API-gateway case study, over HTTP through the proxy\n")
        .contains("hitbox proxy endpoint /catalog/{category}/{page}");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status =
        Demo.run(
            new String[] {"--http", "--help"},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            false);
    assertThat(status).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--http");
  }
}
