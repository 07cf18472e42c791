package dev.hitbox.core.internal;

import java.util.concurrent.CompletableFuture;

/**
 * What one transition of the state machine produces: the next {@link State} itself when the step
 * completed at once (a hit on an in-memory backend), or a {@link Pending} future of it. Stepping
 * synchronously spares a completed future per transition on the hit path.
 *
 * @param <Req> the request type
 * @param <Res> the response type
 */
sealed interface Step<Req, Res> permits State, Step.Pending {

  /** The next state, not known yet. */
  record Pending<Req, Res>(CompletableFuture<State<Req, Res>> next) implements Step<Req, Res> {}
}
