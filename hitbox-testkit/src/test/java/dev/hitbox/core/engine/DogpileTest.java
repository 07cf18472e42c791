package dev.hitbox.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.CacheResult;
import dev.hitbox.core.CacheStatus;
import dev.hitbox.core.CachedUpstream;
import dev.hitbox.core.spi.CachePredicate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Dogpile prevention: at most {@code concurrency} callers per key go upstream. */
class DogpileTest {
  private final EngineFixture f = new EngineFixture();

  private CachedUpstream<String, String> cached(int concurrency) {
    return f.cached(
        CachePolicy.builder().ttl(Duration.ofSeconds(60)).concurrency(concurrency).build());
  }

  private static List<CompletableFuture<CacheResult<String>>> fire(
      CachedUpstream<String, String> cached, String key, int n) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<CompletableFuture<CacheResult<String>>> out = new ArrayList<>();
    CountDownLatch start = new CountDownLatch(1);
    List<CompletableFuture<CompletableFuture<CacheResult<String>>>> submitted = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      submitted.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                return cached.exchange(key);
              },
              pool));
    }
    start.countDown();
    for (CompletableFuture<CompletableFuture<CacheResult<String>>> s : submitted) {
      out.add(s.join());
    }
    pool.shutdown();
    return out;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4})
  void thousandConcurrentMissesCallUpstreamExactlyConcurrencyTimes(int concurrency)
      throws InterruptedException {
    CachedUpstream<String, String> cached = cached(concurrency);
    f.upstream.hold();

    List<CompletableFuture<CacheResult<String>>> results = fire(cached, "hot", 1000);
    await().until(() -> f.upstream.pending() == concurrency);
    assertThat(f.listener.count("dogpile-wait")).isEqualTo(1000 - concurrency);
    f.upstream.release();

    for (CompletableFuture<CacheResult<String>> r : results) {
      assertThat(r.join().value()).isEqualTo("v:hot");
    }
    // the leaders missed; every waiter was answered from a leader's fill, reported as a hit
    assertThat(results.stream().filter(r -> r.join().status() == CacheStatus.MISS).count())
        .isBetween(1L, (long) concurrency);
    assertThat(results.stream().filter(r -> r.join().status() == CacheStatus.HIT).count())
        .isGreaterThanOrEqualTo(1000L - concurrency);
    assertThat(f.upstream.calls()).isEqualTo(concurrency);
    assertThat(cached.exchange("hot").join().status()).isEqualTo(CacheStatus.HIT);
  }

  @Test
  void leaderFailurePromotesOneWaiterToLeadAndTheRestGetItsAnswer() throws InterruptedException {
    CachedUpstream<String, String> cached = cached(1);
    f.upstream.hold().failWith(new IllegalStateException("first call fails"));

    List<CompletableFuture<CacheResult<String>>> results = fire(cached, "k", 50);
    await().until(() -> f.upstream.pending() == 1);
    f.upstream.releaseOne(); // the leader fails
    f.upstream.failWith(null);
    await().until(() -> f.upstream.pending() == 1); // exactly one new leader
    f.upstream.release();

    long failed = results.stream().filter(CompletableFuture::isCompletedExceptionally).count();
    assertThat(failed).as("only the failed leader's own caller sees the failure").isEqualTo(1);
    assertThat(results.stream().filter(r -> !r.isCompletedExceptionally()))
        .allSatisfy(r -> assertThat(r.join().value()).isEqualTo("v:k"));
    assertThat(f.upstream.calls()).isEqualTo(2);
  }

  @Test
  void notCacheableLeaderAnswerReleasesEachWaiterToGoUpstream() throws InterruptedException {
    CachedUpstream<String, String> cached =
        f.cached(
            CachePolicy.builder().ttl(Duration.ofSeconds(60)).concurrency(1).build(),
            b -> b.responsePredicate(CachePredicate.never()));
    f.upstream.hold();

    List<CompletableFuture<CacheResult<String>>> results = fire(cached, "k", 20);
    await().until(() -> f.upstream.pending() == 1);
    f.upstream.release();

    for (CompletableFuture<CacheResult<String>> r : results) {
      assertThat(r.join().value()).isEqualTo("v:k");
    }
    assertThat(f.upstream.calls()).isEqualTo(20);
  }

  @Test
  void cancelledLeaderCallerStillFeedsTheWaiters() throws InterruptedException {
    CachedUpstream<String, String> cached = cached(1);
    f.upstream.hold();

    CompletableFuture<CacheResult<String>> leader = cached.exchange("k");
    await().until(() -> f.upstream.pending() == 1);
    List<CompletableFuture<CacheResult<String>>> waiters = fire(cached, "k", 10);
    leader.cancel(true);
    f.upstream.release();

    assertThat(leader).isCancelled();
    for (CompletableFuture<CacheResult<String>> w : waiters) {
      assertThat(w.join().value()).isEqualTo("v:k");
    }
    assertThat(f.upstream.calls()).isEqualTo(1);
  }

  @Test
  void cancellingOneWaiterAffectsNoOtherCaller() throws InterruptedException {
    CachedUpstream<String, String> cached = cached(1);
    f.upstream.hold();

    List<CompletableFuture<CacheResult<String>>> results = fire(cached, "k", 10);
    await().until(() -> f.upstream.pending() == 1);
    results.get(3).cancel(true);
    f.upstream.release();

    for (int i = 0; i < results.size(); i++) {
      if (i == 3) {
        assertThat(results.get(i)).isCancelled();
      } else {
        assertThat(results.get(i).join().value()).isEqualTo("v:k");
      }
    }
  }

  @Test
  void upstreamStageCancelledCountsAsLeaderFailure() throws InterruptedException {
    CompletableFuture<String> cancelledCall = new CompletableFuture<>();
    cancelledCall.cancel(true);
    int[] calls = {0};
    CachedUpstream<String, String> cached =
        dev.hitbox.core.CacheEndpoint.<String, String>builder("t")
            .backend(f.backend)
            .codec(dev.hitbox.core.spi.ValueCodec.utf8())
            .policy(CachePolicy.builder().concurrency(1).build())
            .build()
            .wrap(
                r -> {
                  synchronized (calls) {
                    calls[0]++;
                    return calls[0] == 1 ? cancelledCall : CompletableFuture.completedFuture("ok");
                  }
                });

    CompletableFuture<CacheResult<String>> first = cached.exchange("k");

    assertThat(first).isCompletedExceptionally();
    assertThat(cached.call("k").join()).isEqualTo("ok");
  }

  @Test
  void waiterGoesUpstreamItselfAfterTheWaitBound() throws InterruptedException {
    CachedUpstream<String, String> cached =
        f.cached(
            CachePolicy.builder().ttl(Duration.ofSeconds(60)).concurrency(1).build(),
            b -> b.dogpileTimeout(Duration.ofMillis(100)));
    f.upstream.hold();

    CompletableFuture<CacheResult<String>> leader = cached.exchange("k");
    CompletableFuture<CacheResult<String>> waiter = cached.exchange("k");

    await().atMost(Duration.ofSeconds(5)).until(() -> f.upstream.pending() == 2);
    assertThat(f.listener.count("dogpile-timeout")).isEqualTo(1);
    f.upstream.release();
    assertThat(leader.join().value()).isEqualTo("v:k");
    assertThat(waiter.join().value()).isEqualTo("v:k");
  }

  @Test
  void waitersNeverHangWhenEveryLeaderFails() throws InterruptedException {
    CachedUpstream<String, String> cached = cached(1);
    f.upstream.failWith(new IllegalStateException("down"));
    f.upstream.hold();

    List<CompletableFuture<CacheResult<String>>> results = fire(cached, "k", 20);
    await().until(() -> f.upstream.pending() == 1);
    f.upstream.release();

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> results.stream().allMatch(CompletableFuture::isDone));
    assertThat(results)
        .allSatisfy(
            r ->
                assertThat(r)
                    .failsWithin(Duration.ZERO)
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .havingCause()
                    .withMessage("down"));
    assertThat(f.upstream.calls()).isEqualTo(20);
  }
}
