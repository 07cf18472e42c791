package dev.hitbox.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.CacheResult;
import dev.hitbox.core.CacheStatus;
import dev.hitbox.core.CachedUpstream;
import dev.hitbox.core.StalePolicy;
import dev.hitbox.core.spi.CachePredicate;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** One test per transition of the state machine, asserted through the listener's events. */
class StateMachineTest {
  private final EngineFixture f = new EngineFixture();

  private static final String INITIAL = "Initial->CheckRequestCachePolicy";
  private static final String TO_POLL_CACHE = "CheckRequestCachePolicy->PollCache";

  @Test
  void missGoesUpstreamChecksTheResponseAndUpdatesTheCache() {
    CachedUpstream<String, String> cached = f.cached(EngineFixture.policy(60, 0));

    CacheResult<String> r = cached.exchange("a").join();

    assertThat(r.status()).isEqualTo(CacheStatus.MISS);
    assertThat(r.value()).isEqualTo("v:a");
    assertThat(f.listener.transitions())
        .containsExactly(
            INITIAL,
            TO_POLL_CACHE,
            "PollCache->PollUpstream",
            "PollUpstream->CheckResponseCachePolicy",
            "CheckResponseCachePolicy->UpdateCache",
            "UpdateCache->Respond");
    assertThat(f.backend.writes()).isEqualTo(1);
  }

  @Test
  void freshEntryIsServedWithoutCallingUpstream() {
    CachedUpstream<String, String> cached = f.cached(EngineFixture.policy(60, 0));
    cached.call("a").join();
    f.listener.clear();
    f.ticker.advance(Duration.ofSeconds(59));

    CacheResult<String> r = cached.exchange("a").join();

    assertThat(r.status()).isEqualTo(CacheStatus.HIT);
    assertThat(r.value()).isEqualTo("v:a");
    assertThat(r.ageMillis()).isEqualTo(59_000);
    assertThat(f.upstream.calls()).isEqualTo(1);
    assertThat(f.listener.transitions())
        .containsExactly(INITIAL, TO_POLL_CACHE, "PollCache->Respond");
  }

  @Test
  void staleEntryWithReturnPolicyIsServedAndNotRefreshed() {
    CachedUpstream<String, String> cached =
        f.cached(
            CachePolicy.builder()
                .ttl(Duration.ofSeconds(10))
                .stale(Duration.ofSeconds(30))
                .stalePolicy(StalePolicy.RETURN)
                .build());
    cached.call("a").join();
    f.listener.clear();
    f.ticker.advance(Duration.ofSeconds(11));

    CacheResult<String> r = cached.exchange("a").join();

    assertThat(r.status()).isEqualTo(CacheStatus.STALE);
    assertThat(r.value()).isEqualTo("v:a");
    assertThat(f.upstream.calls()).isEqualTo(1);
    assertThat(f.listener.transitions())
        .containsExactly(INITIAL, TO_POLL_CACHE, "PollCache->HandleStale", "HandleStale->Respond");
  }

  @Test
  void staleEntryWithRevalidatePolicyWaitsForAFreshAnswer() {
    CachedUpstream<String, String> cached =
        f.cached(
            CachePolicy.builder()
                .ttl(Duration.ofSeconds(10))
                .stale(Duration.ofSeconds(30))
                .stalePolicy(StalePolicy.REVALIDATE)
                .build());
    cached.call("a").join();
    f.listener.clear();
    f.ticker.advance(Duration.ofSeconds(11));

    CacheResult<String> r = cached.exchange("a").join();

    assertThat(r.status()).isEqualTo(CacheStatus.MISS);
    assertThat(f.upstream.calls()).isEqualTo(2);
    assertThat(f.listener.transitions())
        .containsSubsequence("PollCache->HandleStale", "HandleStale->PollUpstream")
        .endsWith("UpdateCache->Respond");
    // the refreshed entry is fresh again
    assertThat(cached.exchange("a").join().status()).isEqualTo(CacheStatus.HIT);
  }

  @Test
  void staleEntryWithOffloadRevalidateIsServedAndRefreshedInTheBackground() {
    CachedUpstream<String, String> cached =
        f.cached(
            CachePolicy.builder()
                .ttl(Duration.ofSeconds(10))
                .stale(Duration.ofSeconds(30))
                .stalePolicy(StalePolicy.OFFLOAD_REVALIDATE)
                .build());
    cached.call("a").join();
    f.upstream.hold();
    f.listener.clear();
    f.ticker.advance(Duration.ofSeconds(11));

    CacheResult<String> r = cached.exchange("a").join();

    assertThat(r.status()).isEqualTo(CacheStatus.STALE);
    assertThat(f.upstream.pending()).as("background refresh started").isEqualTo(1);
    assertThat(f.listener.transitions()).contains("PollCache->HandleStale", "HandleStale->Respond");
    assertThat(f.offload.active()).isEqualTo(1);

    f.upstream.release();
    assertThat(f.offload.completed()).isEqualTo(1);
    assertThat(f.offload.active()).isZero();
    CacheResult<String> after = cached.exchange("a").join();
    assertThat(after.status()).isEqualTo(CacheStatus.HIT);
    assertThat(after.ageMillis()).isZero();
  }

  @Test
  void expiredEntryIsAMiss() {
    CachedUpstream<String, String> cached = f.cached(EngineFixture.policy(10, 5));
    cached.call("a").join();
    f.ticker.advance(Duration.ofSeconds(15));
    f.listener.clear();

    CacheResult<String> r = cached.exchange("a").join();

    assertThat(r.status()).isEqualTo(CacheStatus.MISS);
    assertThat(f.upstream.calls()).isEqualTo(2);
    assertThat(f.listener.transitions()).contains("PollCache->PollUpstream");
  }

  @Test
  void disabledPolicyBypassesTheCache() {
    CachedUpstream<String, String> cached = f.cached(CachePolicy.disabled());

    CacheResult<String> r = cached.exchange("a").join();
    cached.exchange("a").join();

    assertThat(r.status()).isEqualTo(CacheStatus.BYPASS);
    assertThat(f.upstream.calls()).isEqualTo(2);
    assertThat(f.backend.reads()).isZero();
    assertThat(f.listener.transitions())
        .containsSubsequence(
            INITIAL, "CheckRequestCachePolicy->PollUpstream", "PollUpstream->Respond");
  }

  @Test
  void requestThePredicateRejectsBypassesTheCache() {
    CachedUpstream<String, String> cached =
        f.cached(
            EngineFixture.policy(60, 0),
            b -> b.requestPredicate(CachePredicate.of(r -> !r.startsWith("private"))));

    assertThat(cached.exchange("private-1").join().status()).isEqualTo(CacheStatus.BYPASS);
    assertThat(cached.exchange("private-1").join().status()).isEqualTo(CacheStatus.BYPASS);
    assertThat(cached.exchange("public-1").join().status()).isEqualTo(CacheStatus.MISS);
    assertThat(cached.exchange("public-1").join().status()).isEqualTo(CacheStatus.HIT);
    assertThat(f.upstream.calls()).isEqualTo(3);
  }

  @Test
  void responseThePredicateRejectsIsReturnedButNotStored() {
    CachedUpstream<String, String> cached =
        f.cached(
            EngineFixture.policy(60, 0),
            b -> b.responsePredicate(CachePredicate.of(r -> !r.contains("error"))));

    CacheResult<String> r = cached.exchange("error").join();

    assertThat(r.value()).isEqualTo("v:error");
    assertThat(f.listener.transitions()).contains("CheckResponseCachePolicy->Respond");
    assertThat(f.backend.writes()).isZero();
    assertThat(cached.exchange("error").join().status()).isEqualTo(CacheStatus.MISS);
  }

  @Test
  void upstreamFailureReachesTheCallerUnchangedAndIsNotCached() {
    IllegalStateException boom = new IllegalStateException("upstream down");
    f.upstream.failWith(boom);
    CachedUpstream<String, String> cached = f.cached(EngineFixture.policy(60, 0));

    assertThatThrownBy(() -> cached.call("a").join())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isSameAs(boom);
    assertThat(f.listener.transitions()).endsWith("PollUpstream->Respond");
    assertThat(f.backend.writes()).isZero();
  }

  @Test
  void throwingPredicateFailsOpenToTheUpstream() {
    CachedUpstream<String, String> cached =
        f.cached(
            EngineFixture.policy(60, 0),
            b ->
                b.requestPredicate(
                    r -> {
                      throw new IllegalArgumentException("bad rule");
                    }));

    CacheResult<String> r = cached.exchange("a").join();

    assertThat(r.value()).isEqualTo("v:a");
    assertThat(r.status()).isEqualTo(CacheStatus.BYPASS);
    assertThat(f.listener.count("user-code-error")).isEqualTo(1);
  }

  @Test
  void dogpileTransitionsGoThroughAwaitResponse() {
    CachedUpstream<String, String> cached =
        f.cached(CachePolicy.builder().ttl(Duration.ofSeconds(60)).concurrency(1).build());

    cached.call("a").join();

    assertThat(f.listener.transitions())
        .containsSubsequence("PollCache->AwaitResponse", "AwaitResponse->PollUpstream");
  }

  @Test
  void eachResponseIsReportedOnceWithItsStatus() {
    CachedUpstream<String, String> cached = f.cached(EngineFixture.policy(60, 0));
    cached.call("a").join();
    cached.call("a").join();

    assertThat(f.listener.events()).containsSubsequence("response MISS", "response HIT");
    assertThat(f.listener.count("response")).isEqualTo(2);
  }
}
