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
    assertThatThrownBy(() -> CachePolicy.builder().staleIfError(Duration.ofSeconds(-1)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("stale_if_error: PT-1S (expected: >= 0)");
    assertThatThrownBy(() -> CachePolicy.builder().earlyRefresh(Duration.ofSeconds(-2)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("early_refresh: PT-2S (expected: >= 0)");
    assertThatThrownBy(() -> CachePolicy.builder().earlyRefresh(Duration.ofSeconds(1), 0))
        .hasMessage("early_refresh.beta: 0.0 (expected: a finite number > 0)");
    assertThatThrownBy(() -> CachePolicy.builder().earlyRefresh(Duration.ofSeconds(1), Double.NaN))
        .hasMessage("early_refresh.beta: NaN (expected: a finite number > 0)");
  }

  @Test
  void staleIfErrorAndEarlyRefreshAreOffByDefault() {
    CachePolicy p = CachePolicy.builder().build();
    assertThat(p.staleIfError()).isZero();
    assertThat(p.earlyRefresh()).isZero();
    CachePolicy on =
        CachePolicy.builder()
            .staleIfError(Duration.ofMinutes(5))
            .earlyRefresh(Duration.ofSeconds(2), 1.5)
            .build();
    assertThat(on.staleIfError()).isEqualTo(Duration.ofMinutes(5));
    assertThat(on.earlyRefresh()).isEqualTo(Duration.ofSeconds(2));
    assertThat(on.earlyRefreshBeta()).isEqualTo(1.5);
    assertThat(on.toString()).contains("staleIfError=PT5M", "earlyRefresh=PT2S*1.5");
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
