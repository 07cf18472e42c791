package dev.hitbox.core;

import static java.util.Objects.requireNonNull;

import dev.hitbox.core.internal.Events;
import dev.hitbox.core.internal.Futures;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.core.spi.Clearable;
import dev.hitbox.core.spi.ConcurrencyManager;
import dev.hitbox.core.spi.Coordination;
import dev.hitbox.core.spi.Invalidation;
import dev.hitbox.core.spi.InvalidationBus;
import dev.hitbox.core.spi.PatternInvalidator;
import dev.hitbox.core.spi.TagInvalidator;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A {@link CompositeBackend} whose local L1 stays coherent across instances: every write, removal
 * and pattern or tag invalidation made through it is published on an {@link InvalidationBus}, and
 * every instance that receives it drops the key, pattern or tag from its own L1, so that its next
 * read goes to the shared L2. An instance ignores its own messages. When the bus may have lost
 * messages ({@link InvalidationBus.Listener#onReset()}), the whole L1 is cleared.
 *
 * <p>A read on another instance that was already on its way to L2 when the message arrived may copy
 * the old value back into its L1 (with {@link RefillPolicy#ALWAYS}); to close that window the key
 * is dropped a second time after {@link Builder#reevictAfter(Duration) reevictAfter} (default twice
 * the tier timeout).
 *
 * <pre>{@code
 * CoherentBackend tiers = CoherentBackend.builder(caffeine.compose(redis))
 *     .bus(RedisInvalidationBus.builder(redis).channel("shop").build())
 *     .build();
 * }</pre>
 *
 * <p>L1 must implement {@link Clearable} (Caffeine does). Thread-safe when the tiers and the bus
 * are. {@link #close()} stops listening to the bus; it does not close the tiers or the bus.
 */
public final class CoherentBackend
    implements Backend, PatternInvalidator, TagInvalidator, Coordination, AutoCloseable {
  private final CompositeBackend tiers;
  private final Backend l1;
  private final InvalidationBus bus;
  private final Duration reevictAfter;
  private final CacheListener listener;
  private final String name;
  private final AutoCloseable subscription;
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong resets = new AtomicLong();

  private CoherentBackend(Builder b, InvalidationBus bus) {
    this.tiers = b.tiers;
    this.l1 = b.tiers.l1();
    this.bus = bus;
    this.reevictAfter =
        b.reevictAfter != null ? b.reevictAfter : tiers.tierTimeout().multipliedBy(2);
    this.listener = b.listener;
    this.name = b.name != null ? b.name : tiers.name();
    this.subscription = bus.subscribe(new Receiver());
  }

  /** Starts a coherent backend over {@code tiers}, whose L1 must implement {@link Clearable}. */
  public static Builder builder(CompositeBackend tiers) {
    return new Builder(requireNonNull(tiers, "tiers"));
  }

  /** What the tiers offer (see {@link Coordination}). */
  @Override
  public Optional<ConcurrencyManager> concurrencyManager() {
    return tiers.concurrencyManager();
  }

  /** The bus this backend publishes on and listens to. */
  @Override
  public Optional<InvalidationBus> invalidationBus() {
    return Optional.of(bus);
  }

  /** The tiers this backend reads and writes. */
  public CompositeBackend tiers() {
    return tiers;
  }

  /** The bound of one call to one tier, that of {@link #tiers()}. */
  public Duration tierTimeout() {
    return tiers.tierTimeout();
  }

  /** How many invalidations from other instances this instance has received. */
  public long received() {
    return received.get();
  }

  /** How many times L1 was cleared because the bus may have lost messages. */
  public long resets() {
    return resets.get();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public CompletionStage<byte @Nullable []> read(CacheKey key) {
    return tiers.read(key);
  }

  /** Writes through the tiers, then tells the other instances to drop {@code key} from their L1. */
  @Override
  public CompletionStage<Void> write(CacheKey key, BackendEntry entry) {
    return announce(tiers.write(key, entry), Invalidation.key(key));
  }

  /** Removes from both tiers, then tells the other instances to drop {@code key}. */
  @Override
  public CompletionStage<Boolean> remove(CacheKey key) {
    return announce(tiers.remove(key), Invalidation.key(key));
  }

  /**
   * Invalidates in the tiers, then on the other instances.
   *
   * @return a stage with the count of the tiers, or failed with a {@link CacheException} when no
   *     tier supports pattern invalidation
   */
  @Override
  public CompletionStage<Long> invalidatePattern(String namespace, String pattern) {
    requireNonNull(namespace, "namespace");
    requireNonNull(pattern, "pattern");
    if (!(tiers instanceof PatternInvalidator p)) {
      return CompletableFuture.failedFuture(
          new CacheException("backend " + name + " does not support pattern invalidation"));
    }
    return announce(
        p.invalidatePattern(namespace, pattern), Invalidation.pattern(namespace, pattern));
  }

  /**
   * Invalidates in the tiers, then on the other instances.
   *
   * @return a stage with the count of the tiers, or failed with a {@link CacheException} when no
   *     tier supports tag invalidation
   */
  @Override
  public CompletionStage<Long> invalidateTag(String tag) {
    requireNonNull(tag, "tag");
    if (!(tiers instanceof TagInvalidator t)) {
      return CompletableFuture.failedFuture(
          new CacheException("backend " + name + " does not support tag invalidation"));
    }
    return announce(t.invalidateTag(tag), Invalidation.tag(tag));
  }

  /** Stops listening to the bus. */
  @Override
  public void close() {
    try {
      subscription.close();
    } catch (Exception e) {
      report("close", e);
    }
  }

  /**
   * Publishes once the tiers are done (also when they failed: the other instances' L1 may hold the
   * old value either way), and completes with the tiers' own outcome. A failed publish is reported,
   * never passed on.
   */
  private <T> CompletionStage<T> announce(CompletionStage<T> change, Invalidation what) {
    return change
        .handle((v, e) -> v)
        .thenCompose(
            v -> {
              CompletionStage<Void> sent;
              try {
                sent = bus.publish(what);
              } catch (RuntimeException e) {
                sent = CompletableFuture.failedFuture(e);
              }
              return sent.handle(
                  (ok, e) -> {
                    if (e != null) {
                      report("publish", e);
                    }
                    return null;
                  });
            })
        .thenCompose(ignored -> change);
  }

  private void evict(Invalidation what) {
    CompletionStage<?> done;
    try {
      done =
          switch (what.kind()) {
            case KEY -> l1.remove(what.key());
            case PATTERN ->
                l1 instanceof PatternInvalidator p
                    ? p.invalidatePattern(what.namespace(), what.pattern())
                    : ((Clearable) l1).clear();
            case TAG ->
                l1 instanceof TagInvalidator t
                    ? t.invalidateTag(what.tag())
                    : ((Clearable) l1).clear();
          };
    } catch (RuntimeException e) {
      done = CompletableFuture.failedFuture(e);
    }
    done.whenComplete(
        (v, e) -> {
          if (e != null) {
            report("evict", e);
          }
        });
  }

  private void clear() {
    CompletionStage<Void> done;
    try {
      done = ((Clearable) l1).clear();
    } catch (RuntimeException e) {
      done = CompletableFuture.failedFuture(e);
    }
    done.whenComplete(
        (v, e) -> {
          if (e != null) {
            report("clear", e);
          }
        });
  }

  private void report(String operation, Throwable error) {
    Throwable cause = Futures.unwrap(error);
    Events.safely(() -> listener.onBackendError("l1:" + l1.name(), operation, cause));
  }

  @Override
  public String toString() {
    return "CoherentBackend{" + tiers + ", bus=" + bus + '}';
  }

  private final class Receiver implements InvalidationBus.Listener {
    @Override
    public void onInvalidation(Invalidation invalidation) {
      received.incrementAndGet();
      evict(invalidation);
      if (!reevictAfter.isZero()) {
        Executor later =
            CompletableFuture.delayedExecutor(reevictAfter.toNanos(), TimeUnit.NANOSECONDS);
        later.execute(() -> evict(invalidation));
      }
    }

    @Override
    public void onReset() {
      resets.incrementAndGet();
      clear();
    }
  }

  /** Builds a {@link CoherentBackend}; setters validate at once. Not thread-safe. */
  public static final class Builder {
    private final CompositeBackend tiers;
    private @Nullable InvalidationBus bus;
    private @Nullable Duration reevictAfter;
    private CacheListener listener = CacheListener.NONE;
    private @Nullable String name;

    private Builder(CompositeBackend tiers) {
      this.tiers = tiers;
    }

    /** Sets the bus that carries invalidations between the instances (required). */
    public Builder bus(InvalidationBus bus) {
      this.bus = requireNonNull(bus, "bus");
      return this;
    }

    /**
     * Sets how long after an invalidation from another instance the key is dropped from L1 a second
     * time, to catch a read that refilled the old value meanwhile (default twice the tier timeout;
     * zero: no second drop).
     *
     * @throws ConfigurationException when negative
     */
    public Builder reevictAfter(Duration delay) {
      requireNonNull(delay, "delay");
      if (delay.isNegative()) {
        throw new ConfigurationException("reevict_after: " + delay + " (expected: >= 0)");
      }
      this.reevictAfter = delay;
      return this;
    }

    /** Receives L1 eviction and bus errors, as {@code onBackendError("l1:<name>", op, error)}. */
    public Builder listener(CacheListener listener) {
      this.listener = requireNonNull(listener, "listener");
      return this;
    }

    /** Sets the name for metrics (default the name of the tiers). */
    public Builder name(String name) {
      requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new ConfigurationException("name: \"" + name + "\" (expected: not blank)");
      }
      this.name = name;
      return this;
    }

    /**
     * Builds the backend and subscribes it to the bus.
     *
     * @throws ConfigurationException when no bus is set or L1 cannot be cleared
     */
    public CoherentBackend build() {
      InvalidationBus b = bus;
      if (b == null) {
        throw new ConfigurationException("bus: not set (expected: an InvalidationBus)");
      }
      if (!(tiers.l1() instanceof Clearable)) {
        throw new ConfigurationException(
            "l1: "
                + tiers.l1().name()
                + " (expected: a backend implementing Clearable, such as CaffeineBackend)");
      }
      return new CoherentBackend(this, b);
    }
  }
}
