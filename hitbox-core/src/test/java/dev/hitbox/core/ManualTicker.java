package dev.hitbox.core;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A ticker for core's own tests that moves only when told to. */
final class ManualTicker implements Ticker {
  private final AtomicLong millis = new AtomicLong(1_767_225_600_000L);

  ManualTicker advance(Duration d) {
    millis.addAndGet(d.toMillis());
    return this;
  }

  @Override
  public long nanoTime() {
    return millis.get() * 1_000_000L;
  }

  @Override
  public long currentTimeMillis() {
    return millis.get();
  }
}
