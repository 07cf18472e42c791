package dev.hitbox.core;

import java.util.concurrent.CompletionStage;

/**
 * Anything that turns a request into a response asynchronously: a remote service, a database query,
 * a computation. Hitbox wraps an upstream into a {@link CachedUpstream} that answers the same
 * interface, so callers cannot tell whether an answer came from the cache.
 *
 * <p>Implementations must be thread-safe. A failure is reported through the returned stage (or by
 * throwing, which Hitbox treats the same way); Hitbox passes it to the caller unchanged.
 *
 * @param <Req> the request type
 * @param <Res> the response type
 */
@FunctionalInterface
public interface Upstream<Req, Res> {

  /**
   * Calls the upstream.
   *
   * @param request the request, never null
   * @return a stage completed with the response, or exceptionally with the upstream's failure
   */
  CompletionStage<Res> call(Req request);
}
