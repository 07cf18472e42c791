package dev.hitbox.proxy.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatenciesTest {

  @Test
  void percentilesAreNearestRank() {
    Latencies latencies = new Latencies();
    for (long v = 100; v >= 1; v--) {
      latencies.record(v);
    }
    Latencies.Snapshot s = latencies.snapshot();
    assertThat(s.count()).isEqualTo(100);
    assertThat(s.percentile(0.50)).isEqualTo(50);
    assertThat(s.percentile(0.99)).isEqualTo(99);
    assertThat(s.percentile(1.0)).isEqualTo(100);
    assertThat(s.max()).isEqualTo(100);
  }

  @Test
  void emptyIsZero() {
    assertThat(new Latencies().snapshot().percentile(0.99)).isZero();
  }
}
