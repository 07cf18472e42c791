package dev.hitbox.core;

import java.util.concurrent.CompletableFuture;

/**
 * An {@link Upstream} with a cache in front of it, made by {@link CacheEndpoint#wrap(Upstream)}.
 *
 * <p>Every returned future belongs to its caller alone: cancelling it detaches that caller and
 * affects no other caller waiting for the same key. Thread-safe.
 *
 * @param <Req> the request type
 * @param <Res> the response type
 */
public interface CachedUpstream<Req, Res> extends Upstream<Req, Res> {

  /**
   * Answers the request from the cache when it can, from the upstream otherwise.
   *
   * @param request the request, never null
   * @return the response; completed exceptionally only with the upstream's own failure
   */
  @Override
  default CompletableFuture<Res> call(Req request) {
    return exchange(request).thenApply(CacheResult::value);
  }

  /**
   * Like {@link #call(Object)}, and also says how the answer was obtained (hit, stale, miss,
   * bypass) and how old it is. Protocol layers use this to set cache status headers.
   *
   * @param request the request, never null
   * @return the response with its cache status
   */
  CompletableFuture<CacheResult<Res>> exchange(Req request);

  /** Returns the endpoint this upstream was wrapped with. */
  CacheEndpoint<Req, Res> endpoint();

  /** Computes the key {@code request} would be cached under, through the endpoint's extractors. */
  CompletableFuture<CacheKey> keyOf(Req request);

  /** Removes the entry {@code request} would be served from; completes with whether one was. */
  default CompletableFuture<Boolean> invalidate(Req request) {
    return keyOf(request).thenCompose(this::invalidateKey);
  }

  /** Removes the entry under {@code key}; completes with whether one was removed. */
  CompletableFuture<Boolean> invalidateKey(CacheKey key);

  /**
   * Removes the endpoint's entries whose key {@linkplain CacheKey#text() text} matches a glob
   * pattern ({@code *}, {@code ?}, {@code \} escapes).
   *
   * @return the number removed; fails with {@link CacheException} if the backend cannot
   */
  CompletableFuture<Long> invalidatePattern(String pattern);

  /**
   * Removes the entries tagged {@code tag}.
   *
   * @return the number removed; fails with {@link CacheException} if the backend cannot
   */
  CompletableFuture<Long> invalidateTag(String tag);
}
