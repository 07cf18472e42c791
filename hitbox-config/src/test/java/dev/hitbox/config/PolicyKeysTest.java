package dev.hitbox.config;

import static dev.hitbox.config.Configs.parse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.core.CachePolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** stale_if_error and early_refresh in an endpoint's policy. */
class PolicyKeysTest {

  private static CachePolicy policy(String yaml) {
    return parse(yaml).endpoints().get(0).policy();
  }

  @Test
  void staleIfErrorAndEarlyRefreshAsDurations() {
    CachePolicy p = policy("policy: {Enabled: {ttl: 60, stale_if_error: 10m, early_refresh: 2s}}");
    assertThat(p.staleIfError()).isEqualTo(Duration.ofMinutes(10));
    assertThat(p.earlyRefresh()).isEqualTo(Duration.ofSeconds(2));
    assertThat(p.earlyRefreshBeta()).isEqualTo(1.0);
  }

  @Test
  void earlyRefreshWithBeta() {
    CachePolicy p = policy("policy: {Enabled: {early_refresh: {delta: 500ms, beta: 1.5}}}");
    assertThat(p.earlyRefresh()).isEqualTo(Duration.ofMillis(500));
    assertThat(p.earlyRefreshBeta()).isEqualTo(1.5);
  }

  @Test
  void bothAreOffUnlessSet() {
    CachePolicy p = policy("policy: {Enabled: {ttl: 60}}");
    assertThat(p.staleIfError()).isZero();
    assertThat(p.earlyRefresh()).isZero();
  }
}
