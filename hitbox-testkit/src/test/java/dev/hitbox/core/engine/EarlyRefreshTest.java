package dev.hitbox.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.CacheStatus;
import dev.hitbox.core.CachedUpstream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Early refresh: hits close to the stale time refresh the entry in the background, once per key at
 * a time, and keep answering HIT.
 */
class EarlyRefreshTest {
  private final EngineFixture f = new EngineFixture();

  private static CachePolicy policy(Duration delta) {
    return CachePolicy.builder().ttl(Duration.ofSeconds(60)).earlyRefresh(delta).build();
  }

  @Test
  void hitsFarFromTheStaleTimeDoNotRefresh() {
    CachedUpstream<String, String> cached = f.cached(policy(Duration.ofSeconds(1)));
    cached.call("a").join();
    // 30 s before stale with delta 1 s: the chance per hit is e^-30
    f.ticker.advance(Duration.ofSeconds(30));

    for (int i = 0; i < 1_000; i++) {
      assertThat(cached.exchange("a").join().status()).isEqualTo(CacheStatus.HIT);
    }

    assertThat(f.upstream.calls()).isEqualTo(1);
    assertThat(f.listener.count("early-refresh ")).isZero();
    assertThat(f.offload.spawned()).isZero();
  }

  @Test
  void repeatedHitsRefreshBeforeStaleAndKeepServingHits() {
    CachedUpstream<String, String> cached = f.cached(policy(Duration.ofSeconds(5)));
    cached.call("a").join();
    // 500 ms before stale with delta 5 s: each hit refreshes with a chance of e^-0.1, about 0.9
    f.ticker.advance(Duration.ofMillis(59_500));

    for (int i = 0; i < 200 && f.upstream.calls() < 2; i++) {
      assertThat(cached.exchange("a").join().status()).isEqualTo(CacheStatus.HIT);
    }

    assertThat(f.upstream.calls()).isEqualTo(2);
    assertThat(f.listener.count("early-refresh test:0:a")).isEqualTo(1);
    // past the old stale time, the refreshed entry is still fresh
    f.ticker.advance(Duration.ofSeconds(30));
    assertThat(cached.exchange("a").join().status()).isEqualTo(CacheStatus.HIT);
    assertThat(f.listener.count("stale ")).isZero();
  }

  @Test
  void oneRefreshPerKeyRunsAtATime() {
    CachedUpstream<String, String> cached = f.cached(policy(Duration.ofSeconds(5)));
    cached.call("a").join();
    cached.call("b").join();
    f.upstream.hold();
    f.ticker.advance(Duration.ofMillis(59_900));

    for (int i = 0; i < 100; i++) {
      assertThat(cached.exchange("a").join().status()).isEqualTo(CacheStatus.HIT);
      assertThat(cached.exchange("b").join().status()).isEqualTo(CacheStatus.HIT);
    }

    // one refresh of each key is in flight; the other hits near stale were deduplicated
    assertThat(f.upstream.pending()).isEqualTo(2);
    assertThat(f.listener.count("early-refresh ")).isEqualTo(2);
    assertThat(f.offload.spawned()).isEqualTo(2);
    assertThat(f.offload.deduplicated()).isGreaterThan(100);

    f.upstream.release();
    assertThat(f.offload.active()).isZero();
    f.ticker.advance(Duration.ofSeconds(30));
    assertThat(cached.exchange("a").join().status()).isEqualTo(CacheStatus.HIT);
    assertThat(f.upstream.calls()).isEqualTo(4);
  }

  @Test
  void aFailedRefreshLeavesTheEntryAndTheCallerSeesNothing() {
    CachedUpstream<String, String> cached =
        f.cached(
            CachePolicy.builder()
                .ttl(Duration.ofSeconds(60))
                .earlyRefresh(Duration.ofSeconds(5))
                .staleIfError(Duration.ofSeconds(60))
                .build());
    cached.call("a").join();
    f.upstream.failWith(new IllegalStateException("down"));
    f.ticker.advance(Duration.ofMillis(59_500));

    for (int i = 0; i < 200 && f.upstream.calls() < 2; i++) {
      assertThat(cached.exchange("a").join().status()).isEqualTo(CacheStatus.HIT);
    }

    assertThat(f.upstream.calls()).isEqualTo(2);
    assertThat(f.offload.completed()).isEqualTo(1);
    // a background failure is not a stale-if-error answer: nobody was answered with it
    assertThat(f.listener.count("stale-if-error ")).isZero();
    assertThat(f.listener.events()).contains("offload-completed test:0:a false");
  }
}
