package dev.hitbox.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.core.HotKeys.HotKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HotKeysTest {

  /** Draws ranks 0..n-1 with probability proportional to 1 / (rank + 1)^s. */
  static final class Zipf {
    private final double[] cumulative;
    private final SplittableRandom random;

    Zipf(int n, double s, long seed) {
      cumulative = new double[n];
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += 1 / Math.pow(i + 1, s);
        cumulative[i] = sum;
      }
      for (int i = 0; i < n; i++) {
        cumulative[i] /= sum;
      }
      random = new SplittableRandom(seed);
    }

    int next() {
      int i = java.util.Arrays.binarySearch(cumulative, random.nextDouble());
      return i >= 0 ? i : -i - 1;
    }
  }

  private static CacheKey key(String endpoint, int id) {
    return CacheKey.builder(endpoint).part("id", Integer.toString(id)).build();
  }

  @Test
  void findsTheHottestKeysOfAZipfStreamWithCloseEstimates() {
    HotKeys hot = HotKeys.builder().capacity(32).width(2048).window(10_000_000).build();
    Zipf zipf = new Zipf(100_000, 1.0, 42);
    Map<Integer, Integer> exact = new HashMap<>();
    int n = 300_000;
    for (int i = 0; i < n; i++) {
      int id = zipf.next();
      exact.merge(id, 1, Integer::sum);
      hot.onMiss(key("catalog", id));
    }
    List<Integer> trueTop10 =
        exact.entrySet().stream()
            .sorted(Map.Entry.<Integer, Integer>comparingByValue().reversed())
            .limit(10)
            .map(Map.Entry::getKey)
            .toList();

    List<HotKey> top = hot.top("catalog", 10);

    assertThat(top).hasSize(10);
    assertThat(top)
        .extracting(HotKey::key)
        .containsExactlyInAnyOrderElementsOf(trueTop10.stream().map(id -> "id=" + id).toList());
    for (HotKey k : top) {
      long truth = exact.get(Integer.parseInt(k.key().substring(3)));
      // count-min never undercounts; with conservative update the hot keys are nearly exact
      assertThat(k.estimate()).isBetween(truth, truth + truth / 100 + 5);
    }
    assertThat(top).isSortedAccordingTo((a, b) -> Long.compare(b.estimate(), a.estimate()));
  }

  @Test
  void countsEachEndpointApartAndMergesThemInTop() {
    HotKeys hot = HotKeys.create();
    IntStream.range(0, 50).forEach(i -> hot.onHit(key("a", 1)));
    IntStream.range(0, 30).forEach(i -> hot.onStale(key("b", 1)));
    IntStream.range(0, 10).forEach(i -> hot.onMiss(key("a", 2)));

    assertThat(hot.endpoints()).containsExactly("a", "b");
    assertThat(hot.top("a", 5))
        .containsExactly(new HotKey("a", "id=1", 50), new HotKey("a", "id=2", 10));
    assertThat(hot.top(2))
        .containsExactly(new HotKey("a", "id=1", 50), new HotKey("b", "id=1", 30));
    assertThat(hot.top("missing", 5)).isEmpty();
  }

  @Test
  void memoryStaysBoundedAndColdKeysAgeOut() {
    HotKeys hot = HotKeys.builder().capacity(4).width(64).window(1_000).maxEndpoints(1).build();
    for (int i = 0; i < 5_000; i++) {
      hot.onMiss(key("a", 1)); // hot in the first half only
      hot.onMiss(key("a", 1000 + i)); // a long tail of keys seen once
    }
    for (int i = 0; i < 5_000; i++) {
      hot.onMiss(key("a", 2));
    }
    hot.onMiss(key("other", 1)); // past maxEndpoints: not counted

    List<HotKey> top = hot.top("a", 10);
    assertThat(top).hasSizeLessThanOrEqualTo(4);
    assertThat(top.get(0).key()).isEqualTo("id=2");
    assertThat(top.get(0).estimate()).isGreaterThan(500);
    // halved five times since it cooled down: what is left is far below the new hot key
    assertThat(top)
        .filteredOn(k -> k.key().equals("id=1"))
        .allSatisfy(k -> assertThat(k.estimate()).isLessThan(100));
    assertThat(hot.endpoints()).containsExactly("a");
    assertThat(hot.dropped()).isEqualTo(1);
  }

  @Test
  void longKeysAreCut() {
    HotKeys hot = HotKeys.builder().maxKeyLength(10).build();
    hot.onHit(CacheKey.of("a", "x".repeat(50)));
    assertThat(hot.top(1)).extracting(HotKey::key).containsExactly("xxxxxxxxxx...");
  }

  @Test
  void aSampleOfOneLookupInSixteenStillFindsTheHottestKeys() {
    HotKeys hot = HotKeys.builder().capacity(32).window(10_000_000).sampling(16).build();
    Zipf zipf = new Zipf(100_000, 1.0, 7);
    Map<Integer, Integer> exact = new HashMap<>();
    for (int i = 0; i < 300_000; i++) {
      int id = zipf.next();
      exact.merge(id, 1, Integer::sum);
      hot.onHit(key("catalog", id));
    }
    List<Map.Entry<Integer, Integer>> truth =
        exact.entrySet().stream()
            .sorted(Map.Entry.<Integer, Integer>comparingByValue().reversed())
            .limit(5)
            .toList();
    List<HotKey> top = hot.top("catalog", 10);
    assertThat(top)
        .extracting(HotKey::key)
        .containsAll(truth.stream().map(e -> "id=" + e.getKey()).toList());
    // Scaled back up, the estimates of the three hottest are within 15% of the truth.
    for (Map.Entry<Integer, Integer> e : truth.subList(0, 3)) {
      long estimate =
          top.stream()
              .filter(k -> k.key().equals("id=" + e.getKey()))
              .findFirst()
              .orElseThrow()
              .estimate();
      assertThat((double) estimate)
          .isCloseTo(e.getValue(), org.assertj.core.data.Percentage.withPercentage(15));
    }
  }

  @Test
  void settingsAreChecked() {
    assertThatThrownBy(() -> HotKeys.builder().sampling(3))
        .hasMessage("sampling: 3 (expected: a power of two from 1 to 1024)");
    assertThatThrownBy(() -> HotKeys.builder().capacity(0))
        .hasMessage("capacity: 0 (expected: 1 to 10000)");
    assertThatThrownBy(() -> HotKeys.builder().width(100))
        .hasMessage("width: 100 (expected: a power of two from 64 to 1048576)");
    assertThatThrownBy(() -> HotKeys.create().top(-1)).hasMessage("n: -1 (expected: >= 0)");
  }

  @Test
  void concurrentRecordingNeitherBlocksNorLosesTheHotKey() throws Exception {
    HotKeys hot = HotKeys.create();
    List<Thread> threads =
        IntStream.range(0, 4)
            .mapToObj(
                t ->
                    new Thread(
                        () -> {
                          for (int i = 0; i < 20_000; i++) {
                            hot.onHit(key("a", i % 10 == 0 ? 1 : 100 + i));
                          }
                        }))
            .collect(Collectors.toList());
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    HotKey first = hot.top("a", 1).get(0);
    assertThat(first.key()).isEqualTo("id=1");
    // every lookup was either counted or dropped, never both
    assertThat(first.estimate()).isLessThanOrEqualTo(8_000);
    assertThat(first.estimate() + hot.dropped()).isGreaterThanOrEqualTo(8_000);
  }
}
