package dev.hitbox.rocksdb;

import static dev.hitbox.rocksdb.RocksDbPersistenceTest.join;
import static dev.hitbox.rocksdb.RocksDbPersistenceTest.read;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.core.CacheKey;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.testkit.FakeTicker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksDbSizeLimitTest {
  private static final long MIB = 1 << 20;
  private static final long HOUR = 3_600_000;

  @TempDir Path dir;
  private final FakeTicker ticker = new FakeTicker();

  @Test
  void theEntriesThatExpireFirstAreEvicted() {
    try (RocksDbBackend backend =
        RocksDbBackend.builder().path(dir.resolve("db")).maxBytes(MIB).ticker(ticker).build()) {
      long now = ticker.currentTimeMillis();
      // 40 entries of 32 KiB: 1.25 MiB; entry i expires after i hours, so the order of
      // expiry is the reverse of the order of writing for the even ones
      byte[] value = new byte[32 << 10];
      List<CacheKey> keys = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        CacheKey k = CacheKey.of("size", "k" + i);
        keys.add(k);
        long expireAt = now + (i % 2 == 0 ? 100 - i : 100 + i) * HOUR;
        join(backend.write(k, BackendEntry.of(value, expireAt, expireAt, Set.of("t" + i))));
        assertThat(backend.liveBytes()).as("live bytes after write %d", i).isLessThanOrEqualTo(MIB);
      }

      assertThat(backend.evictedCount()).isPositive();
      assertThat(backend.entryCount()).isEqualTo(40 - backend.evictedCount());
      // the evicted ones are the even keys written last (they expire first)
      List<CacheKey> gone = new ArrayList<>();
      for (CacheKey k : keys) {
        if (join(backend.read(k)) == null) {
          gone.add(k);
        }
      }
      assertThat(gone).hasSize((int) backend.evictedCount());
      for (CacheKey k : gone) {
        int i = Integer.parseInt(k.text().substring(k.text().lastIndexOf('k') + 1));
        assertThat(i % 2).as("evicted %s expires before every odd key", k).isZero();
      }
      assertThat(gone).contains(keys.get(38), keys.get(36));
      // eviction also dropped the tag records: a tag of an evicted entry removes nothing
      assertThat(join(backend.invalidateTag("t38"))).isZero();
      assertThat(join(backend.invalidateTag("t39"))).isEqualTo(1);
    }
  }

  @Test
  void filesOnDiskShrinkBackUnderTheBound() throws Exception {
    long maxBytes = 2 * MIB;
    Path db = dir.resolve("db");
    try (RocksDbBackend backend =
        RocksDbBackend.builder().path(db).maxBytes(maxBytes).ticker(ticker).build()) {
      Random random = new Random(3);
      long now = ticker.currentTimeMillis();
      // 10 MiB of incompressible values through a 2 MiB bound
      for (int i = 0; i < 160; i++) {
        byte[] value = new byte[64 << 10];
        random.nextBytes(value);
        long expireAt = now + HOUR + i;
        join(
            backend.write(
                CacheKey.of("disk", "k" + i),
                BackendEntry.of(value, expireAt, expireAt, Set.of())));
      }
      assertThat(backend.liveBytes()).isLessThanOrEqualTo(maxBytes);

      join(backend.cleanUp());

      assertThat(backend.tableFileBytes())
          .as("table files after the sweep compacted")
          .isLessThanOrEqualTo(maxBytes);
      long slack = 4 * RocksStore.writeBufferSize(maxBytes) + MIB;
      assertThat(directorySize(db))
          .as("the whole directory: tables, write-ahead log, info log, manifest")
          .isLessThanOrEqualTo(maxBytes + slack);
      // the newest entries are the ones kept
      assertThat(join(backend.read(CacheKey.of("disk", "k159")))).isNotNull();
      assertThat(join(backend.read(CacheKey.of("disk", "k0")))).isNull();
    }
  }

  @Test
  void aLowerBoundAfterARestartEvictsAtOnce() {
    Path db = dir.resolve("db");
    long now = ticker.currentTimeMillis();
    try (RocksDbBackend backend =
        RocksDbBackend.builder().path(db).maxBytes(4 * MIB).ticker(ticker).build()) {
      for (int i = 0; i < 64; i++) {
        join(
            backend.write(
                CacheKey.of("reopen", "k" + i),
                RocksDbPersistenceTest.entry("x".repeat(32 << 10), now + HOUR + i, Set.of())));
      }
      assertThat(backend.liveBytes()).isGreaterThan(MIB);
    }
    try (RocksDbBackend backend =
        RocksDbBackend.builder().path(db).maxBytes(MIB).ticker(ticker).build()) {
      join(backend.cleanUp());
      assertThat(backend.liveBytes()).isLessThanOrEqualTo(MIB);
      assertThat(read(backend, CacheKey.of("reopen", "k63"))).isNotNull();
      assertThat(read(backend, CacheKey.of("reopen", "k0"))).isNull();
    }
  }

  private static long directorySize(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              f -> {
                try {
                  return Files.size(f);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .sum();
    }
  }
}
