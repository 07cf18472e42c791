package dev.hitbox.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.core.internal.BackendStore;
import dev.hitbox.core.internal.Envelope;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.core.spi.Compressor;
import dev.hitbox.core.spi.ValueCodec;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Stored bytes that are not a valid envelope for the store's codec are a counted miss. */
class BackendStoreTest {
  private final ManualTicker ticker = new ManualTicker();
  private final TierBackend backend = new TierBackend("tier", ticker::currentTimeMillis);
  private final EventLog listener = new EventLog();
  private final CacheKey key = CacheKey.of("users", "user:42");

  private BackendStore<String> store(ValueCodec<String> codec, Compressor compressor) {
    return new BackendStore<>(
        backend, codec, compressor, 512, TimeUnit.MILLISECONDS.toNanos(50), listener, ticker);
  }

  private CacheValue<String> value(String v) {
    long now = ticker.currentTimeMillis();
    return CacheValue.of(v, now, now + 60_000, now + 120_000, Set.of("user:42"));
  }

  private void plant(byte[] bytes) {
    long now = ticker.currentTimeMillis();
    backend.put(key, BackendEntry.of(bytes, now + 60_000, now + 60_000, Set.of()));
  }

  private String read(BackendStore<String> store) {
    CacheValue<String> v = store.read(key).toCompletableFuture().join();
    return v == null ? null : v.value();
  }

  @Test
  void garbageIsAMissReportedAsADecodeError() {
    byte[] junk = new byte[100];
    new Random(7).nextBytes(junk);
    plant(junk);

    assertThat(read(store(ValueCodec.utf8(), Compressor.none()))).isNull();
    assertThat(listener.events()).contains("decode-error tier " + key);
  }

  @Test
  void anotherMagicIsAMiss() {
    byte[] bytes = Envelope.encode(value("Ada"), ValueCodec.utf8(), Compressor.none(), 512);
    bytes[0] = 'X';
    plant(bytes);

    assertThat(read(store(ValueCodec.utf8(), Compressor.none()))).isNull();
    assertThat(listener.events()).contains("decode-error tier " + key);
  }

  @Test
  void aNewerEnvelopeVersionIsAMiss() {
    byte[] bytes = Envelope.encode(value("Ada"), ValueCodec.utf8(), Compressor.none(), 512);
    bytes[2] = 2;
    plant(bytes);

    assertThat(read(store(ValueCodec.utf8(), Compressor.none()))).isNull();
    assertThat(listener.events()).contains("decode-error tier " + key);
  }

  @Test
  void anotherSchemaVersionOfTheUsersTypeIsAMiss() {
    store(ValueCodec.utf8(), Compressor.none())
        .write(key, value("Ada"))
        .toCompletableFuture()
        .join();
    ValueCodec<String> v2 =
        new ValueCodec<>() {
          @Override
          public byte formatId() {
            return ValueCodec.utf8().formatId();
          }

          @Override
          public int schemaVersion() {
            return 2;
          }

          @Override
          public byte[] encode(String value) {
            return value.getBytes(StandardCharsets.UTF_8);
          }

          @Override
          public String decode(byte[] bytes, int offset, int length) {
            return new String(bytes, offset, length, StandardCharsets.UTF_8);
          }
        };

    assertThat(read(store(v2, Compressor.none()))).isNull();
    assertThat(listener.events()).contains("decode-error tier " + key);
  }

  @Test
  void anotherFormatIsAMiss() {
    BackendStore<byte[]> bytesStore =
        new BackendStore<>(
            backend,
            ValueCodec.bytes(),
            Compressor.none(),
            512,
            TimeUnit.MILLISECONDS.toNanos(50),
            listener,
            ticker);
    long now = ticker.currentTimeMillis();
    bytesStore
        .write(key, CacheValue.of(new byte[] {1, 2, 3}, now, now + 1000, now + 1000, Set.of()))
        .toCompletableFuture()
        .join();

    assertThat(read(store(ValueCodec.utf8(), Compressor.none()))).isNull();
    assertThat(listener.events()).contains("decode-error tier " + key);
  }

  @Test
  void aValueWrittenWithAnUnconfiguredCompressorIsAMiss() {
    store(ValueCodec.utf8(), Compressor.gzip()).write(key, value("x".repeat(4000)));

    assertThat(read(store(ValueCodec.utf8(), Compressor.none()))).isNull();
    assertThat(listener.events()).contains("decode-error tier " + key);
  }

  @Test
  void valuesBelowTheThresholdAreStoredUncompressedAndTheEnvelopeSaysSo() {
    BackendStore<String> gzip = store(ValueCodec.utf8(), Compressor.gzip());
    gzip.write(key, value("a".repeat(511))).toCompletableFuture().join();

    byte[] stored = backend.entry(key).bytes();
    assertThat(Envelope.header(stored).compressionId()).isZero();
    assertThat(read(gzip)).isEqualTo("a".repeat(511));
  }

  @Test
  void valuesAtTheThresholdAreCompressedAndTheEnvelopeSaysSo() {
    BackendStore<String> gzip = store(ValueCodec.utf8(), Compressor.gzip());
    gzip.write(key, value("a".repeat(4096))).toCompletableFuture().join();

    byte[] stored = backend.entry(key).bytes();
    assertThat(Envelope.header(stored).compressionId()).isEqualTo(Compressor.gzip().id());
    assertThat(stored.length).isLessThan(4096);
    assertThat(read(gzip)).isEqualTo("a".repeat(4096));
    assertThat(listener.events()).noneMatch(e -> e.startsWith("decode-error"));
  }

  @Test
  void timestampsAndTagsSurviveTheRoundTrip() {
    BackendStore<String> store = store(ValueCodec.utf8(), Compressor.none());
    CacheValue<String> written = value("Ada");
    store.write(key, written).toCompletableFuture().join();

    CacheValue<String> back = store.read(key).toCompletableFuture().join();

    assertThat(back.staleAt()).isEqualTo(written.staleAt());
    assertThat(back.expireAt()).isEqualTo(written.expireAt());
    assertThat(back.tags()).containsExactly("user:42");
    assertThat(backend.entry(key).expireAt()).isEqualTo(written.expireAt());
  }
}
