package dev.hitbox.core.spi;

import dev.hitbox.core.CacheValue;
import java.util.concurrent.CompletionStage;

/**
 * The decision of a {@link ConcurrencyManager} for one caller and key. A leader reports exactly
 * once how its upstream call ended ({@link #succeed}, {@link #fail} or {@link #notShareable});
 * later reports are ignored. A waiter reads {@link #outcome()}.
 *
 * @param <V> the value type
 */
public interface Admission<V> {

  /** Whether this caller leads (goes upstream) rather than waits. */
  boolean leader();

  /**
   * For a waiter: a stage completed when a leader reports. Each call returns the caller's own
   * stage, so cancelling it affects no one else.
   *
   * @throws IllegalStateException for a leader
   */
  CompletionStage<WaitOutcome<V>> outcome();

  /**
   * For a leader: the upstream answered with a cacheable value; waiters receive it. The key stays
   * in flight until {@code written} completes, so callers arriving before the cache write finishes
   * receive the value too.
   */
  void succeed(CacheValue<V> value, CompletionStage<?> written);

  /** For a leader: the upstream failed or was cancelled; one waiter becomes the new leader. */
  void fail();

  /** For a leader: the answer may not be cached or shared; each waiter goes upstream itself. */
  void notShareable();
}
