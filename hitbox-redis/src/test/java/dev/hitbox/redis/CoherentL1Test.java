package dev.hitbox.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hitbox.caffeine.CaffeineBackend;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.CoherentBackend;
import dev.hitbox.core.CompositeBackend;
import dev.hitbox.core.CompositionPolicy;
import dev.hitbox.core.HitboxCache;
import dev.hitbox.core.RefillPolicy;
import dev.hitbox.core.spi.ValueCodec;
import dev.hitbox.testkit.RedisServer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two instances, each with its own Caffeine L1 over one shared Redis L2, kept coherent. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class CoherentL1Test {
  private static final Duration BOUND = Duration.ofSeconds(5);

  @Test
  void invalidationOnOneInstanceIsServedFreshByTheOther() throws Exception {
    try (RedisServer redis = RedisServer.launch();
        Instance a = new Instance(redis.uri());
        Instance b = new Instance(redis.uri())) {
      a.cache.put("k", "v1").get(5, TimeUnit.SECONDS);
      assertThat(b.cache.get("k", k -> done("loaded by b")).get(5, TimeUnit.SECONDS))
          .isEqualTo("v1");
      await().atMost(BOUND).until(() -> b.readIntoL1("k")); // refilled from L2

      a.cache.invalidate("k").get(5, TimeUnit.SECONDS);
      await("b's L1 dropped the key").atMost(BOUND).until(() -> b.inL1("k") == null);
      // Only a wrote so far (b's first read refilled its L1 from L2, which is not published).
      assertThat(a.coherent.received()).as("a ignores its own messages").isZero();
      // b loads and stores v2, which a is then told about.
      assertThat(b.cache.get("k", k -> done("v2")).get(5, TimeUnit.SECONDS)).isEqualTo("v2");
    }
  }

  @Test
  void writeOnOneInstanceEvictsTheOldValueFromTheOther() throws Exception {
    try (RedisServer redis = RedisServer.launch();
        Instance a = new Instance(redis.uri());
        Instance b = new Instance(redis.uri())) {
      a.cache.put("k", "old").get(5, TimeUnit.SECONDS);
      assertThat(b.cache.getIfPresent("k").get(5, TimeUnit.SECONDS)).isEqualTo("old");
      await().atMost(BOUND).until(() -> b.readIntoL1("k"));

      long received = b.coherent.received();
      a.cache.put("k", "new").get(5, TimeUnit.SECONDS);
      await().atMost(BOUND).until(() -> b.coherent.received() > received);
      await().atMost(BOUND).until(() -> b.inL1("k") == null);
      assertThat(b.cache.getIfPresent("k").get(5, TimeUnit.SECONDS)).isEqualTo("new");
    }
  }

  @Test
  void tagAndPatternInvalidationReachTheOtherInstance() throws Exception {
    try (RedisServer redis = RedisServer.launch();
        Instance a = new Instance(redis.uri());
        Instance b = new Instance(redis.uri())) {
      a.cache.put("post:1", "p1", Set.of("author:7")).get(5, TimeUnit.SECONDS);
      a.cache.put("user:1", "u1").get(5, TimeUnit.SECONDS);
      a.cache.put("other", "o").get(5, TimeUnit.SECONDS);
      for (String k : new String[] {"post:1", "user:1", "other"}) {
        assertThat(b.cache.getIfPresent(k).get(5, TimeUnit.SECONDS)).isNotNull();
        await().atMost(BOUND).until(() -> b.readIntoL1(k));
      }

      a.cache.invalidateTag("author:7").get(5, TimeUnit.SECONDS);
      a.cache.invalidatePattern("user:*").get(5, TimeUnit.SECONDS);
      await().atMost(BOUND).until(() -> b.inL1("post:1") == null && b.inL1("user:1") == null);
      assertThat(b.inL1("other")).as("untouched key stays in b's L1").isNotNull();
      assertThat(b.cache.getIfPresent("post:1").get(5, TimeUnit.SECONDS)).isNull();
      assertThat(b.cache.getIfPresent("user:1").get(5, TimeUnit.SECONDS)).isNull();
    }
  }

  @Test
  void invalidationsReachTheOtherInstanceWithinABoundedDelay() throws Exception {
    try (RedisServer redis = RedisServer.launch();
        Instance a = new Instance(redis.uri());
        Instance b = new Instance(redis.uri())) {
      int rounds = 200;
      long[] micros = new long[rounds];
      for (int i = 0; i < rounds; i++) {
        long before = b.coherent.received();
        long start = System.nanoTime();
        a.cache.invalidate("k" + i).get(5, TimeUnit.SECONDS);
        await()
            .atMost(BOUND)
            .pollInterval(Duration.ofNanos(20_000))
            .until(() -> b.coherent.received() > before);
        micros[i] = (System.nanoTime() - start) / 1_000;
      }
      Arrays.sort(micros);
      System.out.printf(
          "invalidation on A to delivery on B, %d rounds: p50 %d us, p99 %d us, max %d us%n",
          rounds, micros[rounds / 2], micros[rounds * 99 / 100], micros[rounds - 1]);
      assertThat(micros[rounds - 1]).isLessThan(BOUND.toNanos() / 1_000);
    }
  }

  @Test
  void l1IsClearedAfterTheSubscriptionIsLostAndRestored() throws Exception {
    try (RedisServer redis = RedisServer.launch();
        Instance a = new Instance(redis.uri());
        Instance b = new Instance(redis.uri())) {
      a.cache.put("k", "v1").get(5, TimeUnit.SECONDS);
      assertThat(b.cache.getIfPresent("k").get(5, TimeUnit.SECONDS)).isEqualTo("v1");
      await().atMost(BOUND).until(() -> b.readIntoL1("k"));

      redis.kill();
      await("reset on disconnect").atMost(BOUND).until(() -> b.coherent.resets() >= 1);
      // while Redis is away, b keeps writing to its L1 alone (and misses what a does)
      b.cache.put("during", "x").get(5, TimeUnit.SECONDS);
      assertThat(b.inL1("during")).isNotNull();
      long resets = b.coherent.resets();

      redis.start();
      await("reset after resubscribe")
          .atMost(Duration.ofSeconds(15))
          .until(() -> b.coherent.resets() > resets);
      await().atMost(BOUND).until(() -> b.inL1("during") == null && b.inL1("k") == null);
    }
  }

  private static <T> CompletableFuture<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }

  /** One application instance: its own Redis connections, L1, bus and cache. */
  static final class Instance implements AutoCloseable {
    final RedisBackend redis;
    final CaffeineBackend l1 = CaffeineBackend.builder().maxCapacity(1_000).build();
    final RedisInvalidationBus bus;
    final CoherentBackend coherent;
    final HitboxCache<String> cache;

    Instance(String uri) throws Exception {
      redis =
          RedisBackend.builder()
              .connectionString(uri)
              .maxReconnectDelay(Duration.ofMillis(100))
              .buildVerified();
      bus = RedisInvalidationBus.builder(redis).channel("hitbox:test:l1").build();
      CompositeBackend tiers =
          CompositeBackend.builder(l1, redis)
              .policy(CompositionPolicy.builder().refill(RefillPolicy.ALWAYS).build())
              .tierTimeout(Duration.ofMillis(500)) // generous: the test machine is shared
              .build();
      coherent = CoherentBackend.builder(tiers).bus(bus).build();
      bus.subscribed().get(10, TimeUnit.SECONDS);
      cache =
          HitboxCache.builder("users", ValueCodec.utf8())
              .backend(coherent)
              .policy(CachePolicy.builder().ttl(Duration.ofMinutes(5)).concurrency(1).build())
              .build();
    }

    /** Reads {@code key} through the tiers, and says whether L1 holds it now. */
    boolean readIntoL1(String key) throws Exception {
      cache.getIfPresent(key).get(5, TimeUnit.SECONDS);
      return inL1(key) != null;
    }

    byte @Nullable [] inL1(String key) throws Exception {
      byte[] bytes =
          l1.read(CacheKey.of("users", key)).toCompletableFuture().get(1, TimeUnit.SECONDS);
      return bytes == null ? null : Arrays.copyOf(bytes, bytes.length);
    }

    @Override
    public void close() {
      coherent.close();
      bus.close();
      redis.close();
    }
  }
}
