package dev.hitbox.faults;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * A lock-free latency histogram in microseconds: exact below 64 µs, then 32 buckets per power of
 * two (about 3 % wide), up to about an hour. Fixed size whatever the number of samples, so that
 * recording a million requests costs no memory. Thread-safe.
 */
final class Latencies {
  private static final int SUB = 32;
  private static final int OCTAVES = 40;
  private final AtomicLongArray buckets = new AtomicLongArray(64 + OCTAVES * SUB);
  private final LongAccumulator max = new LongAccumulator(Math::max, 0);

  void record(long nanos) {
    long micros = Math.max(0, TimeUnit.NANOSECONDS.toMicros(nanos));
    buckets.incrementAndGet(index(micros));
    max.accumulate(micros);
  }

  private static int index(long v) {
    if (v < 64) {
      return (int) v;
    }
    int e = 63 - Long.numberOfLeadingZeros(v); // >= 6
    int m = (int) (v >>> (e - 5)); // 32..63
    return Math.min(64 + (e - 6) * SUB + (m - SUB), 64 + OCTAVES * SUB - 1);
  }

  /** The highest value a bucket holds. */
  private static long upper(int index) {
    if (index < 64) {
      return index;
    }
    int e = (index - 64) / SUB + 6;
    int m = (index - 64) % SUB + SUB;
    return ((long) (m + 1) << (e - 5)) - 1;
  }

  long count() {
    long n = 0;
    for (int i = 0; i < buckets.length(); i++) {
      n += buckets.get(i);
    }
    return n;
  }

  /** The {@code q} quantile (0..1) in microseconds: the upper bound of its bucket. */
  long quantileMicros(double q) {
    long n = count();
    if (n == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(q * n);
    long seen = 0;
    for (int i = 0; i < buckets.length(); i++) {
      seen += buckets.get(i);
      if (seen >= rank) {
        return Math.min(upper(i), max.get());
      }
    }
    return max.get();
  }

  long maxMicros() {
    return max.get();
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms",
        quantileMicros(0.50) / 1000.0,
        quantileMicros(0.99) / 1000.0,
        quantileMicros(0.999) / 1000.0,
        maxMicros() / 1000.0);
  }
}
