package dev.hitbox.core;

import dev.hitbox.core.spi.Backend;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.core.spi.KeyPattern;
import dev.hitbox.core.spi.PatternInvalidator;
import dev.hitbox.core.spi.TagInvalidator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A map-backed tier for core's own tests (core cannot depend on hitbox-testkit, which depends on
 * core): honours expiry against a clock, and fails or hangs on demand.
 */
final class TierBackend implements Backend, PatternInvalidator, TagInvalidator {
  enum Mode {
    WORKING,
    FAILING,
    SLOW
  }

  private final String name;
  private final LongSupplier clock;
  private final Map<CacheKey, BackendEntry> map = new ConcurrentHashMap<>();
  private volatile Mode mode = Mode.WORKING;

  TierBackend(String name, LongSupplier clock) {
    this.name = name;
    this.clock = clock;
  }

  TierBackend mode(Mode mode) {
    this.mode = mode;
    return this;
  }

  /** The live entry under {@code key}, bypassing the mode, or null. */
  @Nullable BackendEntry entry(CacheKey key) {
    BackendEntry e = map.get(key);
    return e == null || e.expireAt() <= clock.getAsLong() ? null : e;
  }

  /** Stores directly, bypassing the mode. */
  void put(CacheKey key, BackendEntry entry) {
    map.put(key, entry);
  }

  @Override
  public String name() {
    return name;
  }

  private <T> @Nullable CompletionStage<T> fault() {
    return switch (mode) {
      case FAILING -> CompletableFuture.failedFuture(new IllegalStateException(name + " is down"));
      case SLOW -> new CompletableFuture<>();
      case WORKING -> null;
    };
  }

  @Override
  public CompletionStage<byte @Nullable []> read(CacheKey key) {
    CompletionStage<byte @Nullable []> f = fault();
    if (f != null) {
      return f;
    }
    BackendEntry e = entry(key);
    return CompletableFuture.completedFuture(e == null ? null : e.bytes());
  }

  @Override
  public CompletionStage<Void> write(CacheKey key, BackendEntry entry) {
    CompletionStage<Void> f = fault();
    if (f != null) {
      return f;
    }
    map.put(key, entry);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Boolean> remove(CacheKey key) {
    CompletionStage<Boolean> f = fault();
    if (f != null) {
      return f;
    }
    return CompletableFuture.completedFuture(map.remove(key) != null);
  }

  @Override
  public CompletionStage<Long> invalidatePattern(String namespace, String pattern) {
    CompletionStage<Long> f = fault();
    if (f != null) {
      return f;
    }
    long n =
        map.keySet().stream()
            .filter(k -> k.namespace().equals(namespace) && KeyPattern.matches(pattern, k.text()))
            .filter(k -> map.remove(k) != null)
            .count();
    return CompletableFuture.completedFuture(n);
  }

  @Override
  public CompletionStage<Long> invalidateTag(String tag) {
    CompletionStage<Long> f = fault();
    if (f != null) {
      return f;
    }
    long n =
        map.entrySet().stream()
            .filter(e -> e.getValue().tags().contains(tag))
            .map(Map.Entry::getKey)
            .toList()
            .stream()
            .filter(k -> map.remove(k) != null)
            .count();
    return CompletableFuture.completedFuture(n);
  }
}
