package dev.hitbox.core;

/**
 * The source of time for the engine. Core code never reads the system clock directly, so tests can
 * drive time with a fake ticker.
 *
 * <p>Implementations must be thread-safe.
 */
public interface Ticker {

  /** A monotonic time in nanoseconds, for measuring durations only. */
  long nanoTime();

  /**
   * The wall-clock time in milliseconds since the epoch, for the absolute timestamps stored with
   * entries (they are shared across processes through remote backends).
   */
  long currentTimeMillis();

  /** The system clock: {@link System#nanoTime()} and {@link System#currentTimeMillis()}. */
  static Ticker systemTicker() {
    return SystemTicker.INSTANCE;
  }
}

enum SystemTicker implements Ticker {
  INSTANCE;

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public long currentTimeMillis() {
    return System.currentTimeMillis();
  }
}
