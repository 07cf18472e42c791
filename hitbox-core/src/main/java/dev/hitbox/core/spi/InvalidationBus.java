package dev.hitbox.core.spi;

import java.util.concurrent.CompletionStage;

/**
 * Carries {@link Invalidation}s between the instances of one application, so that each can drop
 * entries from its own local tier when another instance changes them (see {@link
 * dev.hitbox.core.CoherentBackend}). Delivery is at most once and best effort: an implementation
 * that may have lost messages (a dropped connection) says so with {@link Listener#onReset()}, and
 * the listener then forgets everything it holds.
 *
 * <p>Implementations must be thread-safe and must not block the caller.
 */
public interface InvalidationBus {

  /**
   * Sends {@code invalidation} to every other instance on the bus; this instance does not receive
   * its own messages.
   *
   * @return a stage completed when the message was handed over, or failed when it could not be
   */
  CompletionStage<Void> publish(Invalidation invalidation);

  /**
   * Registers {@code listener} for the messages of other instances. Listeners are called on the
   * bus's own threads and must not block.
   *
   * @return a handle whose {@code close()} removes the listener
   */
  AutoCloseable subscribe(Listener listener);

  /** Receives what other instances publish. */
  interface Listener {

    /** Another instance changed or removed what {@code invalidation} names. */
    void onInvalidation(Invalidation invalidation);

    /**
     * Messages may have been missed (the bus lost its connection, and has it again, or has just
     * lost it): forget everything that another instance might have changed meanwhile.
     */
    void onReset();
  }
}
