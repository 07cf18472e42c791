package dev.hitbox.proxy.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ZipfKeysTest {

  @Test
  void ranksGoAcrossCategoriesFirst() {
    ZipfKeys keys = new ZipfKeys(30, 1.0);
    assertThat(keys.page(0)).isEqualTo(new GetCatalog("books", 1));
    assertThat(keys.page(1)).isEqualTo(new GetCatalog("music", 1));
    assertThat(keys.page(12)).isEqualTo(new GetCatalog("books", 2));
    assertThat(keys.page(29)).isEqualTo(new GetCatalog("garden", 3));
    assertThat(new ZipfKeys(3, 1.0).page(2)).isEqualTo(new GetCatalog("movies", 1));
  }

  @Test
  void drawsFollowZipfPopularity() {
    ZipfKeys keys = new ZipfKeys(100, 1.0);
    int[] counts = draw(keys, 200_000);
    // With s = 1 the page of rank k is drawn k times less often than the first.
    assertThat(keys.probability(0) / keys.probability(9)).isCloseTo(10, within(1e-9));
    assertThat(counts[0] / 200_000.0).isCloseTo(keys.probability(0), within(0.005));
    assertThat(counts[9] / 200_000.0).isCloseTo(keys.probability(9), within(0.002));
    assertThat(counts[99]).isPositive();
  }

  @Test
  void exponentZeroIsUniform() {
    ZipfKeys keys = new ZipfKeys(10, 0);
    int[] counts = draw(keys, 100_000);
    for (int c : counts) {
      assertThat(c).isBetween(9_000, 11_000);
    }
  }

  private static int[] draw(ZipfKeys keys, int n) {
    SplittableRandom random = new SplittableRandom(1);
    int[] counts = new int[keys.size()];
    for (int i = 0; i < n; i++) {
      GetCatalog page = keys.next(random);
      for (int rank = 0; rank < keys.size(); rank++) {
        if (keys.page(rank).equals(page)) {
          counts[rank]++;
          break;
        }
      }
    }
    return counts;
  }
}
