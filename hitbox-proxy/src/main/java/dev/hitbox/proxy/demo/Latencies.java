package dev.hitbox.proxy.demo;

import java.util.Arrays;

/**
 * Records latencies exactly (every value is kept) and reports nearest-rank percentiles. Recording
 * is thread-safe; {@link #snapshot()} freezes a sorted copy.
 */
final class Latencies {
  private long[] values = new long[1024];
  private int size;

  /** Records one latency in nanoseconds. */
  synchronized void record(long nanos) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = nanos;
  }

  /** The values recorded so far, sorted. */
  synchronized Snapshot snapshot() {
    long[] sorted = Arrays.copyOf(values, size);
    Arrays.sort(sorted);
    return new Snapshot(sorted);
  }

  /** A sorted set of latencies. Immutable. */
  static final class Snapshot {
    private final long[] sorted;

    Snapshot(long[] sorted) {
      this.sorted = sorted;
    }

    /** How many values there are. */
    int count() {
      return sorted.length;
    }

    /**
     * The nearest-rank percentile: the smallest value with at least {@code p} of the values at or
     * below it; {@code 0} when there are no values.
     *
     * @param p from 0 (exclusive) to 1 (inclusive), such as {@code 0.99}
     */
    long percentile(double p) {
      if (!(p > 0 && p <= 1)) {
        throw new IllegalArgumentException("p: " + p + " (expected: > 0 and <= 1)");
      }
      if (sorted.length == 0) {
        return 0;
      }
      // The epsilon keeps 0.99 * 100 from rounding up to rank 100.
      int rank = (int) Math.ceil(p * sorted.length - 1e-9);
      return sorted[Math.max(0, rank - 1)];
    }

    /** The largest value; {@code 0} when there are no values. */
    long max() {
      return sorted.length == 0 ? 0 : sorted[sorted.length - 1];
    }
  }
}
