package dev.hitbox.memcached;

import static dev.hitbox.memcached.MemcachedBackendTest.connected;
import static dev.hitbox.memcached.MemcachedBackendTest.join;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.CacheResult;
import dev.hitbox.core.CacheStatus;
import dev.hitbox.core.HitboxCache;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.core.spi.ValueCodec;
import dev.hitbox.testkit.CountingUpstream;
import dev.hitbox.testkit.MemcachedServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Three real servers: keys spread over all of them, and losing one loses only its share. */
class ConsistentHashingTest {
  private static final int KEYS = 600;

  private final List<MemcachedServer> servers = new ArrayList<>();
  private MemcachedBackend backend;
  private String ns;

  @BeforeEach
  void start() throws Exception {
    for (int i = 0; i < 3; i++) {
      servers.add(MemcachedServer.launch());
    }
    backend =
        connected(
            MemcachedBackend.builder()
                .servers(servers.stream().map(MemcachedServer::address).toList())
                .maxConnections(2));
    ns = "ring-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach
  void stop() {
    backend.close();
    servers.forEach(MemcachedServer::close);
  }

  @Test
  void keysSpreadOverEveryServerAndAKilledServerLosesOnlyItsShare() {
    HitboxCache<String> cache = cache();
    CountingUpstream<String, String> upstream = CountingUpstream.answering(k -> "value of " + k);
    int[] owned = new int[3];
    for (int i = 0; i < KEYS; i++) {
      owned[backend.serverOf(CacheKey.of(ns, "k" + i))]++;
      assertThat(join(cache.get("k" + i, upstream::call))).isEqualTo("value of k" + i);
    }
    // the engine writes after answering: wait until every server holds its share
    Awaitility.await("every entry stored")
        .atMost(Duration.ofSeconds(20))
        .until(() -> items(0) + items(1) + items(2) >= KEYS);

    for (int s = 0; s < 3; s++) {
      assertThat(owned[s]).as("keys owned by server %d of 3", s).isBetween(KEYS / 6, KEYS / 2);
      // its entries plus the one namespace record
      assertThat(items(s)).as("items on server %d", s).isEqualTo(owned[s] + 1L);
    }
    for (int i = 0; i < KEYS; i++) {
      assertThat(join(cache.getWithStatus("k" + i, upstream::call)).status())
          .as("k%d before the kill", i)
          .isEqualTo(CacheStatus.HIT);
    }

    servers.get(1).kill();

    int callsBefore = upstream.calls();
    int hits = 0;
    for (int i = 0; i < KEYS; i++) {
      CacheKey key = CacheKey.of(ns, "k" + i);
      CacheResult<String> r = join(cache.getWithStatus("k" + i, upstream::call));
      assertThat(r.value()).as("answer for k%d", i).isEqualTo("value of k" + i);
      if (backend.serverOf(key) == 1) {
        assertThat(r.status()).as("k%d lived on the killed server", i).isEqualTo(CacheStatus.MISS);
      } else {
        assertThat(r.status()).as("k%d lives on a surviving server", i).isEqualTo(CacheStatus.HIT);
        hits++;
      }
    }
    assertThat(hits).isEqualTo(owned[0] + owned[2]);
    assertThat(upstream.calls() - callsBefore).as("upstream calls").isEqualTo(owned[1]);
  }

  @Test
  void invalidationReachesEveryServerAndNamesAServerItCannotReach() {
    long hour = System.currentTimeMillis() + 3_600_000;
    for (int i = 0; i < 300; i++) {
      join(
          backend.write(
              CacheKey.of(ns, "k" + i),
              BackendEntry.of(utf8("v" + i), hour, hour, Set.of("tag-" + i % 2))));
    }

    join(backend.invalidatePattern(ns, "k1*"));
    join(backend.invalidateTag("tag-0"));

    int[] live = new int[3];
    for (int i = 0; i < 300; i++) {
      CacheKey key = CacheKey.of(ns, "k" + i);
      boolean dead = ("k" + i).startsWith("k1") || i % 2 == 0;
      byte[] read = join(backend.read(key));
      assertThat(read == null).as("k%d invalidated", i).isEqualTo(dead);
      if (!dead) {
        live[backend.serverOf(key)]++;
      }
    }
    assertThat(live).as("live keys on each server").doesNotContain(0);

    servers.get(2).kill();
    assertThat(backend.invalidateTag("tag-1").toCompletableFuture())
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableThat()
        .withMessageContaining("memcached " + servers.get(2).address() + " failed invalidateTag");
    for (int i = 0; i < 300; i++) {
      CacheKey key = CacheKey.of(ns, "k" + i);
      if (backend.serverOf(key) != 2) {
        assertThat(join(backend.read(key))).as("k%d on a reachable server", i).isNull();
      }
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private long items(int server) {
    return TextProtocol.currItems(servers.get(server).port());
  }

  private HitboxCache<String> cache() {
    return HitboxCache.builder(ns, ValueCodec.utf8())
        .backend(backend)
        // generous: this test is about where keys live, not about latency on a busy machine
        .backendTimeout(Duration.ofSeconds(5))
        .policy(CachePolicy.builder().ttl(Duration.ofHours(1)).concurrency(1).build())
        .build();
  }
}
