package dev.hitbox.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.CacheResult;
import dev.hitbox.core.CacheStatus;
import dev.hitbox.core.CachedUpstream;
import dev.hitbox.core.HitboxCache;
import dev.hitbox.core.StalePolicy;
import dev.hitbox.core.spi.ValueCodec;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A failed upstream call is answered with the stored entry while it is within the bound. */
class StaleIfErrorTest {
  private final EngineFixture f = new EngineFixture();
  private final IllegalStateException down = new IllegalStateException("upstream down");

  /**
   * ttl 10 s, stale 30 s, stale-if-error 60 s: fresh until 10 s, stale until 40, kept until 100.
   */
  private static CachePolicy policy(StalePolicy stalePolicy, int concurrency) {
    CachePolicy.Builder b =
        CachePolicy.builder()
            .ttl(Duration.ofSeconds(10))
            .stale(Duration.ofSeconds(30))
            .stalePolicy(stalePolicy)
            .staleIfError(Duration.ofSeconds(60));
    if (concurrency > 0) {
      b.concurrency(concurrency);
    }
    return b.build();
  }

  @Test
  void aStaleEntryAnswersAFailedRevalidation() {
    CachedUpstream<String, String> cached = f.cached(policy(StalePolicy.REVALIDATE, 0));
    cached.call("a").join();
    f.ticker.advance(Duration.ofSeconds(15));
    f.upstream.failWith(down);
    f.listener.clear();

    CacheResult<String> r = cached.exchange("a").join();

    assertThat(r.status()).isEqualTo(CacheStatus.STALE);
    assertThat(r.staleIfError()).isTrue();
    assertThat(r.value()).isEqualTo("v:a");
    assertThat(r.ageMillis()).isEqualTo(15_000);
    assertThat(f.upstream.calls()).isEqualTo(2);
    assertThat(f.listener.events())
        .contains("stale-if-error test:0:a IllegalStateException", "response STALE");
  }

  @Test
  void anEntryPastItsStaleWindowAnswersAFailureWithinTheBound() {
    CachedUpstream<String, String> cached = f.cached(policy(StalePolicy.RETURN, 0));
    cached.call("a").join();
    f.ticker.advance(Duration.ofSeconds(40 + 59));
    f.upstream.failWith(down);

    CacheResult<String> r = cached.exchange("a").join();

    assertThat(r.status()).isEqualTo(CacheStatus.STALE);
    assertThat(r.staleIfError()).isTrue();
    assertThat(r.value()).isEqualTo("v:a");
    assertThat(f.listener.count("stale-if-error ")).isEqualTo(1);
    // the value-only form answers too
    assertThat(cached.call("a").join()).isEqualTo("v:a");
    assertThat(f.listener.count("stale-if-error ")).isEqualTo(2);
  }

  @Test
  void anEntryPastItsStaleWindowIsAMissWhenTheUpstreamAnswers() {
    CachedUpstream<String, String> cached = f.cached(policy(StalePolicy.RETURN, 0));
    cached.call("a").join();
    f.ticker.advance(Duration.ofSeconds(41));

    CacheResult<String> r = cached.exchange("a").join();

    assertThat(r.status()).isEqualTo(CacheStatus.MISS);
    assertThat(f.upstream.calls()).isEqualTo(2);
    assertThat(f.listener.count("stale-if-error ")).isZero();
  }

  @Test
  void pastTheBoundTheUpstreamFailureReachesTheCaller() {
    CachedUpstream<String, String> cached = f.cached(policy(StalePolicy.RETURN, 0));
    cached.call("a").join();
    f.ticker.advance(Duration.ofSeconds(40 + 60));
    f.upstream.failWith(down);

    CompletableFuture<CacheResult<String>> r = cached.exchange("a");

    assertThatThrownBy(r::join).isInstanceOf(CompletionException.class).hasCause(down);
    assertThat(f.listener.count("stale-if-error ")).isZero();
  }

  @Test
  void withoutABoundAnEntryInItsStaleWindowStillAnswersAFailedRevalidation() {
    CachedUpstream<String, String> cached =
        f.cached(
            CachePolicy.builder()
                .ttl(Duration.ofSeconds(10))
                .stale(Duration.ofSeconds(30))
                .stalePolicy(StalePolicy.REVALIDATE)
                .build());
    cached.call("a").join();
    f.ticker.advance(Duration.ofSeconds(15));
    f.upstream.failWith(down);

    CacheResult<String> r = cached.exchange("a").join();
    assertThat(r.staleIfError()).isTrue();
    assertThat(r.value()).isEqualTo("v:a");
    assertThat(f.listener.count("stale-if-error ")).isEqualTo(1);

    // past the stale window nothing is kept for errors: the failure reaches the caller
    f.ticker.advance(Duration.ofSeconds(26));
    assertThatThrownBy(() -> cached.call("a").join()).hasCause(down);
    assertThat(f.listener.count("stale-if-error ")).isEqualTo(1);
  }

  @Test
  void aFailureAnswerIsReplacedByTheStoredEntry() {
    AtomicBoolean failing = new AtomicBoolean();
    CachedUpstream<String, String> cached =
        f.cached(policy(StalePolicy.REVALIDATE, 0), b -> b.failureIf(v -> failing.get()));
    cached.call("a").join();
    f.ticker.advance(Duration.ofSeconds(40 + 30)); // past the stale window, within the bound
    failing.set(true);
    f.listener.clear();

    CacheResult<String> r = cached.exchange("a").join();

    assertThat(r.status()).isEqualTo(CacheStatus.STALE);
    assertThat(r.staleIfError()).isTrue();
    assertThat(r.ageMillis()).isEqualTo(70_000);
    assertThat(f.upstream.calls()).isEqualTo(2);
    assertThat(f.listener.events())
        .contains("upstream failed", "stale-if-error test:0:a CacheException", "response STALE");

    // the upstream answers well again: the answer replaces the entry
    failing.set(false);
    assertThat(cached.exchange("a").join().status()).isEqualTo(CacheStatus.MISS);
    assertThat(cached.exchange("a").join().status()).isEqualTo(CacheStatus.HIT);
  }

  @Test
  void aFailureAnswerWithNoEntryToFallBackOnGoesToTheCaller() {
    CachedUpstream<String, String> cached =
        f.cached(policy(StalePolicy.REVALIDATE, 0), b -> b.failureIf(v -> v.equals("v:b")));

    CacheResult<String> r = cached.exchange("b").join();

    assertThat(r.status()).isEqualTo(CacheStatus.MISS);
    assertThat(r.value()).isEqualTo("v:b");
    assertThat(r.staleIfError()).isFalse();
    assertThat(f.listener.events()).contains("upstream failed", "response MISS");
    assertThat(f.listener.count("stale-if-error ")).isZero();
  }

  @Test
  void aThrowingFailurePredicateCountsTheAnswerAsGood() {
    CachedUpstream<String, String> cached =
        f.cached(
            policy(StalePolicy.REVALIDATE, 0),
            b ->
                b.failureIf(
                    v -> {
                      throw new IllegalStateException("bug");
                    }));
    cached.call("a").join();
    f.ticker.advance(Duration.ofSeconds(15));

    assertThat(cached.exchange("a").join().status()).isEqualTo(CacheStatus.MISS);
    assertThat(f.listener.count("user-code-error ")).isEqualTo(2);
    assertThat(f.listener.count("stale-if-error ")).isZero();
  }

  @Test
  void dogpileLeaderAndWaitersAreAnsweredWithTheStaleEntry() {
    CachedUpstream<String, String> cached = f.cached(policy(StalePolicy.REVALIDATE, 1));
    cached.call("a").join();
    f.ticker.advance(Duration.ofSeconds(15));
    f.upstream.failWith(down).hold();

    CompletableFuture<CacheResult<String>> leader = cached.exchange("a");
    CompletableFuture<CacheResult<String>> waiter = cached.exchange("a");
    assertThat(f.upstream.pending()).isEqualTo(1);
    f.upstream.release();

    assertThat(leader.join().staleIfError()).isTrue();
    assertThat(waiter.join().staleIfError()).isTrue();
    assertThat(waiter.join().value()).isEqualTo("v:a");
    assertThat(f.listener.count("stale-if-error ")).isEqualTo(2);
  }

  @Test
  void theUpstreamAnsweringAgainReplacesTheEntry() {
    CachedUpstream<String, String> cached = f.cached(policy(StalePolicy.RETURN, 0));
    cached.call("a").join();
    f.ticker.advance(Duration.ofSeconds(50));
    f.upstream.failWith(down);
    assertThat(cached.exchange("a").join().staleIfError()).isTrue();

    f.upstream.failWith(null);
    assertThat(cached.exchange("a").join().status()).isEqualTo(CacheStatus.MISS);
    CacheResult<String> hit = cached.exchange("a").join();
    assertThat(hit.status()).isEqualTo(CacheStatus.HIT);
    assertThat(hit.staleIfError()).isFalse();
  }

  @Test
  void getIfPresentDoesNotReturnAnEntryKeptOnlyForErrors() {
    HitboxCache<String> cache =
        HitboxCache.builder("users", ValueCodec.utf8())
            .backend(f.backend)
            .ticker(f.ticker)
            .policy(
                CachePolicy.builder()
                    .ttl(Duration.ofSeconds(10))
                    .staleIfError(Duration.ofSeconds(60))
                    .build())
            .build();
    cache.put("u", "x").join();
    f.ticker.advance(Duration.ofSeconds(30));

    assertThat(cache.getIfPresent("u").join()).isNull();
    assertThat(
            cache
                .getWithStatus("u", k -> CompletableFuture.failedFuture(down))
                .join()
                .staleIfError())
        .isTrue();
  }
}
