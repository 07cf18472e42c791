package dev.hitbox.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.core.CacheKey;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.testkit.BackendCompatibilityKit;
import dev.hitbox.testkit.FakeTicker;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kit against a 3-master Redis Cluster started by the test, plus checks that keys, patterns and
 * tags really span the nodes.
 */
class RedisClusterCompatibilityTest extends BackendCompatibilityKit {
  private static RedisCluster cluster;
  private static RedisBackend backend;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = RedisCluster.start(3);
    backend =
        RedisBackend.builder()
            .cluster(cluster.addresses().get(0))
            .commandTimeout(java.time.Duration.ofSeconds(5))
            .buildVerified();
  }

  @AfterAll
  static void stopCluster() {
    try {
      if (backend != null) {
        backend.close();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  @Override
  protected Backend createBackend(FakeTicker ticker) {
    return backend;
  }

  @Test
  void patternsAndTagsReachKeysOnEveryMaster() throws Exception {
    String ns = "spread-" + System.nanoTime();
    long expireAt = System.currentTimeMillis() + 600_000;
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      CacheKey k = CacheKey.of(ns, (i % 2 == 0 ? "even:" : "odd:") + i);
      byte[] v = ("v" + i).getBytes(StandardCharsets.UTF_8);
      writes.add(
          backend
              .write(
                  k,
                  BackendEntry.of(
                      v, expireAt, expireAt, Set.of(ns + (i % 3 == 0 ? ":three" : ":other"))))
              .toCompletableFuture());
    }
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    assertThat(cluster.keysPerNode()).as("keys held by each master").allMatch(n -> n >= 50);

    long even =
        backend.invalidatePattern(ns, "even:*").toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(even).isEqualTo(150);
    long three =
        backend.invalidateTag(ns + ":three").toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(three).as("odd multiples of three left after the pattern").isEqualTo(50);

    for (int i = 0; i < 300; i++) {
      byte[] v =
          backend
              .read(CacheKey.of(ns, (i % 2 == 0 ? "even:" : "odd:") + i))
              .toCompletableFuture()
              .get(5, TimeUnit.SECONDS);
      boolean kept = i % 2 == 1 && i % 3 != 0;
      assertThat(v != null).as("key %d kept", i).isEqualTo(kept);
    }
  }
}
