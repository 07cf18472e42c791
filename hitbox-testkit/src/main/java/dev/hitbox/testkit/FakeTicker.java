package dev.hitbox.testkit;

import dev.hitbox.core.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Ticker} that moves only when told to. Both its monotonic and its wall-clock time advance
 * together. Thread-safe.
 */
public final class FakeTicker implements Ticker {
  private final AtomicLong nanos = new AtomicLong();
  private final AtomicLong millis;

  /** A ticker whose wall clock starts at 2026-01-01T00:00:00Z. */
  public FakeTicker() {
    this(1_767_225_600_000L);
  }

  /** A ticker whose wall clock starts at {@code epochMillis}. */
  public FakeTicker(long epochMillis) {
    this.millis = new AtomicLong(epochMillis);
  }

  /** Moves time forward. */
  public FakeTicker advance(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("advance: " + d + " (expected: >= 0)");
    }
    nanos.addAndGet(d.toNanos());
    millis.addAndGet(d.toMillis());
    return this;
  }

  @Override
  public long nanoTime() {
    return nanos.get();
  }

  @Override
  public long currentTimeMillis() {
    return millis.get();
  }
}
