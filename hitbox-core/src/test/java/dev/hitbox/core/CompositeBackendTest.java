package dev.hitbox.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hitbox.core.TierBackend.Mode;
import dev.hitbox.core.internal.Envelope;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.core.spi.Compressor;
import dev.hitbox.core.spi.PatternInvalidator;
import dev.hitbox.core.spi.TagInvalidator;
import dev.hitbox.core.spi.ValueCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CompositeBackendTest {
  private static final Duration TIER_TIMEOUT = Duration.ofMillis(20);

  private final ManualTicker ticker = new ManualTicker();
  private final TierBackend l1 = new TierBackend("one", ticker::currentTimeMillis);
  private final TierBackend l2 = new TierBackend("two", ticker::currentTimeMillis);
  private final EventLog log = new EventLog();
  private final CacheKey key = CacheKey.of("users", "user:42");

  /** An envelope fresh for {@code freshSeconds}, then stale for as long again. */
  private BackendEntry entry(String value, int freshSeconds) {
    long now = ticker.currentTimeMillis();
    CacheValue<String> v =
        CacheValue.of(
            value, now, now + freshSeconds * 1000L, now + freshSeconds * 2000L, Set.of("user:42"));
    byte[] bytes = Envelope.encode(v, ValueCodec.utf8(), Compressor.none(), 512);
    return BackendEntry.of(bytes, v.staleAt(), v.expireAt(), v.tags());
  }

  private CompositeBackend composite(Backend a, Backend b, CompositionPolicy policy) {
    return CompositeBackend.builder(a, b)
        .policy(policy)
        .tierTimeout(TIER_TIMEOUT)
        .listener(log)
        .build();
  }

  private static <T> T join(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }

  static Stream<Arguments> everyCombination() {
    List<Mode[]> tiers =
        List.of(
            new Mode[] {Mode.WORKING, Mode.WORKING},
            new Mode[] {Mode.FAILING, Mode.WORKING},
            new Mode[] {Mode.WORKING, Mode.FAILING},
            new Mode[] {Mode.SLOW, Mode.WORKING},
            new Mode[] {Mode.WORKING, Mode.SLOW});
    List<Arguments> out = new ArrayList<>();
    for (ReadPolicy read : ReadPolicy.values()) {
      for (WritePolicy write : WritePolicy.values()) {
        for (RefillPolicy refill : RefillPolicy.values()) {
          for (Mode[] modes : tiers) {
            out.add(Arguments.of(read, write, refill, modes[0], modes[1]));
          }
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "read={0} write={1} refill={2} l1={3} l2={4}")
  @MethodSource("everyCombination")
  void everyCombinationServesWhatAWorkingTierHoldsAndNothingOutlivesItsExpiry(
      ReadPolicy read, WritePolicy write, RefillPolicy refill, Mode mode1, Mode mode2) {
    l1.mode(mode1);
    l2.mode(mode2);
    CompositeBackend tiers = composite(l1, l2, CompositionPolicy.of(read, write, refill));
    boolean bothWork = mode1 == Mode.WORKING && mode2 == Mode.WORKING;

    // 1. Write: every working tier holds the entry with its own expiry.
    BackendEntry written = entry("Ada", 10);
    CompletableFuture<Void> w = tiers.write(key, written).toCompletableFuture();
    if (write == WritePolicy.SEQUENTIAL && !bothWork) {
      assertThatThrownBy(w::join).hasCauseInstanceOf(BackendException.class);
    } else {
      w.join();
    }
    for (TierBackend tier : List.of(l1, l2)) {
      if (tier == l1 ? mode1 == Mode.WORKING : mode2 == Mode.WORKING) {
        assertThat(tier.entry(key)).isNotNull();
        assertThat(tier.entry(key).expireAt()).isEqualTo(written.expireAt());
      } else {
        assertThat(tier.entry(key)).isNull();
      }
    }

    // 2. Read: the entry comes back whichever tier is down.
    assertThat(join(tiers.read(key))).isEqualTo(written.bytes());

    // 3. An entry only L2 holds: served when L2 works, copied to L1 only with refill Always,
    // with L2's own timestamps.
    CacheKey onlyInL2 = CacheKey.of("users", "user:7");
    BackendEntry deeper = entry("Grace", 5);
    l2.put(onlyInL2, deeper);
    byte[] got = join(tiers.read(onlyInL2));
    if (mode2 == Mode.WORKING) {
      assertThat(got).isEqualTo(deeper.bytes());
    } else {
      assertThat(got).isNull();
    }
    boolean refilled = refill == RefillPolicy.ALWAYS && bothWork;
    if (refilled) {
      await().until(() -> l1.entry(onlyInL2) != null);
      BackendEntry copy = l1.entry(onlyInL2);
      assertThat(copy.staleAt()).isEqualTo(deeper.staleAt());
      assertThat(copy.expireAt()).isEqualTo(deeper.expireAt());
      assertThat(copy.tags()).isEqualTo(deeper.tags());
    } else {
      assertThat(l1.entry(onlyInL2)).isNull();
    }

    // 4. A failing or slow tier is named in the errors.
    if (mode1 != Mode.WORKING) {
      await().until(() -> log.events().contains("backend-error l1:one read"));
      assertThat(log.events()).contains("backend-error l1:one write");
    }
    if (mode2 != Mode.WORKING) {
      await().until(() -> log.events().contains("backend-error l2:two read"));
      assertThat(log.events()).contains("backend-error l2:two write");
    }

    // 5. Past expiry, no tier serves anything.
    ticker.advance(Duration.ofSeconds(20));
    l1.mode(Mode.WORKING);
    l2.mode(Mode.WORKING);
    assertThat(join(tiers.read(key))).isNull();
    assertThat(join(tiers.read(onlyInL2))).isNull();
    for (TierBackend tier : List.of(l1, l2)) {
      assertThat(tier.entry(key)).isNull();
      assertThat(tier.entry(onlyInL2)).isNull();
    }
  }

  @Test
  void aThreeLevelNestRefillsEveryTierWithTheOriginalExpiry() {
    TierBackend l3 = new TierBackend("three", ticker::currentTimeMillis);
    CompositionPolicy refill = CompositionPolicy.builder().refill(RefillPolicy.ALWAYS).build();
    CompositeBackend tiers = l1.compose(l2.compose(l3, refill), refill);
    BackendEntry deepest = entry("Ada", 10);
    l3.put(key, deepest);

    assertThat(join(tiers.read(key))).isEqualTo(deepest.bytes());

    for (TierBackend tier : List.of(l1, l2, l3)) {
      assertThat(tier.entry(key)).isNotNull();
      assertThat(tier.entry(key).expireAt()).isEqualTo(deepest.expireAt());
    }
    assertThat(tiers.name()).isEqualTo("one+two+three");

    ticker.advance(Duration.ofSeconds(20));

    assertThat(join(tiers.read(key))).isNull();
    for (TierBackend tier : List.of(l1, l2, l3)) {
      assertThat(tier.entry(key)).isNull();
    }
  }

  @Test
  void aThreeLevelNestWritesEveryTierAndSurvivesTheMiddleOneFailing() {
    TierBackend l3 = new TierBackend("three", ticker::currentTimeMillis);
    CompositeBackend tiers = l1.compose(l2.compose(l3));
    l2.mode(Mode.FAILING);
    BackendEntry written = entry("Ada", 10);

    join(tiers.write(key, written));
    l1.mode(Mode.FAILING);

    assertThat(join(tiers.read(key))).isEqualTo(written.bytes());
    assertThat(l3.entry(key).expireAt()).isEqualTo(written.expireAt());
  }

  @Test
  void parallelPrefersTheEntryWithMoreRemainingFreshnessAndRefillsIt() {
    BackendEntry older = entry("old", 5);
    BackendEntry fresher = entry("new", 50);
    l1.put(key, older);
    l2.put(key, fresher);

    CompositeBackend parallel =
        composite(
            l1,
            l2,
            CompositionPolicy.of(ReadPolicy.PARALLEL, WritePolicy.RACE, RefillPolicy.ALWAYS));

    assertThat(join(parallel.read(key))).isEqualTo(fresher.bytes());
    assertThat(l1.entry(key).expireAt()).isEqualTo(fresher.expireAt());
  }

  @Test
  void parallelPrefersL1OnATieAndSequentialStopsAtL1() {
    BackendEntry a = entry("a", 5);
    BackendEntry b = entry("b", 5);
    l1.put(key, a);
    l2.put(key, b);

    assertThat(
            join(
                composite(
                        l1,
                        l2,
                        CompositionPolicy.of(
                            ReadPolicy.PARALLEL, WritePolicy.RACE, RefillPolicy.NEVER))
                    .read(key)))
        .isEqualTo(a.bytes());
    assertThat(join(l1.compose(l2, CompositionPolicy.defaults()).read(key))).isEqualTo(a.bytes());
  }

  @Test
  void raceAnswersWithTheFirstHitWithoutWaitingForASlowTier() {
    l1.mode(Mode.SLOW);
    BackendEntry e = entry("Ada", 10);
    l2.put(key, e);
    CompositionPolicy race = CompositionPolicy.builder().read(ReadPolicy.RACE).build();
    CompositeBackend slowBound =
        CompositeBackend.builder(l1, l2).policy(race).tierTimeout(Duration.ofMinutes(5)).build();

    CompletableFuture<byte @Nullable []> read = slowBound.read(key).toCompletableFuture();

    assertThat(read).isCompletedWithValue(e.bytes());
  }

  @Test
  void sequentialWaitsForASlowL1OnlyUntilTheTierTimeout() {
    l1.mode(Mode.SLOW);
    BackendEntry e = entry("Ada", 10);
    l2.put(key, e);

    CompletableFuture<byte @Nullable []> read =
        composite(l1, l2, CompositionPolicy.defaults()).read(key).toCompletableFuture();

    assertThat(read).isNotDone();
    assertThat(read.join()).isEqualTo(e.bytes());
    assertThat(log.events()).contains("backend-error l1:one read");
  }

  @Test
  void raceWriteCompletesAtTheFirstSuccess() {
    l2.mode(Mode.SLOW);
    CompositionPolicy race = CompositionPolicy.builder().write(WritePolicy.RACE).build();
    CompositionPolicy optimistic = CompositionPolicy.defaults();
    BackendEntry e = entry("Ada", 10);

    CompletableFuture<Void> raced = composite(l1, l2, race).write(key, e).toCompletableFuture();
    CompletableFuture<Void> waited =
        composite(l1, l2, optimistic).write(key, e).toCompletableFuture();

    assertThat(raced).isDone();
    assertThat(waited).isNotDone();
    waited.join();
    assertThat(l1.entry(key)).isNotNull();
  }

  @Test
  void whenEveryTierFailsTheCompositeFails() {
    l1.mode(Mode.FAILING);
    l2.mode(Mode.FAILING);
    for (ReadPolicy read : ReadPolicy.values()) {
      for (WritePolicy write : WritePolicy.values()) {
        CompositeBackend tiers =
            composite(l1, l2, CompositionPolicy.of(read, write, RefillPolicy.ALWAYS));
        assertThatThrownBy(() -> join(tiers.read(key)))
            .isInstanceOf(CompletionException.class)
            .hasCauseInstanceOf(BackendException.class);
        assertThatThrownBy(() -> join(tiers.write(key, entry("Ada", 1))))
            .hasCauseInstanceOf(BackendException.class);
        assertThatThrownBy(() -> join(tiers.remove(key)))
            .hasCauseInstanceOf(BackendException.class);
      }
    }
  }

  @Test
  void aTierThatThrowsOrReturnsNullIsAFailingTier() {
    Backend throwing =
        new Backend() {
          @Override
          public CompletionStage<byte @Nullable []> read(CacheKey k) {
            throw new IllegalStateException("boom");
          }

          @Override
          public CompletionStage<Void> write(CacheKey k, BackendEntry entry) {
            return null;
          }

          @Override
          public CompletionStage<Boolean> remove(CacheKey k) {
            throw new IllegalStateException("boom");
          }

          @Override
          public String name() {
            return "broken";
          }
        };
    BackendEntry e = entry("Ada", 10);
    CompositeBackend tiers = composite(throwing, l2, CompositionPolicy.defaults());

    join(tiers.write(key, e));

    assertThat(join(tiers.read(key))).isEqualTo(e.bytes());
    assertThat(join(tiers.remove(key))).isTrue();
    assertThat(log.events())
        .contains(
            "backend-error l1:broken write",
            "backend-error l1:broken read",
            "backend-error l1:broken remove");
  }

  @Test
  void anEnvelopeWinsOverBrokenBytesWhichAreNeverCopied() {
    byte[] junk = {1, 2, 3};
    long later = ticker.currentTimeMillis() + 1000;
    BackendEntry good = entry("Ada", 10);
    CacheKey junkOnly = CacheKey.of("users", "user:7");
    l2.put(junkOnly, BackendEntry.of(junk, later, later, Set.of()));

    for (ReadPolicy read : ReadPolicy.values()) {
      l1.put(key, BackendEntry.of(junk, later, later, Set.of()));
      l2.put(key, good);
      CompositeBackend tiers =
          composite(l1, l2, CompositionPolicy.of(read, WritePolicy.RACE, RefillPolicy.ALWAYS));

      assertThat(join(tiers.read(key))).as(read.configName()).isEqualTo(good.bytes());
      // With nothing better anywhere, bytes pass through as they are (the engine counts them as
      // a decode error), but they are not copied into L1.
      assertThat(join(tiers.read(junkOnly))).as(read.configName()).isEqualTo(junk);
      assertThat(l1.entry(junkOnly)).isNull();
    }
    assertThat(log.events()).contains("backend-error l1:one read");
  }

  @Test
  void removeRemovesFromEveryTier() {
    l1.put(key, entry("a", 10));
    l2.put(key, entry("b", 10));

    assertThat(join(l1.compose(l2).remove(key))).isTrue();

    assertThat(l1.entry(key)).isNull();
    assertThat(l2.entry(key)).isNull();
    assertThat(join(l1.compose(l2).remove(key))).isFalse();
  }

  @Test
  void invalidationReachesEveryTierThatCanInvalidate() {
    l1.put(key, entry("a", 10));
    l2.put(key, entry("b", 10));
    l2.put(CacheKey.of("users", "user:43"), entry("c", 10));
    CompositeBackend tiers = l1.compose(l2);

    assertThat(tiers).isInstanceOf(PatternInvalidator.class).isInstanceOf(TagInvalidator.class);
    // L1 held one of the two entries, L2 both: two entries are gone, not three.
    assertThat(join(((PatternInvalidator) tiers).invalidatePattern("users", "user:4*")))
        .isEqualTo(2);
    assertThat(l1.entry(key)).isNull();
    assertThat(l2.entry(key)).isNull();

    l1.put(key, entry("a", 10));
    l2.put(key, entry("b", 10));
    assertThat(join(((TagInvalidator) tiers).invalidateTag("user:42"))).isEqualTo(1);
    assertThat(l1.entry(key)).isNull();
    assertThat(l2.entry(key)).isNull();
  }

  @Test
  void theCompositeHasAnAbilityOnlyWhenATierHasIt() {
    Backend plain = new PlainBackend();
    assertThat(plain.compose(new PlainBackend()))
        .isNotInstanceOf(PatternInvalidator.class)
        .isNotInstanceOf(TagInvalidator.class);

    CompositeBackend mixed = plain.compose(l2);
    l2.put(key, entry("b", 10));

    assertThat(mixed).isInstanceOf(PatternInvalidator.class).isInstanceOf(TagInvalidator.class);
    assertThat(join(((TagInvalidator) mixed).invalidateTag("user:42"))).isEqualTo(1);
  }

  @Test
  void composeUsesTheDefaults() {
    CompositeBackend tiers = l1.compose(l2);

    assertThat(tiers.policy().read()).isEqualTo(ReadPolicy.SEQUENTIAL);
    assertThat(tiers.policy().write()).isEqualTo(WritePolicy.OPTIMISTIC_PARALLEL);
    assertThat(tiers.policy().refill()).isEqualTo(RefillPolicy.NEVER);
    assertThat(tiers.tierTimeout()).isEqualTo(Duration.ofMillis(50));
    assertThat(tiers.l1()).isSameAs(l1);
    assertThat(tiers.l2()).isSameAs(l2);
  }

  @Test
  void badSettingsAreConfigurationErrors() {
    assertThatThrownBy(() -> CompositeBackend.builder(l1, l2).tierTimeout(Duration.ZERO))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("tier_timeout: PT0S (expected: > 0)");
    assertThatThrownBy(() -> ReadPolicy.byName("Random"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("read policy: Random (expected one of: Sequential, Race, Parallel)");
    assertThat(WritePolicy.byName("OptimisticParallel")).isEqualTo(WritePolicy.OPTIMISTIC_PARALLEL);
    assertThat(RefillPolicy.byName("Always")).isEqualTo(RefillPolicy.ALWAYS);
  }

  /** A backend with no optional abilities. */
  private static final class PlainBackend implements Backend {
    @Override
    public CompletionStage<byte @Nullable []> read(CacheKey k) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> write(CacheKey k, BackendEntry entry) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Boolean> remove(CacheKey k) {
      return CompletableFuture.completedFuture(false);
    }
  }
}
