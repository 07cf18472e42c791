package dev.hitbox.core;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * One endpoint's counts for {@link HotKeys}: a count-min sketch with conservative update (4 rows)
 * and the {@code capacity} keys with the highest estimates. Guarded by a lock that recording only
 * tries.
 */
final class HotKeySketch {
  private static final int DEPTH = 4;

  private final ReentrantLock lock = new ReentrantLock();
  private final int capacity;
  private final int mask;
  private final long window;
  private final int[] counters;
  private final Map<CacheKey, long[]> top;
  private long additions;
  private @Nullable CacheKey minKey;
  private long minCount;

  HotKeySketch(int capacity, int width, long window) {
    this.capacity = capacity;
    this.mask = width - 1;
    this.window = window;
    this.counters = new int[DEPTH * width];
    this.top = new HashMap<>(capacity * 2);
  }

  /** Counts one lookup; {@code false} if another thread was counting (nothing counted). */
  boolean tryRecord(CacheKey key) {
    if (!lock.tryLock()) {
      return false;
    }
    try {
      record(key);
      return true;
    } finally {
      lock.unlock();
    }
  }

  private void record(CacheKey key) {
    long estimate = increment(key.hashCode());
    long[] held = top.get(key);
    if (held != null) {
      held[0] = estimate;
      if (key.equals(minKey)) {
        findMin();
      }
    } else if (top.size() < capacity) {
      top.put(key, new long[] {estimate});
      if (minKey == null || estimate < minCount) {
        minKey = key;
        minCount = estimate;
      }
    } else if (estimate > minCount) {
      top.remove(minKey);
      top.put(key, new long[] {estimate});
      findMin();
    }
    if (++additions >= window) {
      halve();
    }
  }

  /** Adds one to the key's smallest counters only (conservative update); returns the estimate. */
  private long increment(int hashCode) {
    long h = mix(hashCode);
    int h1 = (int) h;
    int h2 = (int) (h >>> 32) | 1;
    int width = mask + 1;
    int min = Integer.MAX_VALUE;
    for (int row = 0; row < DEPTH; row++) {
      int c = counters[row * width + ((h1 + row * h2) & mask)];
      if (c < min) {
        min = c;
      }
    }
    if (min == Integer.MAX_VALUE) {
      return min;
    }
    for (int row = 0; row < DEPTH; row++) {
      int i = row * width + ((h1 + row * h2) & mask);
      if (counters[i] == min) {
        counters[i] = min + 1;
      }
    }
    return min + 1L;
  }

  /** A 64-bit finalizer (SplitMix64), so that near hash codes land in unrelated columns. */
  private static long mix(int hashCode) {
    long z = hashCode * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private void findMin() {
    minKey = null;
    minCount = Long.MAX_VALUE;
    for (Map.Entry<CacheKey, long[]> e : top.entrySet()) {
      if (e.getValue()[0] < minCount) {
        minCount = e.getValue()[0];
        minKey = e.getKey();
      }
    }
    if (minKey == null) {
      minCount = 0;
    }
  }

  /** Ages every count: halves counters and held estimates, drops held keys that reach zero. */
  private void halve() {
    additions = 0;
    for (int i = 0; i < counters.length; i++) {
      counters[i] >>>= 1;
    }
    top.values().forEach(v -> v[0] >>>= 1);
    top.values().removeIf(v -> v[0] == 0);
    findMin();
  }

  /** The held keys and their estimates. */
  Map<CacheKey, Long> snapshot() {
    lock.lock();
    try {
      Map<CacheKey, Long> copy = new HashMap<>();
      top.forEach((k, v) -> copy.put(k, v[0]));
      return copy;
    } finally {
      lock.unlock();
    }
  }
}
