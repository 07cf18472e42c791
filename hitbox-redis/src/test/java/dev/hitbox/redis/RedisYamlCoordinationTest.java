package dev.hitbox.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hitbox.config.ConfigException;
import dev.hitbox.config.ConfigLoader;
import dev.hitbox.config.EndpointConfig;
import dev.hitbox.config.HitboxConfig;
import dev.hitbox.core.CacheEndpoint;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.CoherentBackend;
import dev.hitbox.core.HitboxCache;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.core.spi.ValueCodec;
import dev.hitbox.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The distributed dogpile and the coherent L1 configured from YAML alone: two backends made from
 * one file stand for two processes sharing a real {@code redis-server}.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RedisYamlCoordinationTest {
  private static final int REQUESTS = 200;
  private static RedisServer redis;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.launch();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  private static HitboxConfig parse(String yaml) {
    return ConfigLoader.builder()
        .environment(Map.of("REDIS_URL", redis.uri()))
        .build()
        .parse(yaml, "hitbox.yaml");
  }

  @Test
  void distributedDogpileFromYamlLetsOneCallerOfTwoProcessesGoUpstream() throws Exception {
    HitboxConfig config =
        parse(
            """
            backend:
              type: Redis
              connection_string: "${REDIS_URL}"
              command_timeout: 5s          # generous: the test machine is shared
              distributed_dogpile:
                lease_time: 10s
                acquire_timeout: 5s
            policy: { Enabled: { ttl: 60, concurrency: 1 } }
            """);
    EndpointConfig e = config.endpoints().get(0);
    Backend a = e.backend().create();
    Backend b = e.backend().create();
    try {
      assertThat(((RedisBackend) a).concurrencyManager()).isPresent();
      CompletableFuture<String> gate = new CompletableFuture<>();
      AtomicInteger calls = new AtomicInteger();
      CountingListener la = new CountingListener();
      CountingListener lb = new CountingListener();
      List<CompletableFuture<String>> results = new ArrayList<>();
      var ca = endpoint(a, e, la).wrap(k -> count(calls, gate, k));
      var cb = endpoint(b, e, lb).wrap(k -> count(calls, gate, k));
      for (int i = 0; i < REQUESTS; i++) {
        results.add((i % 2 == 0 ? ca : cb).call("hot"));
      }
      await("every caller but one waiting, in either process")
          .atMost(Duration.ofSeconds(30))
          .until(() -> la.dogpileWaits.get() + lb.dogpileWaits.get() == REQUESTS - 1);
      gate.complete("go");
      for (CompletableFuture<String> r : results) {
        assertThat(r.get(10, TimeUnit.SECONDS)).isEqualTo("value of hot");
      }
      assertThat(calls.get()).as("upstream calls for %d cold requests", REQUESTS).isEqualTo(1);
    } finally {
      ((RedisBackend) a).close();
      ((RedisBackend) b).close();
    }
  }

  @Test
  void withoutDistributedDogpileEachProcessCoalescesOnItsOwn() throws Exception {
    HitboxConfig config =
        parse(
            """
            backend: { type: Redis, connection_string: "${REDIS_URL}" }
            policy: { Enabled: { ttl: 60, concurrency: 1 } }
            """);
    EndpointConfig e = config.endpoints().get(0);
    Backend a = e.backend().create();
    try {
      assertThat(((RedisBackend) a).concurrencyManager()).isEmpty();
      assertThat(endpoint(a, e, new CountingListener()).concurrencyManager())
          .isNotInstanceOf(RedisConcurrencyManager.class);
    } finally {
      ((RedisBackend) a).close();
    }
  }

  @Test
  void coherentCompositionFromYamlEvictsTheOtherProcesssL1() throws Exception {
    HitboxConfig config =
        parse(
            """
            backend:
              type: Composition
              coherent: true
              tier_timeout: 500ms
              policy: { refill: Always }
              l1: { type: Caffeine, max_capacity: 1000 }
              l2:
                type: Redis
                connection_string: "${REDIS_URL}"
                invalidation_channel: "hitbox:test:yaml-l1"
            policy: { Enabled: { ttl: 300 } }
            """);
    EndpointConfig e = config.endpoints().get(0);
    Backend a = e.backend().create();
    Backend b = e.backend().create();
    try {
      assertThat(a).isInstanceOf(CoherentBackend.class);
      CoherentBackend ca = (CoherentBackend) a;
      CoherentBackend cb = (CoherentBackend) b;
      ((RedisInvalidationBus) ca.invalidationBus().orElseThrow())
          .subscribed()
          .get(10, TimeUnit.SECONDS);
      ((RedisInvalidationBus) cb.invalidationBus().orElseThrow())
          .subscribed()
          .get(10, TimeUnit.SECONDS);
      HitboxCache<String> cacheA = cache(a);
      HitboxCache<String> cacheB = cache(b);

      cacheA.put("k", "v1").get(5, TimeUnit.SECONDS);
      assertThat(cacheB.getIfPresent("k").get(5, TimeUnit.SECONDS)).isEqualTo("v1");
      await("b's L1 refilled from L2").atMost(Duration.ofSeconds(5)).until(() -> inL1(cb, "k"));

      cacheA.put("k", "v2").get(5, TimeUnit.SECONDS);
      await("b's L1 dropped the old value")
          .atMost(Duration.ofSeconds(5))
          .until(() -> !inL1(cb, "k"));
      assertThat(cacheB.getIfPresent("k").get(5, TimeUnit.SECONDS)).isEqualTo("v2");
      assertThat(ca.received()).as("a ignores its own messages").isZero();
      assertThat(cb.received()).isPositive();
    } finally {
      ((CoherentBackend) a).close();
      ((CoherentBackend) b).close();
      ((RedisBackend) ((CoherentBackend) a).tiers().l2()).close();
      ((RedisBackend) ((CoherentBackend) b).tiers().l2()).close();
    }
  }

  @Test
  void badCoordinationSettingsAreReportedAtTheirKeys() {
    assertThatThrownBy(
            () ->
                parse(
                    "backend: { type: Redis, host: h, distributed_dogpile: { lease_time: 1ms } }\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("hitbox.yaml")
        .hasMessageContaining("lease_time")
        .hasMessageContaining("PT0.01S");
    assertThatThrownBy(
            () ->
                parse(
                    "backend: { type: Redis, host: h,"
                        + " distributed_dogpile: { acquire_timeout: 2h } }\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("acquire_timeout");
    assertThatThrownBy(
            () -> parse("backend: { type: Redis, host: h, distributed_dogpile: { lease: 5s } }\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("lease");
    assertThatThrownBy(
            () -> parse("backend: { type: Redis, host: h, distributed_dogpile: true }\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("distributed_dogpile")
        .hasMessageContaining("mapping");
    assertThatThrownBy(
            () ->
                parse(
                    "backend: { type: Composition, coherent: true,"
                        + " l1: { type: Caffeine }, l2: { type: Caffeine } }\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("coherent")
        .hasMessageContaining("Redis");
  }

  private static boolean inL1(CoherentBackend backend, String key) throws Exception {
    return backend
            .tiers()
            .l1()
            .read(CacheKey.of("users", key))
            .toCompletableFuture()
            .get(1, TimeUnit.SECONDS)
        != null;
  }

  private static HitboxCache<String> cache(Backend backend) {
    return HitboxCache.builder("users", ValueCodec.utf8())
        .backend(backend)
        .policy(CachePolicy.builder().ttl(Duration.ofMinutes(5)).build())
        .build();
  }

  private static CacheEndpoint<String, String> endpoint(
      Backend backend, EndpointConfig e, CountingListener listener) {
    return CacheEndpoint.<String, String>builder("yaml")
        .backend(backend)
        .codec(ValueCodec.utf8())
        .listener(listener)
        .policy(e.policy())
        .backendTimeout(Duration.ofSeconds(5))
        .dogpileTimeout(Duration.ofMinutes(1))
        .build();
  }

  private static CompletableFuture<String> count(
      AtomicInteger calls, CompletableFuture<String> gate, String key) {
    calls.incrementAndGet();
    return gate.thenApply(v -> "value of " + key);
  }
}
