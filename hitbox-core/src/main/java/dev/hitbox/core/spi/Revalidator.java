package dev.hitbox.core.spi;

import org.jspecify.annotations.Nullable;

/**
 * Conditional revalidation of a stale entry, such as HTTP's {@code If-None-Match} and {@code 304
 * Not Modified}: when the engine refreshes a stale entry, it sends {@link #conditional} upstream
 * instead of the plain request, and lets {@link #notModified} turn a "still valid" answer into the
 * value to store and serve.
 *
 * <p>Implementations must be thread-safe.
 *
 * @param <Req> the request type
 * @param <Res> the response type
 */
public interface Revalidator<Req, Res> {

  /**
   * The request to send upstream to refresh {@code stale}, e.g. with {@code If-None-Match: <the
   * stale response's ETag>}. Return {@code request} itself when {@code stale} has no validator.
   */
  Req conditional(Req request, Res stale);

  /**
   * If {@code response} says that {@code stale} is still valid (HTTP 304), returns the value to
   * store and serve: {@code stale} refreshed with the response's headers. Returns {@code null} when
   * {@code response} is a full answer of its own.
   */
  @Nullable Res notModified(Res stale, Res response);
}
