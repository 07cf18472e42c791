package dev.hitbox.core;

import static java.util.Objects.requireNonNull;

import dev.hitbox.core.internal.Envelope;
import dev.hitbox.core.internal.Events;
import dev.hitbox.core.internal.Futures;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.core.spi.ConcurrencyManager;
import dev.hitbox.core.spi.Coordination;
import dev.hitbox.core.spi.InvalidationBus;
import dev.hitbox.core.spi.PatternInvalidator;
import dev.hitbox.core.spi.TagInvalidator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Two backends as one: L1 (usually small and local, such as Caffeine) in front of L2 (usually
 * shared, such as Redis). A composite is itself a {@link Backend}, so tiers nest: {@code
 * l1.compose(l2.compose(l3))}.
 *
 * <p>Reads follow the {@link ReadPolicy}, writes the {@link WritePolicy}, and an entry found only
 * in L2 is copied into L1 according to the {@link RefillPolicy}, with the entry's own absolute
 * timestamps so that it never outlives its expiry in L1. Removal always removes from both tiers.
 *
 * <p>Every call to a tier is bounded by the {@linkplain Builder#tierTimeout tier timeout} (default
 * 50 ms). A tier that fails, throws or does not answer in time counts as a miss (or a skipped
 * write) for that tier and is reported to the {@linkplain Builder#listener listener} as {@link
 * CacheListener#onBackendError} with the tier's label, {@code "l1:<name>"} or {@code "l2:<name>"}.
 * A valid envelope in one tier is preferred over bytes that are no envelope in the other (also
 * reported), so that a broken entry in L1 does not hide a good one in L2. The composite's own stage
 * fails only when every tier failed.
 *
 * <p>The composite also implements {@link PatternInvalidator} and {@link TagInvalidator} when
 * either tier does, and then invalidates in every tier that can; the count it returns is the larger
 * of the tiers' counts.
 *
 * <p>Thread-safe when both tiers are.
 *
 * <pre>{@code
 * Backend tiers = CompositeBackend.builder(caffeine, redis)
 *     .policy(CompositionPolicy.builder().read(ReadPolicy.RACE).refill(RefillPolicy.ALWAYS).build())
 *     .tierTimeout(Duration.ofMillis(20))
 *     .listener(metrics)
 *     .build();
 * }</pre>
 */
public abstract sealed class CompositeBackend implements Backend, Coordination {
  /** The default bound of one call to one tier. */
  public static final Duration DEFAULT_TIER_TIMEOUT = Duration.ofMillis(50);

  private final Backend l1;
  private final Backend l2;
  private final CompositionPolicy policy;
  private final Duration tierTimeout;
  private final long tierTimeoutNanos;
  private final CacheListener listener;
  private final String name;
  private final String l1Label;
  private final String l2Label;

  private CompositeBackend(Builder b) {
    this.l1 = b.l1;
    this.l2 = b.l2;
    this.policy = b.policy;
    this.tierTimeout = b.tierTimeout;
    this.tierTimeoutNanos = b.tierTimeout.toNanos();
    this.listener = b.listener;
    this.name = b.name != null ? b.name : l1.name() + "+" + l2.name();
    this.l1Label = "l1:" + l1.name();
    this.l2Label = "l2:" + l2.name();
  }

  /** Starts a composite of {@code l1} in front of {@code l2}. */
  public static Builder builder(Backend l1, Backend l2) {
    return new Builder(requireNonNull(l1, "l1"), requireNonNull(l2, "l2"));
  }

  /** The first tier. */
  public Backend l1() {
    return l1;
  }

  /** The second tier. */
  public Backend l2() {
    return l2;
  }

  /** The read, write and refill policies. */
  public CompositionPolicy policy() {
    return policy;
  }

  /** The bound of one call to one tier. */
  public Duration tierTimeout() {
    return tierTimeout;
  }

  /** What L2 offers, else what L1 offers (see {@link Coordination}). */
  @Override
  public Optional<ConcurrencyManager> concurrencyManager() {
    return offered(Coordination::concurrencyManager);
  }

  /** What L2 offers, else what L1 offers (see {@link Coordination}). */
  @Override
  public Optional<InvalidationBus> invalidationBus() {
    return offered(Coordination::invalidationBus);
  }

  /** What L2 offers, else what L1 offers. */
  private <T> Optional<T> offered(Function<Coordination, Optional<T>> what) {
    Optional<T> fromL2 = what.apply(coordination(l2));
    return fromL2.isPresent() ? fromL2 : what.apply(coordination(l1));
  }

  private static Coordination coordination(Backend tier) {
    return tier instanceof Coordination c ? c : NO_COORDINATION;
  }

  private static final Coordination NO_COORDINATION = new Coordination() {};

  /** {@code <l1 name>+<l2 name>} unless set on the builder. */
  @Override
  public String name() {
    return name;
  }

  @Override
  public String toString() {
    return "CompositeBackend{" + l1Label + ", " + l2Label + ", " + policy + '}';
  }

  // ---- read

  /**
   * What one tier answered: its bytes ({@code null} for a miss or a failure), whether it failed,
   * and the envelope header when the bytes are one.
   */
  private record ReadOutcome(
      byte @Nullable [] bytes, boolean failed, Envelope.@Nullable Header header) {
    static final ReadOutcome FAILED = new ReadOutcome(null, true, null);

    /** A hit holding an envelope. */
    boolean valid() {
      return header != null;
    }
  }

  @Override
  public CompletionStage<byte @Nullable []> read(CacheKey key) {
    requireNonNull(key, "key");
    switch (policy.read()) {
      case SEQUENTIAL:
        return readTier(l1, l1Label, key)
            .thenCompose(
                o1 ->
                    o1.valid()
                        ? CompletableFuture.completedFuture(o1.bytes())
                        : readTier(l2, l2Label, key).thenApply(o2 -> choose(key, o1, o2)));
      case RACE:
        return race(key);
      case PARALLEL:
        CompletableFuture<ReadOutcome> r1 = readTier(l1, l1Label, key);
        CompletableFuture<ReadOutcome> r2 = readTier(l2, l2Label, key);
        return r1.thenCombine(r2, (o1, o2) -> choose(key, o1, o2));
      default:
        throw new AssertionError(policy.read());
    }
  }

  private CompletableFuture<byte @Nullable []> race(CacheKey key) {
    CompletableFuture<ReadOutcome> r1 = readTier(l1, l1Label, key);
    CompletableFuture<ReadOutcome> r2 = readTier(l2, l2Label, key);
    CompletableFuture<byte @Nullable []> result = new CompletableFuture<>();
    r1.thenAccept(
        o -> {
          if (o.valid()) {
            result.complete(o.bytes());
          }
        });
    r2.thenAccept(
        o -> {
          if (o.valid()) {
            result.complete(o.bytes());
          }
        });
    // Decides (and refills) once both tiers answered; complete() is a no-op when a hit already
    // won.
    r1.thenAcceptBoth(
        r2,
        (o1, o2) -> {
          try {
            result.complete(choose(key, o1, o2));
          } catch (RuntimeException e) {
            result.completeExceptionally(e);
          }
        });
    return result;
  }

  /**
   * Picks what to answer from both tiers' outcomes, and refills L1 when the answer comes from L2:
   * an envelope over bytes that are not one (so a broken entry in one tier does not hide a good one
   * in the other), L1 over L2, and for {@link ReadPolicy#PARALLEL} the envelope with more remaining
   * freshness. Bytes that are no envelope are passed on as they are when neither tier has better,
   * so the composite stays a faithful byte store; they are never copied into L1.
   */
  private byte @Nullable [] choose(CacheKey key, ReadOutcome o1, ReadOutcome o2) {
    if (o1.failed() && o2.failed()) {
      throw new BackendException("every tier of " + name + " failed to read");
    }
    Envelope.Header h1 = o1.header();
    Envelope.Header h2 = o2.header();
    if (h1 != null && h2 != null) {
      return policy.read() == ReadPolicy.PARALLEL && fresher(h2, h1) ? fromL2(key, o2) : o1.bytes();
    }
    if (h1 != null) {
      if (o2.bytes() != null) {
        report(
            l2Label, "read", new BackendException(l2Label + " holds bytes that are no envelope"));
      }
      return o1.bytes();
    }
    if (h2 != null) {
      if (o1.bytes() != null) {
        report(
            l1Label, "read", new BackendException(l1Label + " holds bytes that are no envelope"));
      }
      return fromL2(key, o2);
    }
    return o1.bytes() != null ? o1.bytes() : o2.bytes();
  }

  private byte[] fromL2(CacheKey key, ReadOutcome o2) {
    byte[] bytes = requireNonNull(o2.bytes());
    Envelope.Header h = requireNonNull(o2.header());
    if (policy.refill() == RefillPolicy.ALWAYS) {
      // The entry's own absolute timestamps: it never outlives its expiry in L1.
      writeTier(l1, l1Label, key, BackendEntry.of(bytes, h.staleAt(), h.expireAt(), h.tags()));
    }
    return bytes;
  }

  /** Whether {@code a} has more remaining freshness than {@code b}. */
  private static boolean fresher(Envelope.Header a, Envelope.Header b) {
    if (a.staleAt() != b.staleAt()) {
      return a.staleAt() > b.staleAt();
    }
    return a.expireAt() > b.expireAt();
  }

  private CompletableFuture<ReadOutcome> readTier(Backend tier, String label, CacheKey key) {
    return bounded(label, "read", () -> tier.read(key))
        .handle(
            (bytes, error) -> {
              if (error != null) {
                report(label, "read", error);
                return ReadOutcome.FAILED;
              }
              return new ReadOutcome(bytes, false, bytes == null ? null : headerOrNull(bytes));
            });
  }

  private static Envelope.@Nullable Header headerOrNull(byte[] bytes) {
    try {
      return Envelope.header(bytes);
    } catch (RuntimeException e) {
      return null;
    }
  }

  // ---- write

  @Override
  public CompletionStage<Void> write(CacheKey key, BackendEntry entry) {
    requireNonNull(key, "key");
    requireNonNull(entry, "entry");
    switch (policy.write()) {
      case SEQUENTIAL:
        return writeTier(l1, l1Label, key, entry)
            .thenCompose(
                ok1 ->
                    writeTier(l2, l2Label, key, entry)
                        .thenApply(
                            ok2 -> {
                              if (!ok1 || !ok2) {
                                throw new BackendException(
                                    "sequential write to "
                                        + name
                                        + " failed in "
                                        + (ok1 ? l2Label : ok2 ? l1Label : "every tier"));
                              }
                              return null;
                            }));
      case OPTIMISTIC_PARALLEL:
        return writeTier(l1, l1Label, key, entry)
            .thenCombine(writeTier(l2, l2Label, key, entry), (ok1, ok2) -> anyWritten(ok1, ok2));
      case RACE:
        CompletableFuture<Boolean> w1 = writeTier(l1, l1Label, key, entry);
        CompletableFuture<Boolean> w2 = writeTier(l2, l2Label, key, entry);
        CompletableFuture<Void> result = new CompletableFuture<>();
        w1.thenAccept(ok -> completeIf(ok, result));
        w2.thenAccept(ok -> completeIf(ok, result));
        w1.thenAcceptBoth(
            w2,
            (ok1, ok2) -> {
              try {
                result.complete(anyWritten(ok1, ok2));
              } catch (RuntimeException e) {
                result.completeExceptionally(e);
              }
            });
        return result;
      default:
        throw new AssertionError(policy.write());
    }
  }

  private static void completeIf(boolean ok, CompletableFuture<Void> result) {
    if (ok) {
      result.complete(null);
    }
  }

  private @Nullable Void anyWritten(boolean ok1, boolean ok2) {
    if (!ok1 && !ok2) {
      throw new BackendException("every tier of " + name + " failed to write");
    }
    return null;
  }

  /** Writes one tier; the stage never fails and says whether the write succeeded. */
  private CompletableFuture<Boolean> writeTier(
      Backend tier, String label, CacheKey key, BackendEntry entry) {
    return bounded(label, "write", () -> tier.write(key, entry))
        .handle(
            (v, error) -> {
              if (error != null) {
                report(label, "write", error);
                return false;
              }
              return true;
            });
  }

  // ---- remove and invalidation

  @Override
  public CompletionStage<Boolean> remove(CacheKey key) {
    requireNonNull(key, "key");
    CompletableFuture<@Nullable Boolean> r1 = removeTier(l1, l1Label, key);
    CompletableFuture<@Nullable Boolean> r2 = removeTier(l2, l2Label, key);
    return r1.thenCombine(
        r2,
        (a, b) -> {
          if (a == null && b == null) {
            throw new BackendException("every tier of " + name + " failed to remove");
          }
          return Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b);
        });
  }

  /** Removes from one tier; {@code null} when the tier failed. */
  private CompletableFuture<@Nullable Boolean> removeTier(
      Backend tier, String label, CacheKey key) {
    return bounded(label, "remove", () -> tier.remove(key))
        .handle(
            (removed, error) -> {
              if (error != null) {
                report(label, "remove", error);
                return null;
              }
              return Boolean.TRUE.equals(removed);
            });
  }

  final CompletionStage<Long> invalidatePatternInTiers(String namespace, String pattern) {
    requireNonNull(namespace, "namespace");
    requireNonNull(pattern, "pattern");
    return sumOverTiers(
        "invalidate-pattern",
        PatternInvalidator.class,
        tier -> ((PatternInvalidator) tier).invalidatePattern(namespace, pattern));
  }

  final CompletionStage<Long> invalidateTagInTiers(String tag) {
    requireNonNull(tag, "tag");
    return sumOverTiers(
        "invalidate-tag", TagInvalidator.class, tier -> ((TagInvalidator) tier).invalidateTag(tag));
  }

  private interface TierCall {
    CompletionStage<Long> call(Backend tier);
  }

  /**
   * Runs an invalidation in every tier that has the ability. The count is the larger of the tiers'
   * counts: an entry written through both tiers is one entry, not two. (It is exact when one tier
   * holds every entry the other does, and otherwise an estimate, as the contract allows.)
   */
  private CompletionStage<Long> sumOverTiers(String operation, Class<?> ability, TierCall call) {
    List<CompletableFuture<@Nullable Long>> counts = new ArrayList<>(2);
    Backend[] tiers = {l1, l2};
    String[] labels = {l1Label, l2Label};
    for (int i = 0; i < 2; i++) {
      Backend tier = tiers[i];
      String label = labels[i];
      if (!ability.isInstance(tier)) {
        continue;
      }
      CompletableFuture<@Nullable Long> count =
          bounded(label, operation, () -> call.call(tier))
              .handle(
                  (n, error) -> {
                    if (error != null) {
                      report(label, operation, error);
                      return null;
                    }
                    return n;
                  });
      counts.add(count);
    }
    return CompletableFuture.allOf(counts.toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              long max = 0;
              boolean any = false;
              for (CompletableFuture<@Nullable Long> c : counts) {
                Long n = c.join();
                if (n != null) {
                  max = Math.max(max, n);
                  any = true;
                }
              }
              if (!any) {
                throw new BackendException("every tier of " + name + " failed to " + operation);
              }
              return max;
            });
  }

  // ---- shared

  /**
   * Calls a tier and bounds the call by the tier timeout. A tier that throws or returns a null
   * stage gives a failed stage; the tier's own future is never completed by us.
   */
  private <T> CompletableFuture<T> bounded(
      String label, String operation, Supplier<@Nullable CompletionStage<T>> call) {
    CompletionStage<T> stage;
    try {
      stage = call.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (stage == null) {
      return CompletableFuture.failedFuture(
          new BackendException(label + " returned a null stage from " + operation));
    }
    CompletableFuture<T> f = stage.toCompletableFuture();
    if (f.isDone()) {
      return f;
    }
    return f.copy()
        .orTimeout(tierTimeoutNanos, TimeUnit.NANOSECONDS)
        .exceptionallyCompose(
            e -> {
              Throwable cause = Futures.unwrap(e);
              if (cause instanceof TimeoutException) {
                return CompletableFuture.failedFuture(
                    new BackendException(
                        label + " did not answer within " + tierTimeout.toMillis() + " ms", cause));
              }
              return CompletableFuture.failedFuture(cause);
            });
  }

  private void report(String label, String operation, Throwable error) {
    Throwable cause = Futures.unwrap(error);
    Events.safely(() -> listener.onBackendError(label, operation, cause));
  }

  /** Builds a {@link CompositeBackend}; setters validate at once. Not thread-safe. */
  public static final class Builder {
    private final Backend l1;
    private final Backend l2;
    private CompositionPolicy policy = CompositionPolicy.defaults();
    private Duration tierTimeout = DEFAULT_TIER_TIMEOUT;
    private CacheListener listener = CacheListener.NONE;
    private @Nullable String name;

    private Builder(Backend l1, Backend l2) {
      this.l1 = l1;
      this.l2 = l2;
    }

    /** Sets the read, write and refill policies (default {@link CompositionPolicy#defaults()}). */
    public Builder policy(CompositionPolicy policy) {
      this.policy = requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets the bound of one call to one tier (default 50 ms).
     *
     * @throws ConfigurationException unless positive
     */
    public Builder tierTimeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new ConfigurationException("tier_timeout: " + timeout + " (expected: > 0)");
      }
      this.tierTimeout = timeout;
      return this;
    }

    /** Receives per-tier errors, labelled {@code l1:<name>} or {@code l2:<name>}. */
    public Builder listener(CacheListener listener) {
      this.listener = requireNonNull(listener, "listener");
      return this;
    }

    /** Sets the composite's name for metrics (default {@code <l1 name>+<l2 name>}). */
    public Builder name(String name) {
      requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new ConfigurationException("name: \"" + name + "\" (expected: not blank)");
      }
      this.name = name;
      return this;
    }

    /** Builds the composite, with pattern and tag invalidation when either tier has them. */
    public CompositeBackend build() {
      boolean pattern = l1 instanceof PatternInvalidator || l2 instanceof PatternInvalidator;
      boolean tag = l1 instanceof TagInvalidator || l2 instanceof TagInvalidator;
      if (pattern && tag) {
        return new Both(this);
      }
      if (pattern) {
        return new PatternOnly(this);
      }
      if (tag) {
        return new TagOnly(this);
      }
      return new Plain(this);
    }
  }

  private static final class Plain extends CompositeBackend {
    Plain(Builder b) {
      super(b);
    }
  }

  private static final class PatternOnly extends CompositeBackend implements PatternInvalidator {
    PatternOnly(Builder b) {
      super(b);
    }

    @Override
    public CompletionStage<Long> invalidatePattern(String namespace, String pattern) {
      return invalidatePatternInTiers(namespace, pattern);
    }
  }

  private static final class TagOnly extends CompositeBackend implements TagInvalidator {
    TagOnly(Builder b) {
      super(b);
    }

    @Override
    public CompletionStage<Long> invalidateTag(String tag) {
      return invalidateTagInTiers(tag);
    }
  }

  private static final class Both extends CompositeBackend
      implements PatternInvalidator, TagInvalidator {
    Both(Builder b) {
      super(b);
    }

    @Override
    public CompletionStage<Long> invalidatePattern(String namespace, String pattern) {
      return invalidatePatternInTiers(namespace, pattern);
    }

    @Override
    public CompletionStage<Long> invalidateTag(String tag) {
      return invalidateTagInTiers(tag);
    }
  }
}
