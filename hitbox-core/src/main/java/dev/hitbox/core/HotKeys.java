package dev.hitbox.core;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * Answers "which keys are hot": a listener that counts, per endpoint, how often each key is looked
 * up (hit, stale or miss) in a count-min sketch, and keeps the keys with the highest estimates in a
 * small table. Memory is bounded whatever the traffic: per endpoint a sketch of {@code 4 x width}
 * counters and at most {@code capacity} keys, for at most {@code maxEndpoints} endpoints (lookups
 * of further endpoints are not counted).
 *
 * <p>Estimates never undercount within the current window and overcount by at most a few lookups
 * for the hottest keys on a skewed (Zipf) load. Every {@code window} lookups of an endpoint its
 * counts are halved, so keys that cooled down leave the table: an estimate is a recent frequency,
 * not a total since start.
 *
 * <pre>{@code
 * HotKeys hot = HotKeys.builder().capacity(20).build();
 * CacheEndpoint.builder("authors").listener(CacheListener.composite(metrics, hot))...;
 * hot.top("authors", 10); // [HotKey[endpoint=authors, key=author_id=42, estimate=9120], ...]
 * }</pre>
 *
 * <p>Thread-safe. Counting costs a few array writes under a per-endpoint lock that is only tried:
 * when another thread holds it, the lookup is not counted (a sample dropped under contention, as
 * Caffeine drops reads from its buffers), so the hot path never waits. Key texts may carry what the
 * keys carry (user ids, API keys when an extractor uses them): expose {@link #top} to operators
 * only.
 */
public final class HotKeys extends CacheListener {
  private static final int MAX_CAPACITY = 10_000;

  private final int capacity;
  private final int width;
  private final long window;
  private final int maxEndpoints;
  private final int maxKeyLength;
  private final int sampling;
  private final int sampleMask;
  private final Map<String, HotKeySketch> endpoints = new ConcurrentHashMap<>();
  private final LongAdder dropped = new LongAdder();

  private HotKeys(Builder b) {
    this.capacity = b.capacity;
    this.width = b.width;
    this.window = b.window != 0 ? b.window : 10L * b.width;
    this.maxEndpoints = b.maxEndpoints;
    this.maxKeyLength = b.maxKeyLength;
    this.sampling = b.sampling;
    this.sampleMask = b.sampling - 1;
  }

  /** Hot keys with the default settings (see {@link Builder}). */
  public static HotKeys create() {
    return builder().build();
  }

  /** Starts hot keys with settings. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * One hot key: its endpoint, the {@linkplain CacheKey#text() text} of its parts (cut to the
   * builder's {@code maxKeyLength}, with {@code "..."}) and its estimated recent lookup count.
   *
   * @param endpoint the endpoint (the key's namespace)
   * @param key the key's text, as {@code POST /invalidate {"key": ...}} of the proxy takes it
   * @param estimate the estimated number of lookups in the current window
   */
  public record HotKey(String endpoint, String key, long estimate) {}

  /**
   * Counts one lookup of {@code key}. The listener methods {@link #onHit}, {@link #onStale} and
   * {@link #onMiss} call this; call it yourself to feed keys from elsewhere.
   */
  public void record(CacheKey key) {
    if (sampleMask != 0 && (ThreadLocalRandom.current().nextInt() & sampleMask) != 0) {
      return; // not in the sample
    }
    String ns = key.namespace();
    HotKeySketch s = endpoints.get(ns);
    if (s == null) {
      if (endpoints.size() >= maxEndpoints) {
        dropped.increment();
        return;
      }
      s = endpoints.computeIfAbsent(ns, n -> new HotKeySketch(capacity, width, window));
    }
    if (!s.tryRecord(key)) {
      dropped.increment();
    }
  }

  @Override
  public void onHit(CacheKey key) {
    record(key);
  }

  @Override
  public void onStale(CacheKey key) {
    record(key);
  }

  @Override
  public void onMiss(CacheKey key) {
    record(key);
  }

  /** The endpoints seen so far, sorted. */
  public Set<String> endpoints() {
    return new TreeSet<>(endpoints.keySet());
  }

  /**
   * The {@code n} hottest keys of {@code endpoint}, hottest first; empty for an endpoint never
   * seen.
   *
   * @throws IllegalArgumentException if {@code n} is negative
   */
  public List<HotKey> top(String endpoint, int n) {
    requireNonNull(endpoint, "endpoint");
    checkCount(n);
    HotKeySketch s = endpoints.get(endpoint);
    if (s == null) {
      return List.of();
    }
    List<HotKey> out = new ArrayList<>();
    s.snapshot()
        .forEach((key, count) -> out.add(new HotKey(endpoint, text(key), count * sampling)));
    out.sort(ORDER);
    return List.copyOf(out.subList(0, Math.min(n, out.size())));
  }

  /**
   * The {@code n} hottest keys over every endpoint, hottest first.
   *
   * @throws IllegalArgumentException if {@code n} is negative
   */
  public List<HotKey> top(int n) {
    checkCount(n);
    List<HotKey> out = new ArrayList<>();
    for (String endpoint : endpoints()) {
      out.addAll(top(endpoint, n));
    }
    out.sort(ORDER);
    return List.copyOf(out.subList(0, Math.min(n, out.size())));
  }

  /** How many lookups were not counted: under contention, or beyond {@code maxEndpoints}. */
  public long dropped() {
    return dropped.sum();
  }

  /** Forgets every count. */
  public void clear() {
    endpoints.clear();
  }

  private static final Comparator<HotKey> ORDER =
      Comparator.comparingLong(HotKey::estimate)
          .reversed()
          .thenComparing(HotKey::endpoint)
          .thenComparing(HotKey::key);

  private String text(CacheKey key) {
    String t = key.text();
    return t.length() <= maxKeyLength ? t : t.substring(0, maxKeyLength) + "...";
  }

  private static void checkCount(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n: " + n + " (expected: >= 0)");
    }
  }

  @Override
  public String toString() {
    return "HotKeys{capacity="
        + capacity
        + (sampling == 1 ? "" : ", sampling=1/" + sampling)
        + ", endpoints="
        + endpoints()
        + '}';
  }

  /** Builds {@link HotKeys}; setters validate at once. Not thread-safe. */
  public static final class Builder {
    private int capacity = 32;
    private int width = 2048;
    private long window;
    private int maxEndpoints = 100;
    private int maxKeyLength = 200;
    private int sampling = 1;

    private Builder() {}

    /**
     * Counts one lookup in {@code oneIn}, chosen at random, and scales the estimates back up
     * (default 1: every lookup). Sampling makes counting nearly free on a hot path that serves tens
     * of thousands of hits per second per core, at the price of rougher estimates for keys looked
     * up less than a few hundred times per window; the hottest keys still come out on top.
     *
     * @throws ConfigurationException unless a power of two from 1 to 1024
     */
    public Builder sampling(int oneIn) {
      if (oneIn < 1 || oneIn > 1024 || Integer.bitCount(oneIn) != 1) {
        throw new ConfigurationException(
            "sampling: " + oneIn + " (expected: a power of two from 1 to 1024)");
      }
      this.sampling = oneIn;
      return this;
    }

    /**
     * How many keys to keep per endpoint (default 32): {@link #top} answers at most this many.
     *
     * @throws ConfigurationException unless 1 to 10000
     */
    public Builder capacity(int capacity) {
      if (capacity < 1 || capacity > MAX_CAPACITY) {
        throw new ConfigurationException(
            "capacity: " + capacity + " (expected: 1 to " + MAX_CAPACITY + ")");
      }
      this.capacity = capacity;
      return this;
    }

    /**
     * The counters per row of each endpoint's sketch (default 2048; 4 rows of 4-byte counters, so
     * 32 KiB per endpoint). Wider is more accurate for long tails.
     *
     * @throws ConfigurationException unless a power of two from 64 to 1048576
     */
    public Builder width(int width) {
      if (width < 64 || width > (1 << 20) || Integer.bitCount(width) != 1) {
        throw new ConfigurationException(
            "width: " + width + " (expected: a power of two from 64 to 1048576)");
      }
      this.width = width;
      return this;
    }

    /**
     * After this many lookups of an endpoint, its counts are halved (default ten times the width).
     *
     * @throws ConfigurationException unless positive
     */
    public Builder window(long lookups) {
      if (lookups < 1) {
        throw new ConfigurationException("window: " + lookups + " (expected: > 0)");
      }
      this.window = lookups;
      return this;
    }

    /**
     * The most endpoints tracked (default 100); lookups of others are not counted.
     *
     * @throws ConfigurationException unless positive
     */
    public Builder maxEndpoints(int maxEndpoints) {
      if (maxEndpoints < 1) {
        throw new ConfigurationException("max_endpoints: " + maxEndpoints + " (expected: > 0)");
      }
      this.maxEndpoints = maxEndpoints;
      return this;
    }

    /**
     * Key texts longer than this are cut (default 200 characters).
     *
     * @throws ConfigurationException unless at least 8
     */
    public Builder maxKeyLength(int maxKeyLength) {
      if (maxKeyLength < 8) {
        throw new ConfigurationException("max_key_length: " + maxKeyLength + " (expected: >= 8)");
      }
      this.maxKeyLength = maxKeyLength;
      return this;
    }

    /** Builds the hot keys. */
    public HotKeys build() {
      return new HotKeys(this);
    }
  }
}
