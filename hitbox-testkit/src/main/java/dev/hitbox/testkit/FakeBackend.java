package dev.hitbox.testkit;

import dev.hitbox.core.CacheKey;
import dev.hitbox.core.Ticker;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.core.spi.KeyPattern;
import dev.hitbox.core.spi.PatternInvalidator;
import dev.hitbox.core.spi.TagInvalidator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A map-backed {@link Backend} for unit tests of code built on the engine, with faults on demand:
 * {@link Mode#FAIL} (every call fails), {@link Mode#HANG} (calls never complete), {@link
 * Mode#GARBAGE} (reads return bytes that are not an envelope). It honours each entry's expiry
 * against a {@link Ticker}, and supports pattern and tag invalidation. Thread-safe.
 *
 * <p>For tests only: a real application uses a real backend such as Caffeine or Redis.
 */
public final class FakeBackend implements Backend, PatternInvalidator, TagInvalidator {

  /** How the backend behaves. */
  public enum Mode {
    /** Stores and returns entries. */
    NORMAL,
    /** Every call fails with an exception in its stage. */
    FAIL,
    /** Every call throws on the calling thread. */
    THROW,
    /** No call ever completes. */
    HANG,
    /** Reads return garbage bytes; writes are stored. */
    GARBAGE
  }

  private record Stored(CacheKey key, BackendEntry entry) {}

  private final ConcurrentHashMap<CacheKey, Stored> map = new ConcurrentHashMap<>();
  private final Ticker ticker;
  private final AtomicInteger reads = new AtomicInteger();
  private final AtomicInteger writes = new AtomicInteger();
  private final AtomicLong garbageSeed = new AtomicLong(42);
  private volatile Mode mode = Mode.NORMAL;

  /** A backend expiring entries by {@code ticker}'s wall clock. */
  public FakeBackend(Ticker ticker) {
    this.ticker = ticker;
  }

  /** A backend expiring entries by the system clock. */
  public FakeBackend() {
    this(Ticker.systemTicker());
  }

  /** Changes the behaviour. */
  public FakeBackend mode(Mode mode) {
    this.mode = mode;
    return this;
  }

  /** Reads so far. */
  public int reads() {
    return reads.get();
  }

  /** Writes so far. */
  public int writes() {
    return writes.get();
  }

  /** Entries stored now (expired ones included until read). */
  public int size() {
    return map.size();
  }

  /** The raw bytes stored under {@code key}, or {@code null}. */
  public byte @Nullable [] raw(CacheKey key) {
    Stored s = map.get(key);
    return s == null ? null : s.entry().bytes();
  }

  /** Stores raw bytes under {@code key}, as a foreign or broken writer would. */
  public void plant(CacheKey key, byte[] bytes, long expireAt) {
    map.put(key, new Stored(key, BackendEntry.of(bytes, expireAt, expireAt, java.util.Set.of())));
  }

  @Override
  public String name() {
    return "fake";
  }

  private <T> @Nullable CompletionStage<T> fault() {
    switch (mode) {
      case FAIL:
        return CompletableFuture.failedFuture(new IllegalStateException("backend is down"));
      case THROW:
        throw new IllegalStateException("backend threw");
      case HANG:
        return new CompletableFuture<>();
      default:
        return null;
    }
  }

  @Override
  public CompletionStage<byte @Nullable []> read(CacheKey key) {
    reads.incrementAndGet();
    CompletionStage<byte @Nullable []> f = fault();
    if (f != null) {
      return f;
    }
    Stored s = map.get(key);
    if (s == null) {
      return CompletableFuture.completedFuture(null);
    }
    if (s.entry().expireAt() <= ticker.currentTimeMillis()) {
      map.remove(key, s);
      return CompletableFuture.completedFuture(null);
    }
    if (mode == Mode.GARBAGE) {
      long seed = garbageSeed.incrementAndGet();
      byte[] junk = new byte[(int) (seed % 97) + 1];
      new java.util.Random(seed).nextBytes(junk);
      return CompletableFuture.completedFuture(junk);
    }
    return CompletableFuture.completedFuture(s.entry().bytes());
  }

  @Override
  public CompletionStage<Void> write(CacheKey key, BackendEntry entry) {
    writes.incrementAndGet();
    CompletionStage<Void> f = mode == Mode.GARBAGE ? null : fault();
    if (f != null) {
      return f;
    }
    map.put(key, new Stored(key, entry));
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Boolean> remove(CacheKey key) {
    CompletionStage<Boolean> f = mode == Mode.GARBAGE ? null : fault();
    if (f != null) {
      return f;
    }
    return CompletableFuture.completedFuture(map.remove(key) != null);
  }

  @Override
  public CompletionStage<Long> invalidatePattern(String namespace, String pattern) {
    long n = 0;
    for (Stored s : map.values()) {
      if (s.key().namespace().equals(namespace) && KeyPattern.matches(pattern, s.key().text())) {
        n += map.remove(s.key(), s) ? 1 : 0;
      }
    }
    return CompletableFuture.completedFuture(n);
  }

  @Override
  public CompletionStage<Long> invalidateTag(String tag) {
    long n = 0;
    for (Stored s : map.values()) {
      if (s.entry().tags().contains(tag)) {
        n += map.remove(s.key(), s) ? 1 : 0;
      }
    }
    return CompletableFuture.completedFuture(n);
  }
}
