package dev.hitbox.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CacheListener;
import dev.hitbox.core.CacheValue;
import dev.hitbox.core.Ticker;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.core.spi.Compressor;
import dev.hitbox.core.spi.InProcessBackend;
import dev.hitbox.core.spi.ValueCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Reads of an {@link InProcessBackend}: at once, with the decoded value kept only when shared. */
class InProcessReadTest {
  private static final CacheKey KEY = CacheKey.of("blobs", "k");
  private static final CacheValue<byte[]> VALUE =
      CacheValue.of("Ada".getBytes(StandardCharsets.UTF_8), 1_000, 2_000, 3_000, Set.of("t"));

  private final EntryMap backend = new EntryMap();
  private final List<String> events = Collections.synchronizedList(new ArrayList<>());
  private final CacheListener listener =
      new CacheListener() {
        @Override
        public void onBackendRead(String name, long durationNanos, int bytes) {
          events.add("read " + bytes);
        }

        @Override
        public void onBackendError(String name, String operation, Throwable error) {
          events.add(operation + " error " + error.getMessage());
        }

        @Override
        public void onDecodeError(String name, CacheKey key, Throwable error) {
          events.add("decode error");
        }
      };

  private BackendStore<byte[]> store(boolean share) {
    return new BackendStore<>(
        backend,
        ValueCodec.bytes(),
        Compressor.none(),
        512,
        1_000_000,
        listener,
        Ticker.systemTicker(),
        share);
  }

  @Test
  void sharedReadsKeepTheDecodedValueOnTheEntry() {
    BackendStore<byte[]> store = store(true);
    store.write(KEY, VALUE).toCompletableFuture().join();

    CacheValue<byte[]> first = store.readNow(KEY);
    CacheValue<byte[]> second = store.read(KEY).toCompletableFuture().join();

    assertThat(store.inProcess()).isTrue();
    assertThat(first).isNotNull();
    assertThat(first.value()).isEqualTo(VALUE.value());
    assertThat(first.tags()).containsExactly("t");
    assertThat(second).isSameAs(first);
    assertThat(backend.entries.get(KEY).memo()).isNotNull();
    int size = backend.entries.get(KEY).bytes().length;
    assertThat(events).containsExactly("read " + size, "read " + size);
  }

  @Test
  void unsharedReadsDecodeEveryTimeAndKeepNothing() {
    BackendStore<byte[]> store = store(false);
    store.write(KEY, VALUE).toCompletableFuture().join();

    CacheValue<byte[]> first = store.readNow(KEY);
    CacheValue<byte[]> second = store.readNow(KEY);

    assertThat(first).isNotNull();
    assertThat(second).isNotNull().isNotSameAs(first);
    assertThat(second.value()).isNotSameAs(first.value()).isEqualTo(first.value());
    assertThat(backend.entries.get(KEY).memo()).isNull();
  }

  @Test
  void failuresAndGarbageAreMissesReportedOnEveryRead() {
    BackendStore<byte[]> store = store(true);
    backend.entries.put(KEY, BackendEntry.of(new byte[] {1, 2, 3}, 0, Long.MAX_VALUE, Set.of()));

    assertThat(store.readNow(KEY)).isNull();
    assertThat(store.readNow(KEY)).isNull();
    assertThat(backend.entries.get(KEY).memo()).isNull();
    backend.failing = true;
    assertThat(store.readNow(KEY)).isNull();
    assertThat(store.readNow(CacheKey.of("blobs", "missing"))).isNull();

    assertThat(events)
        .containsExactly(
            "read 3",
            "decode error",
            "read 3",
            "decode error",
            "read error down",
            "read error down");
  }

  /** Entry objects in a map, handed back as stored. */
  private static final class EntryMap implements InProcessBackend {
    final Map<CacheKey, BackendEntry> entries = new ConcurrentHashMap<>();
    volatile boolean failing;

    @Override
    public @Nullable BackendEntry readEntry(CacheKey key) {
      if (failing) {
        throw new IllegalStateException("down");
      }
      return entries.get(key);
    }

    @Override
    public CompletionStage<byte @Nullable []> read(CacheKey key) {
      BackendEntry e = readEntry(key);
      return CompletableFuture.completedFuture(e == null ? null : e.bytes());
    }

    @Override
    public CompletionStage<Void> write(CacheKey key, BackendEntry entry) {
      entries.put(key, entry);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Boolean> remove(CacheKey key) {
      return CompletableFuture.completedFuture(entries.remove(key) != null);
    }
  }
}
