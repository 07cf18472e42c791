package dev.hitbox.core.internal;

import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CacheStatus;
import dev.hitbox.core.CacheValue;
import dev.hitbox.core.spi.Admission;
import org.jspecify.annotations.Nullable;

/**
 * The states of the cache state machine. One record per state; {@link CacheEngine#transition} is
 * the one function that moves between them:
 *
 * <pre>
 * Initial -> CheckRequestCachePolicy -> PollCache
 *   PollCache -(fresh)-> Respond(HIT)
 *   PollCache -(stale)-> HandleStale -> Respond(STALE) | AwaitResponse | PollUpstream
 *   PollCache -(miss)--> AwaitResponse (dogpile limit) | PollUpstream
 *   AwaitResponse -> PollUpstream (leader, released or timed out) | Respond (leader's value)
 *   AwaitResponse -> PollCache (a leader in another process stored its value, or went away)
 *   PollUpstream -> CheckResponseCachePolicy -> UpdateCache -> Respond(MISS)
 *   CheckRequestCachePolicy -(not cacheable)-> PollUpstream -> Respond(BYPASS)
 * </pre>
 *
 * @param <Req> the request type
 * @param <Res> the response type
 */
sealed interface State<Req, Res> extends Step<Req, Res>
    permits State.Initial,
        State.CheckRequestCachePolicy,
        State.PollCache,
        State.HandleStale,
        State.AwaitResponse,
        State.PollUpstream,
        State.CheckResponseCachePolicy,
        State.UpdateCache,
        State.Respond {

  /** A request has arrived. */
  record Initial<Req, Res>(Req request) implements State<Req, Res> {}

  /** The policy and the request predicate decide whether the request is cacheable. */
  record CheckRequestCachePolicy<Req, Res>(Req request) implements State<Req, Res> {}

  /** The backend is read for the key. */
  record PollCache<Req, Res>(Req request, CacheKey key) implements State<Req, Res> {}

  /** A stale entry was found; the stale policy decides. */
  record HandleStale<Req, Res>(Req request, CacheKey key, CacheValue<Res> stale)
      implements State<Req, Res> {}

  /**
   * Dogpile prevention: lead (go upstream) or wait for a leader.
   *
   * @param deadlineNanos when waiting must end ({@link Long#MIN_VALUE} until the first wait)
   */
  record AwaitResponse<Req, Res>(
      Req request, CacheKey key, @Nullable CacheValue<Res> stale, long deadlineNanos)
      implements State<Req, Res> {}

  /**
   * The upstream is called.
   *
   * @param key null when the request is not cacheable (bypass)
   * @param admission the dogpile leadership held, if any
   * @param stale the stored entry, if any: the base of a conditional request, and what a failed
   *     upstream call is answered with under {@code staleIfError} while it is within the bound
   * @param background whether nobody waits for the answer (a background refresh)
   */
  record PollUpstream<Req, Res>(
      Req request,
      @Nullable CacheKey key,
      @Nullable Admission<Res> admission,
      @Nullable CacheValue<Res> stale,
      boolean background)
      implements State<Req, Res> {}

  /** The response predicate decides whether the upstream's response is cacheable. */
  record CheckResponseCachePolicy<Req, Res>(
      Req request, CacheKey key, Res response, @Nullable Admission<Res> admission)
      implements State<Req, Res> {}

  /** The response is written to the backend (after the caller has its answer). */
  record UpdateCache<Req, Res>(
      Req request, CacheKey key, Res response, @Nullable Admission<Res> admission)
      implements State<Req, Res> {}

  /**
   * The caller is answered, with a value or with the upstream's failure. The {@link
   * dev.hitbox.core.CacheResult} is built only for a caller who asked for one ({@code exchange}).
   *
   * @param value the answer, null when the request failed
   * @param status how the answer was obtained, null when the request failed
   * @param staleIfError whether a stale entry answers because the upstream failed
   * @param error the upstream's failure, when the request failed
   * @param after work to run once the caller has been answered (the cache write)
   */
  record Respond<Req, Res>(
      @Nullable Res value,
      @Nullable CacheStatus status,
      long ageMillis,
      boolean staleIfError,
      @Nullable Throwable error,
      @Nullable Runnable after)
      implements State<Req, Res> {

    /** An answer. */
    static <Req, Res> Respond<Req, Res> answer(Res value, CacheStatus status, long ageMillis) {
      return new Respond<>(value, status, ageMillis, false, null, null);
    }

    /** A miss's answer, with the cache write to run after it. */
    static <Req, Res> Respond<Req, Res> miss(Res value, @Nullable Runnable after) {
      return new Respond<>(value, CacheStatus.MISS, 0, false, null, after);
    }

    /** The upstream's failure. */
    static <Req, Res> Respond<Req, Res> failure(Throwable error) {
      return new Respond<>(null, null, 0, false, error, null);
    }
  }
}
