package dev.hitbox.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hitbox.core.CacheEndpoint;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.CacheResult;
import dev.hitbox.core.CacheStatus;
import dev.hitbox.core.CachedUpstream;
import dev.hitbox.core.spi.ValueCodec;
import dev.hitbox.testkit.CountingUpstream;
import dev.hitbox.testkit.DelayingTcpProxy;
import dev.hitbox.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Redis crashes, comes back and slows down under the engine: requests never fail or hang. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class RedisFaultTest {
  private static final int THREADS = 8;

  @Test
  void killingRedisUnderLoadFailsOpenAndHitsResumeAfterRestart() throws Exception {
    try (RedisServer redis = RedisServer.launch();
        RedisBackend backend =
            RedisBackend.builder()
                .connectionString(redis.uri())
                .maxReconnectDelay(Duration.ofMillis(200))
                .buildVerified()) {
      CountingListener listener = new CountingListener();
      CountingUpstream<String, String> upstream = CountingUpstream.answering(k -> "value of " + k);
      CachedUpstream<String, String> cached = endpoint(backend, listener).wrap(upstream);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong requests = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      AtomicLong wrong = new AtomicLong();
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try {
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          workers.add(
              pool.submit(
                  () -> {
                    while (!stop.get()) {
                      String key = "k" + ThreadLocalRandom.current().nextInt(200);
                      try {
                        String answer = cached.call(key).get(5, TimeUnit.SECONDS);
                        if (!answer.equals("value of " + key)) {
                          wrong.incrementAndGet();
                        }
                      } catch (Exception e) {
                        failed.incrementAndGet();
                      }
                      requests.incrementAndGet();
                    }
                  }));
        }
        await("hits before the crash")
            .atMost(Duration.ofSeconds(20))
            .until(() -> listener.hits.get() > 500);

        redis.kill();
        long requestsAtKill = requests.get();
        long errorsAtKill = listener.backendErrors.get();
        await("requests answered while Redis is down")
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    requests.get() > requestsAtKill + 1_000
                        && listener.backendErrors.get() > errorsAtKill + 100);

        redis.start();
        long hitsAtRestart = listener.hits.get();
        await("hits after the restart, with the same backend")
            .atMost(Duration.ofSeconds(20))
            .until(() -> listener.hits.get() > hitsAtRestart + 500);
      } finally {
        stop.set(true);
        pool.shutdown();
        assertThat(pool.awaitTermination(20, TimeUnit.SECONDS)).as("workers stopped").isTrue();
      }

      assertThat(failed.get()).as("failed requests of %d (%s)", requests.get(), listener).isZero();
      assertThat(wrong.get()).as("answers that were not the upstream's for their key").isZero();
      assertThat(listener.backendErrors.get()).as("backend errors counted").isPositive();
    }
  }

  @Test
  void redisDownAtStartupFailsOpenAndIsUsedOnceItComesUp() throws Exception {
    RedisServer redis = RedisServer.prepare();
    try (redis;
        RedisBackend backend =
            RedisBackend.builder()
                .connectionString(redis.uri())
                .maxReconnectDelay(Duration.ofMillis(100))
                .build()) {
      CountingListener listener = new CountingListener();
      CachedUpstream<String, String> cached =
          endpoint(backend, listener).wrap(CountingUpstream.answering(k -> "value of " + k));

      for (int i = 0; i < 20; i++) {
        assertThat(cached.call("k").get(5, TimeUnit.SECONDS)).isEqualTo("value of k");
      }
      assertThat(listener.backendErrors.get()).as("errors while Redis is not there").isPositive();
      assertThat(String.valueOf(listener.lastError.get()))
          .contains("127.0.0.1:" + redis.port())
          .contains("connection refused");

      redis.start();
      await("a hit once Redis is up")
          .atMost(Duration.ofSeconds(10))
          .until(() -> cached.exchange("k").get(5, TimeUnit.SECONDS).status() == CacheStatus.HIT);
    }
  }

  @Test
  void slowRedisIsBoundedByTheBackendTimeout() throws Exception {
    Duration delay = Duration.ofMillis(700);
    Duration backendTimeout = Duration.ofMillis(50);
    // not verified: the first requests also wait on the (slow) handshake, within the same bound
    try (RedisServer redis = RedisServer.launch();
        DelayingTcpProxy proxy = new DelayingTcpProxy(redis.port(), delay);
        RedisBackend backend =
            RedisBackend.builder().host("127.0.0.1").port(proxy.port()).build()) {
      CountingListener listener = new CountingListener();
      CachedUpstream<String, String> cached =
          CacheEndpoint.<String, String>builder("slow")
              .backend(backend)
              .codec(ValueCodec.utf8())
              .listener(listener)
              .backendTimeout(backendTimeout)
              .build()
              .wrap(CountingUpstream.answering(k -> "value of " + k));

      long slowest = 0;
      for (int i = 0; i < 40; i++) {
        String key = "k" + (i % 3);
        long start = System.nanoTime();
        CacheResult<String> r = cached.exchange(key).get(5, TimeUnit.SECONDS);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        slowest = Math.max(slowest, tookMillis);
        assertThat(r.value()).isEqualTo("value of " + key);
      }

      // far below the 700 ms Redis takes to answer: the engine gave up after 50 ms each time
      // (the margin is for a busy test machine)
      assertThat(slowest).as("slowest request, ms").isLessThan(450);
      assertThat(listener.backendErrors.get()).as("backend timeouts counted").isPositive();
    }
  }

  private static CacheEndpoint<String, String> endpoint(
      RedisBackend backend, CountingListener listener) {
    return CacheEndpoint.<String, String>builder("fault")
        .backend(backend)
        .codec(ValueCodec.utf8())
        .listener(listener)
        .backendTimeout(Duration.ofMillis(100))
        .policy(CachePolicy.builder().ttl(Duration.ofMinutes(5)).build())
        .build();
  }
}
