package dev.hitbox.core;

import static java.util.Objects.requireNonNull;

import dev.hitbox.core.internal.CompositeListener;
import java.util.ArrayList;
import java.util.List;

/**
 * Receives an event for every step the engine takes, for metrics, logs and tests. Every method is a
 * no-op here: override what you need. New events may be added in later versions without breaking
 * subclasses.
 *
 * <p>Methods are called on the engine's threads, often on the hot path: they must be thread-safe,
 * fast, and must not throw (an exception is caught and ignored).
 *
 * <p>{@code namespace} is the endpoint or cache name; keys are never needed to label metrics and
 * should not be used as labels (unbounded cardinality).
 */
public abstract class CacheListener {

  /** A listener that ignores every event. */
  public static final CacheListener NONE = new CacheListener() {};

  /** Creates a listener. */
  protected CacheListener() {}

  /**
   * One listener that passes every event to each of {@code listeners}, in order. A listener that
   * throws does not keep the others from the event. {@link #NONE} is left out; with one listener
   * left, that listener itself is returned, with none, {@link #NONE}.
   *
   * <pre>{@code
   * endpoint.listener(CacheListener.composite(MicrometerCacheListener.of(registry), hotKeys));
   * }</pre>
   *
   * @throws NullPointerException if {@code listeners} or one of them is null
   */
  public static CacheListener composite(CacheListener... listeners) {
    return composite(List.of(requireNonNull(listeners, "listeners")));
  }

  /**
   * Like {@link #composite(CacheListener...)}, from a list (copied).
   *
   * @throws NullPointerException if {@code listeners} or one of them is null
   */
  public static CacheListener composite(List<? extends CacheListener> listeners) {
    List<CacheListener> all = new ArrayList<>();
    for (CacheListener l : requireNonNull(listeners, "listeners")) {
      requireNonNull(l, "listener");
      if (l instanceof CompositeListener c) {
        all.addAll(c.listeners());
      } else if (l != NONE) {
        all.add(l);
      }
    }
    if (all.isEmpty()) {
      return NONE;
    }
    return all.size() == 1 ? all.get(0) : new CompositeListener(all);
  }

  /**
   * The state machine moved from one state to another ({@code PollCache}, {@code HandleStale},
   * ...). Called once per transition.
   */
  public void onTransition(String namespace, String from, String to) {}

  /** A request was not cacheable (policy disabled, or the request predicate said no). */
  public void onBypass(String namespace) {}

  /** A fresh entry was found. */
  public void onHit(CacheKey key) {}

  /** A stale entry was found. */
  public void onStale(CacheKey key) {}

  /** No usable entry was found. */
  public void onMiss(CacheKey key) {}

  /** A caller waits for another caller's upstream call (dogpile prevention). */
  public void onDogpileWait(CacheKey key) {}

  /** A waiting caller gave up waiting after the bound and goes upstream itself. */
  public void onDogpileTimeout(CacheKey key) {}

  /**
   * The upstream answered or failed.
   *
   * @param durationNanos how long the call took
   * @param success whether it answered
   */
  public void onUpstream(String namespace, long durationNanos, boolean success) {}

  /** The upstream's response was not cacheable (the response predicate said no). */
  public void onResponseNotCacheable(CacheKey key) {}

  /**
   * A backend read finished.
   *
   * @param bytes how many bytes were read ({@code 0} for a miss)
   */
  public void onBackendRead(String backend, long durationNanos, int bytes) {}

  /** A backend write finished. */
  public void onBackendWrite(String backend, long durationNanos, int bytes) {}

  /**
   * A backend call failed or timed out; the engine treated it as a miss or a skipped write.
   *
   * @param operation {@code "read"}, {@code "write"} or {@code "remove"}
   */
  public void onBackendError(String backend, String operation, Throwable error) {}

  /** Stored bytes did not parse, or were written by another format or schema; served a miss. */
  public void onDecodeError(String backend, CacheKey key, Throwable error) {}

  /** A user predicate or extractor threw; the request went upstream uncached. */
  public void onUserCodeError(String namespace, Throwable error) {}

  /**
   * A response was returned to a caller.
   *
   * @param latencyNanos time from the call to the response
   */
  public void onResponse(String namespace, CacheStatus status, long latencyNanos) {}

  /**
   * A request failed: its upstream failed (or answered {@code null}) and the error went to the
   * caller unchanged. Not called for background refreshes.
   *
   * @param latencyNanos time from the call to the failure
   */
  public void onResponseError(String namespace, Throwable error, long latencyNanos) {}

  /**
   * A value is being stored under {@code key}: a cacheable answer from the upstream, or an explicit
   * put. The write itself is reported by {@link #onBackendWrite} or {@link #onBackendError}.
   */
  public void onPut(CacheKey key) {}

  /** A background task was started. */
  public void onOffloadSpawned(String key) {}

  /** A background task finished (successfully or not). */
  public void onOffloadCompleted(String key, boolean success) {}

  /** A background task was not started because one for the same key is running. */
  public void onOffloadDeduplicated(String key) {}

  /** A background task was not started because {@code max_concurrent_tasks} are running. */
  public void onOffloadRejected(String key) {}

  /** A background task ran past its timeout (cancelled or warned, per its policy). */
  public void onOffloadTimedOut(String key, TimeoutPolicy policy) {}
}
