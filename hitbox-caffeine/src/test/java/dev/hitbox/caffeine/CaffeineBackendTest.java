package dev.hitbox.caffeine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.core.CacheKey;
import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.testkit.FakeTicker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class CaffeineBackendTest {
  private final FakeTicker ticker = new FakeTicker();

  @Test
  void entryCountStaysWithinMaxCapacity() {
    CaffeineBackend backend = CaffeineBackend.builder().maxCapacity(100).ticker(ticker).build();

    for (int i = 0; i < 1_000; i++) {
      write(backend, key("k" + i), new byte[16], Set.of());
    }
    backend.cleanUp();

    assertThat(backend.estimatedSize()).isBetween(1L, 100L);
    assertThat(backend.entries()).hasSizeLessThanOrEqualTo(100);
  }

  @Test
  void heldBytesStayWithinMaxWeightBytes() {
    long bound = 64 * 1024;
    CaffeineBackend backend =
        CaffeineBackend.builder().maxWeightBytes(bound).ticker(ticker).build();

    for (int i = 0; i < 500; i++) {
      write(backend, key("k" + i), new byte[1024], Set.of());
    }
    backend.cleanUp();

    long held = backend.entries().values().stream().mapToLong(e -> e.bytes().length).sum();
    assertThat(held).isPositive().isLessThanOrEqualTo(bound);
    // the overhead per entry counts too: fewer than bound / 1 KiB entries fit
    assertThat(backend.estimatedSize()).isLessThan(bound / 1024);
  }

  @Test
  void entryLargerThanTheWholeWeightBoundIsNotKept() {
    CaffeineBackend backend =
        CaffeineBackend.builder().maxWeightBytes(64 * 1024).ticker(ticker).build();
    write(backend, key("small"), new byte[100], Set.of());

    write(backend, key("huge"), new byte[100 * 1024], Set.of());
    backend.cleanUp();

    assertThat(read(backend, key("huge"))).isNull();
    assertThat(read(backend, key("small"))).isNotNull();
  }

  @Test
  void eachEntryExpiresAtItsOwnTimeAndIsSweptThen() {
    CaffeineBackend backend = CaffeineBackend.builder().ticker(ticker).build();
    long now = ticker.currentTimeMillis();
    for (int s = 1; s <= 10; s++) {
      writeUntil(backend, key("expires-in-" + s), now + s * 1_000L);
    }

    for (int elapsed = 1; elapsed <= 13; elapsed++) {
      ticker.advance(Duration.ofSeconds(1));
      backend.cleanUp();

      for (int s = 1; s <= 10; s++) {
        boolean live = s > elapsed;
        assertThat(read(backend, key("expires-in-" + s)) != null)
            .as("entry expiring after %d s, read after %d s", s, elapsed)
            .isEqualTo(live);
      }
      // Caffeine sweeps by a timer wheel of about one second per bucket: an expired entry may
      // linger up to two buckets, never longer.
      int live = Math.max(0, 10 - elapsed);
      int sweptAtLeast = Math.max(0, elapsed - 3);
      assertThat(backend.estimatedSize())
          .as("entries held after %d s", elapsed)
          .isBetween((long) live, 10L - sweptAtLeast);
    }
  }

  @Test
  void tagIndexForgetsExpiredEntries() {
    CaffeineBackend backend = CaffeineBackend.builder().ticker(ticker).build();
    long now = ticker.currentTimeMillis();
    for (int i = 0; i < 1_000; i++) {
      backend.write(
          key("k" + i),
          BackendEntry.of(new byte[8], now + 1_000, now + 1_000, Set.of("t" + i, "all")));
    }
    assertThat(backend.tagIndex()).hasSize(1_001);

    ticker.advance(Duration.ofSeconds(2));
    backend.cleanUp();

    assertThat(backend.tagIndex()).isEmpty();
    assertThat(backend.invalidateTag("all").toCompletableFuture().join()).isZero();
  }

  @Test
  void tagIndexForgetsEvictedEntries() {
    CaffeineBackend backend = CaffeineBackend.builder().maxCapacity(100).ticker(ticker).build();

    for (int i = 0; i < 5_000; i++) {
      write(backend, key("k" + i), new byte[8], Set.of("t" + i, "all"));
    }
    backend.cleanUp();

    assertThat(backend.tagIndex()).hasSizeLessThanOrEqualTo(101);
    assertThat(backend.tagIndex()).isEqualTo(expectedIndex(backend));
    long live = backend.entries().size();
    assertThat(backend.invalidateTag("all").toCompletableFuture().join()).isEqualTo(live);
    assertThat(backend.tagIndex()).isEmpty();
  }

  @Test
  void tagIndexForgetsRemovedAndRetaggedEntries() {
    CaffeineBackend backend = CaffeineBackend.builder().ticker(ticker).build();
    write(backend, key("removed"), new byte[8], Set.of("a"));
    write(backend, key("retagged"), new byte[8], Set.of("a", "b"));
    write(backend, key("pattern"), new byte[8], Set.of("c"));

    backend.remove(key("removed"));
    write(backend, key("retagged"), new byte[8], Set.of("b"));
    backend.invalidatePattern("test", "pat*");

    assertThat(backend.tagIndex()).isEqualTo(Map.of("b", Set.of(key("retagged"))));
  }

  @Test
  void tagIndexMatchesEntriesAfterConcurrentChurn() throws Exception {
    CaffeineBackend backend = CaffeineBackend.builder().maxCapacity(30).ticker(ticker).build();
    int threads = 4;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        SplittableRandom random = new SplittableRandom(t);
        workers.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < 50_000; i++) {
                    CacheKey k = key("k" + random.nextInt(60));
                    String tag = "t" + random.nextInt(5);
                    switch (random.nextInt(6)) {
                      case 0 -> backend.remove(k);
                      case 1 -> backend.invalidateTag(tag);
                      case 2 -> backend.invalidatePattern("test", "k" + random.nextInt(6) + "*");
                      case 3 -> ticker.advance(Duration.ofMillis(random.nextInt(50)));
                      default -> {
                        long expireAt = ticker.currentTimeMillis() + random.nextInt(1, 2_000);
                        Set<String> tags = random.nextBoolean() ? Set.of(tag) : Set.of(tag, "t9");
                        backend.write(k, BackendEntry.of(new byte[8], expireAt, expireAt, tags));
                      }
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> w : workers) {
        w.get(1, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    backend.cleanUp();

    // every live tagged entry can be found through the index...
    Map<String, Set<CacheKey>> index = backend.tagIndex();
    expectedIndex(backend)
        .forEach(
            (tag, keys) ->
                assertThat(index.get(tag)).as("keys indexed under %s", tag).containsAll(keys));
    // ...and once every entry has expired, nothing is left behind: a key removed, retagged or
    // evicted without its index entries would stay there for ever
    ticker.advance(Duration.ofHours(1));
    backend.cleanUp();
    assertThat(backend.entries()).isEmpty();
    assertThat(backend.tagIndex()).isEmpty();
  }

  @Test
  void buildersRejectBadBoundsNamingTheValue() {
    assertThatThrownBy(() -> CaffeineBackend.builder().maxCapacity(0))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("max_capacity: 0 (expected: >= 1)");
    assertThatThrownBy(() -> CaffeineBackend.builder().maxCapacity(-5))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("max_capacity: -5 (expected: >= 1)");
    assertThatThrownBy(() -> CaffeineBackend.builder().maxWeightBytes(0))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("max_weight_bytes: 0 (expected: >= 1)");
    assertThatThrownBy(() -> CaffeineBackend.builder().name(" "))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("name: \" \" (expected: non-blank)");
    assertThatThrownBy(() -> CaffeineBackend.builder().ticker(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("ticker");
  }

  @Test
  void lastBoundSetWins() {
    CaffeineBackend byCount =
        CaffeineBackend.builder().maxWeightBytes(1).maxCapacity(10).ticker(ticker).build();
    CaffeineBackend byWeight =
        CaffeineBackend.builder().maxCapacity(10).maxWeightBytes(1).ticker(ticker).build();

    write(byCount, key("k"), new byte[1024], Set.of());
    write(byWeight, key("k"), new byte[1024], Set.of());
    byCount.cleanUp();
    byWeight.cleanUp();

    assertThat(read(byCount, key("k"))).as("bounded by count: a 1 KiB entry fits").isNotNull();
    assertThat(read(byWeight, key("k"))).as("bounded by 1 byte: nothing fits").isNull();
  }

  private static Map<String, Set<CacheKey>> expectedIndex(CaffeineBackend backend) {
    Map<String, Set<CacheKey>> expected = new HashMap<>();
    backend
        .entries()
        .forEach(
            (k, e) -> {
              for (String tag : e.tags()) {
                expected.computeIfAbsent(tag, t -> new HashSet<>()).add(k);
              }
            });
    return expected;
  }

  private static CacheKey key(String text) {
    return CacheKey.of("test", text);
  }

  private void write(CaffeineBackend backend, CacheKey key, byte[] bytes, Set<String> tags) {
    long expireAt = ticker.currentTimeMillis() + 3_600_000;
    backend
        .write(key, BackendEntry.of(bytes, expireAt, expireAt, tags))
        .toCompletableFuture()
        .join();
  }

  private static void writeUntil(CaffeineBackend backend, CacheKey key, long expireAt) {
    byte[] bytes = key.text().getBytes(StandardCharsets.UTF_8);
    backend
        .write(key, BackendEntry.of(bytes, expireAt, expireAt, Set.of()))
        .toCompletableFuture()
        .join();
  }

  private static byte @Nullable [] read(CaffeineBackend backend, CacheKey key) {
    return backend.read(key).toCompletableFuture().join();
  }
}
