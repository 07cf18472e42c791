package dev.hitbox.proxy.demo;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * The catalog's pages, drawn with Zipf popularity: the page of rank {@code k} (from 1) is requested
 * with a probability proportional to {@code 1 / k^s}. Ranks go across categories first, so every
 * category's first page is more popular than any second page. Immutable and thread-safe.
 */
final class ZipfKeys {
  static final String[] CATEGORIES = {
    "books", "music", "movies", "games", "toys", "garden",
    "kitchen", "sports", "beauty", "tools", "shoes", "office"
  };

  private final GetCatalog[] pages;
  private final double[] cumulative;

  /**
   * Creates the key space.
   *
   * @param count how many pages ({@code >= 1})
   * @param exponent the skew {@code s} ({@code >= 0}; 0 is uniform)
   */
  ZipfKeys(int count, double exponent) {
    if (count < 1) {
      throw new IllegalArgumentException("count: " + count + " (expected: >= 1)");
    }
    if (!(exponent >= 0)) {
      throw new IllegalArgumentException("exponent: " + exponent + " (expected: >= 0)");
    }
    int categories = Math.min(count, CATEGORIES.length);
    pages = new GetCatalog[count];
    cumulative = new double[count];
    double sum = 0;
    for (int i = 0; i < count; i++) {
      pages[i] = new GetCatalog(CATEGORIES[i % categories], i / categories + 1);
      sum += 1 / Math.pow(i + 1, exponent);
      cumulative[i] = sum;
    }
    for (int i = 0; i < count; i++) {
      cumulative[i] /= sum;
    }
    cumulative[count - 1] = 1.0;
  }

  /** How many pages there are. */
  int size() {
    return pages.length;
  }

  /** The page of rank {@code rank} (from 0, most popular first). */
  GetCatalog page(int rank) {
    return pages[rank];
  }

  /** The probability of the page of rank {@code rank} (from 0). */
  double probability(int rank) {
    return rank == 0 ? cumulative[0] : cumulative[rank] - cumulative[rank - 1];
  }

  /** Draws a page. */
  GetCatalog next(RandomGenerator random) {
    double u = random.nextDouble();
    int i = Arrays.binarySearch(cumulative, u);
    // Not found: (-(insertion point) - 1); the first cumulative value above u is at the insertion
    // point. Found exactly: the next rank owns u, since each rank's interval is [prev, cum).
    int rank = i >= 0 ? i + 1 : -i - 1;
    return pages[Math.min(rank, pages.length - 1)];
  }
}
