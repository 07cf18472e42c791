package dev.hitbox.core.spi;

import dev.hitbox.core.CacheKey;
import java.util.concurrent.CompletionStage;

/**
 * Dogpile prevention: decides, per key, which callers go upstream (leaders) and which wait for a
 * leader's result. The engine uses {@link #local()} unless told otherwise; a distributed
 * implementation can coordinate several processes.
 *
 * <p>Implementations must be thread-safe and must guarantee that a waiter is always released: with
 * the leader's value, or told to retry or to go upstream itself.
 */
public interface ConcurrencyManager {

  /**
   * Admits a caller for {@code key}: as a leader if fewer than {@code concurrency} callers are
   * already upstream for it, as a waiter otherwise.
   *
   * @param concurrency how many callers may go upstream at once for one key ({@code >= 1})
   */
  <V> CompletionStage<Admission<V>> admit(CacheKey key, int concurrency);

  /** The in-process manager: a concurrent map of in-flight keys, no threads of its own. */
  static ConcurrencyManager local() {
    return new LocalConcurrencyManager();
  }
}
