package dev.hitbox.rocksdb;

import static dev.hitbox.rocksdb.RocksDbPersistenceTest.entry;
import static dev.hitbox.rocksdb.RocksDbPersistenceTest.join;
import static dev.hitbox.rocksdb.RocksDbPersistenceTest.read;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.core.CacheKey;
import dev.hitbox.core.KeyFormat;
import dev.hitbox.core.spi.BackendEntry;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RocksDbKeysTest {

  @ParameterizedTest
  @ValueSource(strings = {"UrlEncoded", "Bitcode"})
  void patternsMatchKeysLongEnoughToBeStoredHashed(String format) {
    KeyFormat keyFormat = KeyFormat.byName(format);
    String tail = "x".repeat(400);
    CacheKey longMatching = CacheKey.of("long", "posts:user:42:" + tail);
    CacheKey longOther = CacheKey.of("long", "posts:user:43:" + tail);
    CacheKey otherNamespace = CacheKey.of("long2", "posts:user:42:" + tail);
    assertThat(keyFormat.isHashed(keyFormat.encode(longMatching))).as("stored hashed").isTrue();
    try (RocksDbBackend backend =
        RocksDbBackend.builder().inMemory().keyFormat(keyFormat).build()) {
      for (CacheKey k : Set.of(longMatching, longOther, otherNamespace)) {
        join(backend.write(k, entry("v", Long.MAX_VALUE, Set.of())));
      }

      assertThat(join(backend.invalidatePattern("long", "posts:user:42:*"))).isEqualTo(1);

      assertThat(read(backend, longMatching)).isNull();
      assertThat(read(backend, longOther)).isEqualTo("v");
      assertThat(read(backend, otherNamespace)).isEqualTo("v");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"UrlEncoded", "Bitcode"})
  void invalidationCountsLeaveOutExpiredEntriesButDeleteThem(String format) {
    dev.hitbox.testkit.FakeTicker ticker = new dev.hitbox.testkit.FakeTicker();
    try (RocksDbBackend backend =
        RocksDbBackend.builder()
            .inMemory()
            .keyFormat(KeyFormat.byName(format))
            .ticker(ticker)
            .build()) {
      long now = ticker.currentTimeMillis();
      join(backend.write(CacheKey.of("ns", "a:1"), entry("v", now + 1_000, Set.of("t"))));
      join(backend.write(CacheKey.of("ns", "a:2"), entry("v", now + 60_000, Set.of("t"))));
      join(backend.write(CacheKey.of("ns", "b:1"), entry("v", now + 1_000, Set.of())));
      ticker.advance(java.time.Duration.ofSeconds(2));

      assertThat(join(backend.invalidateTag("t"))).as("live entries removed by tag").isEqualTo(1);
      assertThat(join(backend.invalidatePattern("ns", "b:*")))
          .as("live removed by pattern")
          .isZero();
      assertThat(backend.entryCount()).as("entries left").isZero();
      assertThat(backend.liveBytes()).isZero();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1 << 20, 2 << 20})
  void anEntryLargerThanTheBoundIsNotKept(int size) {
    try (RocksDbBackend backend = RocksDbBackend.builder().inMemory().maxBytes(1 << 20).build()) {
      CacheKey small = CacheKey.of("big", "small");
      CacheKey big = CacheKey.of("big", "big");
      join(backend.write(small, entry("v", Long.MAX_VALUE - 1, Set.of())));

      join(
          backend.write(
              big, BackendEntry.of(new byte[size], Long.MAX_VALUE, Long.MAX_VALUE, Set.of())));

      assertThat(join(backend.read(big))).isNull();
      assertThat(backend.liveBytes()).isLessThanOrEqualTo(1 << 20);
    }
  }
}
