package dev.hitbox.core.internal;

import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CacheListener;
import dev.hitbox.core.CacheStatus;
import dev.hitbox.core.TimeoutPolicy;
import java.util.List;
import java.util.function.Consumer;

/**
 * Passes every event to several listeners; made by {@link CacheListener#composite}. One listener
 * that throws does not keep the next from the event.
 */
public final class CompositeListener extends CacheListener {
  private final CacheListener[] listeners;

  /** A composite of {@code listeners} (at least two, none a composite). */
  public CompositeListener(List<CacheListener> listeners) {
    this.listeners = listeners.toArray(CacheListener[]::new);
  }

  /** The listeners, in order. */
  public List<CacheListener> listeners() {
    return List.of(listeners);
  }

  private void each(Consumer<CacheListener> event) {
    for (CacheListener l : listeners) {
      try {
        event.accept(l);
      } catch (RuntimeException ignored) {
        // Listeners must not throw; if one does, the others still hear the event.
      }
    }
  }

  @Override
  public void onTransition(String namespace, String from, String to) {
    each(l -> l.onTransition(namespace, from, to));
  }

  @Override
  public void onBypass(String namespace) {
    each(l -> l.onBypass(namespace));
  }

  @Override
  public void onHit(CacheKey key) {
    each(l -> l.onHit(key));
  }

  @Override
  public void onStale(CacheKey key) {
    each(l -> l.onStale(key));
  }

  @Override
  public void onMiss(CacheKey key) {
    each(l -> l.onMiss(key));
  }

  @Override
  public void onDogpileWait(CacheKey key) {
    each(l -> l.onDogpileWait(key));
  }

  @Override
  public void onDogpileTimeout(CacheKey key) {
    each(l -> l.onDogpileTimeout(key));
  }

  @Override
  public void onUpstream(String namespace, long durationNanos, boolean success) {
    each(l -> l.onUpstream(namespace, durationNanos, success));
  }

  @Override
  public void onResponseNotCacheable(CacheKey key) {
    each(l -> l.onResponseNotCacheable(key));
  }

  @Override
  public void onBackendRead(String backend, long durationNanos, int bytes) {
    each(l -> l.onBackendRead(backend, durationNanos, bytes));
  }

  @Override
  public void onBackendWrite(String backend, long durationNanos, int bytes) {
    each(l -> l.onBackendWrite(backend, durationNanos, bytes));
  }

  @Override
  public void onBackendError(String backend, String operation, Throwable error) {
    each(l -> l.onBackendError(backend, operation, error));
  }

  @Override
  public void onDecodeError(String backend, CacheKey key, Throwable error) {
    each(l -> l.onDecodeError(backend, key, error));
  }

  @Override
  public void onUserCodeError(String namespace, Throwable error) {
    each(l -> l.onUserCodeError(namespace, error));
  }

  @Override
  public void onResponse(String namespace, CacheStatus status, long latencyNanos) {
    each(l -> l.onResponse(namespace, status, latencyNanos));
  }

  @Override
  public void onResponseError(String namespace, Throwable error, long latencyNanos) {
    each(l -> l.onResponseError(namespace, error, latencyNanos));
  }

  @Override
  public void onPut(CacheKey key) {
    each(l -> l.onPut(key));
  }

  @Override
  public void onOffloadSpawned(String key) {
    each(l -> l.onOffloadSpawned(key));
  }

  @Override
  public void onOffloadCompleted(String key, boolean success) {
    each(l -> l.onOffloadCompleted(key, success));
  }

  @Override
  public void onOffloadDeduplicated(String key) {
    each(l -> l.onOffloadDeduplicated(key));
  }

  @Override
  public void onOffloadRejected(String key) {
    each(l -> l.onOffloadRejected(key));
  }

  @Override
  public void onOffloadTimedOut(String key, TimeoutPolicy policy) {
    each(l -> l.onOffloadTimedOut(key, policy));
  }

  @Override
  public String toString() {
    return "CacheListener.composite" + listeners();
  }
}
