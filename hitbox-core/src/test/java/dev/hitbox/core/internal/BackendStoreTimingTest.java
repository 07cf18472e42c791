package dev.hitbox.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CacheListener;
import dev.hitbox.core.CacheValue;
import dev.hitbox.core.Ticker;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.core.spi.Compressor;
import dev.hitbox.core.spi.ValueCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Backend calls are timed for listeners that want the durations, and only for them. */
class BackendStoreTimingTest {
  private static final CacheKey KEY = CacheKey.of("users", "user:42");
  private static final CacheValue<String> VALUE =
      CacheValue.of("Ada", 1_000, 2_000, 3_000, Set.of());

  @Test
  void listenerThatWantsDurationsGetsThem() {
    List<String> events = new ArrayList<>();
    CacheListener listener =
        new CacheListener() {
          @Override
          public void onBackendRead(String backend, long durationNanos, int bytes) {
            events.add("read " + durationNanos + " " + (bytes > 0));
          }

          @Override
          public void onBackendWrite(String backend, long durationNanos, int bytes) {
            events.add("write " + durationNanos + " " + (bytes > 0));
          }
        };
    BackendStore<String> store = store(listener, new StepTicker());

    store.write(KEY, VALUE).toCompletableFuture().join();
    CacheValue<String> hit = store.read(KEY).toCompletableFuture().join();
    CacheValue<String> miss =
        store.read(CacheKey.of("users", "user:7")).toCompletableFuture().join();

    assertThat(hit).isNotNull();
    assertThat(hit.value()).isEqualTo("Ada");
    assertThat(miss).isNull();
    assertThat(events).containsExactly("write 10 true", "read 10 true", "read 10 false");
  }

  @Test
  void noneReadsNoClock() {
    StepTicker ticker = new StepTicker();
    BackendStore<String> store = store(CacheListener.NONE, ticker);

    store.write(KEY, VALUE).toCompletableFuture().join();
    CacheValue<String> hit = store.read(KEY).toCompletableFuture().join();

    assertThat(hit).isNotNull();
    assertThat(hit.value()).isEqualTo("Ada");
    assertThat(ticker.nanoTimeReads.get()).isZero();
  }

  @Test
  void overridesSeesOnlyRealOverrides() {
    CacheListener empty = new CacheListener() {};
    CacheListener reads =
        new CacheListener() {
          @Override
          public void onBackendRead(String backend, long durationNanos, int bytes) {}
        };

    assertThat(overridesRead(CacheListener.NONE)).isFalse();
    assertThat(overridesRead(empty)).isFalse();
    assertThat(overridesRead(reads)).isTrue();
  }

  private static boolean overridesRead(CacheListener listener) {
    return BackendStore.overrides(listener, "onBackendRead", String.class, long.class, int.class);
  }

  private static BackendStore<String> store(CacheListener listener, Ticker ticker) {
    return new BackendStore<>(
        new MapBackend(), ValueCodec.utf8(), Compressor.none(), 512, 1_000_000, listener, ticker);
  }

  /** A ticker whose nanosecond clock advances by 10 at every read. */
  private static final class StepTicker implements Ticker {
    final AtomicInteger nanoTimeReads = new AtomicInteger();

    @Override
    public long nanoTime() {
      return nanoTimeReads.incrementAndGet() * 10L;
    }

    @Override
    public long currentTimeMillis() {
      return 1_500;
    }
  }

  /** Envelopes in a map; every call completes at once. */
  private static final class MapBackend implements Backend {
    private final Map<CacheKey, byte[]> entries = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<byte @Nullable []> read(CacheKey key) {
      return CompletableFuture.completedFuture(entries.get(key));
    }

    @Override
    public CompletionStage<Void> write(CacheKey key, BackendEntry entry) {
      entries.put(key, entry.bytes());
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Boolean> remove(CacheKey key) {
      return CompletableFuture.completedFuture(entries.remove(key) != null);
    }
  }
}
