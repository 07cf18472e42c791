package dev.hitbox.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CacheResult;
import dev.hitbox.core.CacheStatus;
import dev.hitbox.core.CacheValue;
import dev.hitbox.core.HitboxCache;
import dev.hitbox.core.spi.Admission;
import dev.hitbox.core.spi.ConcurrencyManager;
import dev.hitbox.core.spi.ValueCodec;
import dev.hitbox.core.spi.WaitOutcome;
import dev.hitbox.testkit.FakeBackend;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A waiter told {@link WaitOutcome#stored()} reads the cache again instead of going upstream. */
class StoredOutcomeTest {
  private final FakeBackend backend = new FakeBackend();
  private final ScriptedManager manager = new ScriptedManager();
  private final AtomicInteger loads = new AtomicInteger();
  private final HitboxCache<String> cache =
      HitboxCache.builder("users", ValueCodec.utf8())
          .backend(backend)
          .concurrencyManager(manager)
          .build();
  private final HitboxCache<String> otherProcess =
      HitboxCache.builder("users", ValueCodec.utf8()).backend(backend).build();

  private CompletableFuture<CacheResult<String>> get() {
    return cache.getWithStatus(
        "k",
        k -> {
          loads.incrementAndGet();
          return CompletableFuture.completedFuture("loaded here");
        });
  }

  @Test
  void storedValueIsReadFromTheBackendAsAHit() throws Exception {
    CompletableFuture<CacheResult<String>> waiting = get();
    assertThat(waiting).isNotDone();

    otherProcess.put("k", "stored elsewhere").get(5, TimeUnit.SECONDS);
    manager.outcome.complete(WaitOutcome.stored());

    CacheResult<String> r = waiting.get(5, TimeUnit.SECONDS);
    assertThat(r.value()).isEqualTo("stored elsewhere");
    assertThat(r.status()).isEqualTo(CacheStatus.HIT);
    assertThat(loads).hasValue(0);
    assertThat(manager.admits).hasValue(1);
  }

  @Test
  void nothingStoredMeansCompetingAgainAndLeading() throws Exception {
    CompletableFuture<CacheResult<String>> waiting = get();
    manager.outcome.complete(WaitOutcome.stored()); // the leader elsewhere died

    CacheResult<String> r = waiting.get(5, TimeUnit.SECONDS);
    assertThat(r.value()).isEqualTo("loaded here");
    assertThat(r.status()).isEqualTo(CacheStatus.MISS);
    assertThat(loads).hasValue(1);
    assertThat(manager.admits).hasValue(2);
  }

  /** Makes the first caller wait on {@link #outcome}; later callers meet an empty local manager. */
  private static final class ScriptedManager implements ConcurrencyManager {
    final CompletableFuture<WaitOutcome<?>> outcome = new CompletableFuture<>();
    final AtomicInteger admits = new AtomicInteger();
    final ConcurrencyManager local = ConcurrencyManager.local();

    @Override
    public <V> CompletionStage<Admission<V>> admit(CacheKey key, int concurrency) {
      if (admits.incrementAndGet() > 1) {
        return local.admit(key, concurrency);
      }
      Admission<V> waiter =
          new Admission<>() {
            @Override
            public boolean leader() {
              return false;
            }

            @Override
            @SuppressWarnings("unchecked")
            public CompletionStage<WaitOutcome<V>> outcome() {
              return outcome.thenApply(o -> (WaitOutcome<V>) o);
            }

            @Override
            public void succeed(CacheValue<V> value, CompletionStage<?> written) {}

            @Override
            public void fail() {}

            @Override
            public void notShareable() {}
          };
      return CompletableFuture.completedFuture(waiter);
    }
  }
}
