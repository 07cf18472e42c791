package dev.hitbox.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.core.ConfigurationException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksDbBuilderTest {
  @TempDir Path dir;

  @Test
  void settersRejectBadValuesNamingThem() {
    RocksDbBackend.Builder b = RocksDbBackend.builder();
    assertThatThrownBy(() -> b.maxBytes(1000))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("max_bytes: 1000 (expected: >= 1048576)");
    assertThatThrownBy(() -> b.sweepInterval(Duration.ofMillis(1)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("sweep_interval: PT0.001S (expected: between 10ms and 1d)");
    assertThatThrownBy(() -> b.sweepInterval(Duration.ofDays(2)))
        .hasMessage("sweep_interval: PT48H (expected: between 10ms and 1d)");
    assertThatThrownBy(() -> b.threads(0)).hasMessage("threads: 0 (expected: 1 to 256)");
    assertThatThrownBy(() -> b.name(" ")).hasMessage("name: \" \" (expected: non-blank)");
  }

  @Test
  void pathOrInMemoryButNotBoth() {
    assertThatThrownBy(() -> RocksDbBackend.builder().build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("path: missing (expected: a directory, or in_memory for a database in memory)");
    assertThatThrownBy(() -> RocksDbBackend.builder().path(dir).inMemory().build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("path: " + dir + " (expected: either path or in_memory, not both)");
  }

  @Test
  void inMemoryBackendsAreIndependentAndLeaveNoFiles() {
    try (RocksDbBackend a = RocksDbBackend.builder().inMemory().name("a").build();
        RocksDbBackend b = RocksDbBackend.builder().inMemory().name("b").build()) {
      RocksDbPersistenceTest.join(
          a.write(
              dev.hitbox.core.CacheKey.of("mem", "k"),
              RocksDbPersistenceTest.entry("v", Long.MAX_VALUE, java.util.Set.of())));
      assertThat(a.entryCount()).isEqualTo(1);
      assertThat(b.entryCount()).isZero();
      assertThat(a.path()).isEmpty();
      assertThat(a.name()).isEqualTo("a");
      assertThat(a.toString()).contains("in memory");
    }
    assertThat(Path.of("/hitbox-rocksdb-in-memory")).doesNotExist();
  }
}
