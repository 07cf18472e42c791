package dev.hitbox.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CachePolicyTest {

  @Test
  void defaultsAreDocumented() {
    CachePolicy p = CachePolicy.builder().build();
    assertThat(p.enabled()).isTrue();
    assertThat(p.ttl()).isEqualTo(Duration.ofSeconds(60));
    assertThat(p.stale()).isZero();
    assertThat(p.stalePolicy()).isEqualTo(StalePolicy.RETURN);
    assertThat(p.concurrency()).isEmpty();
    assertThat(CachePolicy.disabled().enabled()).isFalse();
  }

  @Test
  void invalidValuesNameTheSettingAndWhatIsExpected() {
    assertThatThrownBy(() -> CachePolicy.builder().ttl(Duration.ofSeconds(-1)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("ttl: PT-1S (expected: > 0)");
    assertThatThrownBy(() -> CachePolicy.builder().ttl(Duration.ZERO))
        .hasMessage("ttl: PT0S (expected: > 0)");
    assertThatThrownBy(() -> CachePolicy.builder().stale(Duration.ofMillis(-5)))
        .hasMessage("stale: PT-0.005S (expected: >= 0)");
    assertThatThrownBy(() -> CachePolicy.builder().concurrency(0))
        .hasMessage("concurrency: 0 (expected: >= 1)");
  }

  @Test
  void freshnessFollowsTheAbsoluteTimestamps() {
    CacheValue<String> v = CacheValue.of("x", 1_000, 2_000, 3_000, java.util.Set.of());
    assertThat(v.freshness(1_999)).isEqualTo(CacheValue.Freshness.FRESH);
    assertThat(v.freshness(2_000)).isEqualTo(CacheValue.Freshness.STALE);
    assertThat(v.freshness(2_999)).isEqualTo(CacheValue.Freshness.STALE);
    assertThat(v.freshness(3_000)).isEqualTo(CacheValue.Freshness.EXPIRED);
    assertThatThrownBy(() -> CacheValue.of("x", 5, 4, 6, java.util.Set.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
