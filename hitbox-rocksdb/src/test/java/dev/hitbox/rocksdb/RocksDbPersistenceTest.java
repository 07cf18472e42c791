package dev.hitbox.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.core.CacheKey;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.testkit.FakeTicker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksDbPersistenceTest {
  @TempDir Path dir;
  private final FakeTicker ticker = new FakeTicker();

  private RocksDbBackend open() {
    return RocksDbBackend.builder().path(dir.resolve("db")).ticker(ticker).build();
  }

  @Test
  void entriesSurviveARestartAndExpiredOnesAreGone() {
    CacheKey kept = CacheKey.of("persist", "kept");
    CacheKey shortLived = CacheKey.of("persist", "short");
    CacheKey tagged = CacheKey.of("persist", "tagged");
    long now = ticker.currentTimeMillis();
    try (RocksDbBackend backend = open()) {
      join(backend.write(kept, entry("kept", now + 3_600_000, Set.of())));
      join(backend.write(shortLived, entry("short", now + 10_000, Set.of())));
      join(backend.write(tagged, entry("tagged", now + 3_600_000, Set.of("author:1"))));
      assertThat(backend.entryCount()).isEqualTo(3);
    }

    ticker.advance(Duration.ofMinutes(1));
    try (RocksDbBackend backend = open()) {
      assertThat(read(backend, kept)).isEqualTo("kept");
      assertThat(read(backend, tagged)).isEqualTo("tagged");
      assertThat(read(backend, shortLived)).as("entry that expired while closed").isNull();
      // the first sweep runs as the backend opens
      Awaitility.await("sweep after reopening")
          .atMost(Duration.ofSeconds(10))
          .until(() -> backend.expiredCount() == 1);
      assertThat(backend.entryCount()).isEqualTo(2);
      // the indexes survived too
      assertThat(join(backend.invalidateTag("author:1"))).isEqualTo(1);
      assertThat(read(backend, tagged)).isNull();
      assertThat(read(backend, kept)).isEqualTo("kept");
    }

    try (RocksDbBackend backend = open()) {
      assertThat(backend.entryCount()).as("entries after the second restart").isEqualTo(1);
      assertThat(read(backend, kept)).isEqualTo("kept");
      assertThat(backend.liveBytes())
          .as("live bytes recounted from the index")
          .isEqualTo(
              RocksDbBackend.footprint(
                  "persist:0:kept".getBytes(StandardCharsets.US_ASCII),
                  1 + 8 + 2 + 4 + "kept".length(),
                  Set.of()));
    }
  }

  @Test
  void theSweepDeletesExpiredEntriesWhileOpen() {
    try (RocksDbBackend backend =
        RocksDbBackend.builder()
            .path(dir.resolve("db"))
            .ticker(ticker)
            .sweepInterval(Duration.ofMillis(20))
            .build()) {
      long now = ticker.currentTimeMillis();
      for (int i = 0; i < 50; i++) {
        join(backend.write(CacheKey.of("sweep", "k" + i), entry("v", now + 1_000 + i, Set.of())));
      }
      join(backend.write(CacheKey.of("sweep", "late"), entry("v", now + 60_000, Set.of("t"))));
      assertThat(backend.entryCount()).isEqualTo(51);

      ticker.advance(Duration.ofSeconds(2));

      Awaitility.await("the periodic sweep")
          .atMost(Duration.ofSeconds(10))
          .until(() -> backend.entryCount() == 1);
      assertThat(backend.expiredCount()).isEqualTo(50);
      assertThat(read(backend, CacheKey.of("sweep", "late"))).isEqualTo("v");
    }
  }

  static BackendEntry entry(String value, long expireAt, Set<String> tags) {
    return BackendEntry.of(value.getBytes(StandardCharsets.UTF_8), expireAt, expireAt, tags);
  }

  static @Nullable String read(RocksDbBackend backend, CacheKey key) {
    byte[] v = join(backend.read(key));
    return v == null ? null : new String(v, StandardCharsets.UTF_8);
  }

  static <T> T join(CompletionStage<T> stage) {
    return stage.toCompletableFuture().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
  }
}
