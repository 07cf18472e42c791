package dev.hitbox.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import dev.hitbox.core.CacheKey;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.core.spi.KeyPattern;
import dev.hitbox.core.spi.PatternInvalidator;
import dev.hitbox.core.spi.TagInvalidator;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/** The kit fails for backends with the flaws it exists to catch, and passes for a sound one. */
class BackendCompatibilityKitTest {

  @Test
  void soundBackendPassesEveryTest() {
    TestExecutionSummary summary = run(Flawed::new, selectClass(KitAgainst.class));

    assertThat(summary.getFailures()).isEmpty();
    assertThat(summary.getTestsFoundCount()).isGreaterThanOrEqualTo(21);
    assertThat(summary.getTestsSucceededCount()).isEqualTo(summary.getTestsFoundCount());
  }

  static Stream<Arguments> flaws() {
    return Stream.of(
        flaw(
            "forgets every write",
            t ->
                new Flawed(t) {
                  @Override
                  void store(CacheKey key, BackendEntry entry) {}
                },
            "readsWhatWasWritten",
            "removeDeletesOnce"),
        flaw(
            "answers every read with the last value written",
            t ->
                new Flawed(t) {
                  volatile byte @Nullable [] last;

                  @Override
                  void store(CacheKey key, BackendEntry entry) {
                    super.store(key, entry);
                    last = entry.bytes();
                  }

                  @Override
                  public CompletionStage<byte @Nullable []> read(CacheKey key) {
                    return CompletableFuture.completedFuture(
                        map.containsKey(storageKey(key)) ? last : null);
                  }
                },
            "concurrentWritersNeverLoseOrMixValues",
            "tenThousandKeysAreAllReadBack"),
        flaw(
            "never expires",
            t ->
                new Flawed(t) {
                  @Override
                  boolean expired(BackendEntry e) {
                    return false;
                  }
                },
            "entriesExpireAtTheirOwnTime",
            "staleEntriesAreKeptUntilExpireAt"),
        flaw(
            "expires at staleAt",
            t ->
                new Flawed(t) {
                  @Override
                  boolean expired(BackendEntry e) {
                    return e.staleAt() <= ticker.currentTimeMillis();
                  }
                },
            "staleEntriesAreKeptUntilExpireAt"),
        flaw(
            "overflows a far-future expireAt",
            t ->
                new Flawed(t) {
                  @Override
                  boolean expired(BackendEntry e) {
                    // a grace second added to both sides overflows for Long.MAX_VALUE
                    return e.expireAt() + 1_000 <= ticker.currentTimeMillis() + 1_000;
                  }
                },
            "farFutureExpiryIsKept"),
        flaw(
            "skips an already expired write, keeping the old value",
            t ->
                new Flawed(t) {
                  @Override
                  void store(CacheKey key, BackendEntry entry) {
                    if (!expired(entry)) {
                      super.store(key, entry);
                    }
                  }
                },
            "writeOfExpiredEntryLeavesNothing"),
        flaw(
            "says every remove removed something",
            t ->
                new Flawed(t) {
                  @Override
                  public CompletionStage<Boolean> remove(CacheKey key) {
                    super.remove(key);
                    return CompletableFuture.completedFuture(true);
                  }
                },
            "removeDeletesOnce"),
        flaw(
            "keeps only the first 64 KiB of a value",
            t ->
                new Flawed(t) {
                  @Override
                  void store(CacheKey key, BackendEntry entry) {
                    byte[] b = entry.bytes();
                    super.store(
                        key,
                        BackendEntry.of(
                            Arrays.copyOf(b, Math.min(b.length, 65_536)),
                            entry.staleAt(),
                            entry.expireAt(),
                            entry.tags()));
                  }
                },
            "largeValuesSurviveIntact"),
        flaw(
            "stores values as UTF-8 text",
            t ->
                new Flawed(t) {
                  @Override
                  void store(CacheKey key, BackendEntry entry) {
                    byte[] text =
                        new String(entry.bytes(), StandardCharsets.UTF_8)
                            .getBytes(StandardCharsets.UTF_8);
                    super.store(
                        key,
                        BackendEntry.of(text, entry.staleAt(), entry.expireAt(), entry.tags()));
                  }
                },
            "everyByteValueSurvives"),
        flaw(
            "holds at most 5,000 entries",
            t ->
                new Flawed(t) {
                  @Override
                  void store(CacheKey key, BackendEntry entry) {
                    if (map.size() < 5_000 || map.containsKey(storageKey(key))) {
                      super.store(key, entry);
                    }
                  }
                },
            "tenThousandKeysAreAllReadBack"),
        flaw(
            "cuts keys to 250 characters",
            t ->
                new Flawed(t) {
                  @Override
                  Object storageKey(CacheKey key) {
                    String s = key.toString();
                    return s.substring(0, Math.min(s.length(), 250));
                  }
                },
            "awkwardKeysAreDistinctAndReadable"),
        flaw(
            "stores by key text, ignoring namespace and version",
            t ->
                new Flawed(t) {
                  @Override
                  Object storageKey(CacheKey key) {
                    return key.text();
                  }
                },
            "keysDifferingInNamespaceVersionOrPartsNeverCollide",
            "readOfAbsentKeyIsMiss"),
        flaw(
            "stores by the Latin-1 bytes of key.toString(), losing other characters",
            t ->
                new Flawed(t) {
                  @Override
                  Object storageKey(CacheKey key) {
                    return new String(
                        key.toString().getBytes(StandardCharsets.ISO_8859_1),
                        StandardCharsets.ISO_8859_1);
                  }
                },
            "keysThatLookAlikeAsTextStillNeverCollide"),
        flaw(
            "invalidates patterns in every namespace",
            t ->
                new Flawed(t) {
                  @Override
                  boolean inNamespace(CacheKey key, String namespace) {
                    return true;
                  }
                },
            "patternInvalidationRemovesOnlyMatchingKeysOfTheNamespace"),
        flaw(
            "ignores escapes in patterns",
            t ->
                new Flawed(t) {
                  @Override
                  boolean matches(String pattern, CacheKey key) {
                    return super.matches(pattern.replace("\\", ""), key);
                  }
                },
            "patternInvalidationFollowsGlobRules"),
        flaw(
            "keeps a key's tags after it is overwritten or removed",
            t ->
                new Flawed(t) {
                  final Map<String, Set<Object>> index = new ConcurrentHashMap<>();

                  @Override
                  void store(CacheKey key, BackendEntry entry) {
                    super.store(key, entry);
                    for (String tag : entry.tags()) {
                      index
                          .computeIfAbsent(tag, x -> ConcurrentHashMap.newKeySet())
                          .add(storageKey(key));
                    }
                  }

                  @Override
                  public CompletionStage<Long> invalidateTag(String tag) {
                    long n = 0;
                    for (Object k : index.getOrDefault(tag, Set.of())) {
                      n += map.remove(k) != null ? 1 : 0;
                    }
                    return CompletableFuture.completedFuture(n);
                  }
                },
            "tagInvalidationRemovesExactlyTheTaggedEntries"));
  }

  @ParameterizedTest(name = "a backend that {0}")
  @MethodSource("flaws")
  void kitFailsFlawedBackend(
      String flaw, Function<FakeTicker, Backend> backend, List<String> failingTests) {
    DiscoverySelector[] selectors =
        failingTests.stream()
            .map(m -> selectMethod(KitAgainst.class, m))
            .toArray(DiscoverySelector[]::new);

    TestExecutionSummary summary = run(backend, selectors);

    assertThat(summary.getTestsFoundCount()).isEqualTo(failingTests.size());
    assertThat(summary.getFailures())
        .as("failures of %s", failingTests)
        .hasSize(failingTests.size())
        .allSatisfy(f -> assertThat(f.getException()).isInstanceOf(AssertionError.class));
  }

  private static Arguments flaw(
      String flaw, Function<FakeTicker, Backend> backend, String... failingTests) {
    return Arguments.of(flaw, backend, List.of(failingTests));
  }

  private static TestExecutionSummary run(
      Function<FakeTicker, Backend> backend, DiscoverySelector... selectors) {
    KitAgainst.backend = backend;
    try {
      Launcher launcher = LauncherFactory.create();
      SummaryGeneratingListener listener = new SummaryGeneratingListener();
      launcher.execute(
          LauncherDiscoveryRequestBuilder.request().selectors(selectors).build(), listener);
      return listener.getSummary();
    } finally {
      KitAgainst.backend = null;
    }
  }

  /** The kit against the backend the running case installs; not run on its own. */
  static class KitAgainst extends BackendCompatibilityKit {
    static volatile @Nullable Function<FakeTicker, Backend> backend;

    @Override
    protected Backend createBackend(FakeTicker ticker) {
      Function<FakeTicker, Backend> b = backend;
      if (b == null) {
        throw new IllegalStateException("run only from BackendCompatibilityKitTest");
      }
      return b.apply(ticker);
    }

    @Override
    protected boolean supportsFakeTime() {
      return true;
    }
  }

  /** A sound map-backed backend whose steps the flaws above override one at a time. */
  static class Flawed implements Backend, PatternInvalidator, TagInvalidator {
    private record Stored(CacheKey key, BackendEntry entry) {}

    final Map<Object, Stored> map = new ConcurrentHashMap<>();
    final FakeTicker ticker;

    Flawed(FakeTicker ticker) {
      this.ticker = ticker;
    }

    Object storageKey(CacheKey key) {
      return key;
    }

    boolean expired(BackendEntry e) {
      return e.expireAt() <= ticker.currentTimeMillis();
    }

    void store(CacheKey key, BackendEntry entry) {
      map.put(storageKey(key), new Stored(key, entry));
    }

    boolean inNamespace(CacheKey key, String namespace) {
      return key.namespace().equals(namespace);
    }

    boolean matches(String pattern, CacheKey key) {
      return KeyPattern.matches(pattern, key.text());
    }

    @Override
    public CompletionStage<byte @Nullable []> read(CacheKey key) {
      Stored s = map.get(storageKey(key));
      return CompletableFuture.completedFuture(
          s == null || expired(s.entry()) ? null : s.entry().bytes());
    }

    @Override
    public CompletionStage<Void> write(CacheKey key, BackendEntry entry) {
      store(key, entry);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Boolean> remove(CacheKey key) {
      Stored s = map.remove(storageKey(key));
      return CompletableFuture.completedFuture(s != null && !expired(s.entry()));
    }

    @Override
    public CompletionStage<Long> invalidatePattern(String namespace, String pattern) {
      long n = 0;
      for (Map.Entry<Object, Stored> e : map.entrySet()) {
        CacheKey k = e.getValue().key();
        if (inNamespace(k, namespace) && matches(pattern, k) && map.remove(e.getKey()) != null) {
          n++;
        }
      }
      return CompletableFuture.completedFuture(n);
    }

    @Override
    public CompletionStage<Long> invalidateTag(String tag) {
      long n = 0;
      for (Map.Entry<Object, Stored> e : map.entrySet()) {
        if (e.getValue().entry().tags().contains(tag) && map.remove(e.getKey()) != null) {
          n++;
        }
      }
      return CompletableFuture.completedFuture(n);
    }
  }
}
