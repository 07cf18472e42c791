package dev.hitbox.core.spi;

import java.util.Optional;

/**
 * What a backend shared by several processes offers to coordinate them, beyond storing entries: a
 * {@link ConcurrencyManager} that lets one caller per key go upstream across every process (a
 * distributed dogpile lock), and an {@link InvalidationBus} that keeps local tiers coherent.
 *
 * <p>A {@link Backend} implements it when it can offer either (the Redis backend does); composites
 * pass on what their tiers offer. An endpoint built on such a backend without a concurrency manager
 * of its own uses {@link #concurrencyManager()} when it is present, so that a backend configured
 * once (in Java or in YAML) coordinates every endpoint on it. The backend owns what it hands out
 * and closes it when it is closed.
 */
public interface Coordination {

  /**
   * The concurrency manager coordinating callers across every process that shares this backend, or
   * empty (the default) when the backend was not configured for it.
   */
  default Optional<ConcurrencyManager> concurrencyManager() {
    return Optional.empty();
  }

  /**
   * A bus carrying invalidations between the processes that share this backend, for a {@link
   * dev.hitbox.core.CoherentBackend}, or empty (the default) when the backend has none.
   */
  default Optional<InvalidationBus> invalidationBus() {
    return Optional.empty();
  }
}
