package dev.hitbox.redis;

import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CacheListener;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/** Counts hits, misses and backend errors; cheap enough for load tests. Thread-safe. */
final class CountingListener extends CacheListener {
  final AtomicLong hits = new AtomicLong();
  final AtomicLong misses = new AtomicLong();
  final AtomicLong backendErrors = new AtomicLong();
  final AtomicLong dogpileWaits = new AtomicLong();
  final AtomicReference<@Nullable Throwable> lastError = new AtomicReference<>();

  @Override
  public void onHit(CacheKey key) {
    hits.incrementAndGet();
  }

  @Override
  public void onMiss(CacheKey key) {
    misses.incrementAndGet();
  }

  @Override
  public void onDogpileWait(CacheKey key) {
    dogpileWaits.incrementAndGet();
  }

  @Override
  public void onBackendError(String backend, String operation, Throwable error) {
    backendErrors.incrementAndGet();
    lastError.set(error);
  }

  @Override
  public String toString() {
    return "waits="
        + dogpileWaits
        + ", hits="
        + hits
        + ", misses="
        + misses
        + ", backendErrors="
        + backendErrors
        + ", lastError="
        + lastError.get();
  }
}
