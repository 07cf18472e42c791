package dev.hitbox.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.core.BackendException;
import dev.hitbox.core.CacheKey;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksDbOpenErrorsTest {
  @TempDir Path dir;

  @Test
  void aSecondBackendOnTheSamePathInThisProcessIsRefused() {
    Path db = dir.resolve("db");
    try (RocksDbBackend first = RocksDbBackend.builder().path(db).build()) {
      assertThatThrownBy(() -> RocksDbBackend.builder().path(db).build())
          .isInstanceOf(BackendException.class)
          .hasMessageStartingWith("rocksdb " + db + ": the directory is locked")
          .hasMessageContaining("LOCK");
      // the first one is unharmed
      RocksDbPersistenceTest.join(
          first.write(
              CacheKey.of("lock", "k"),
              RocksDbPersistenceTest.entry("v", Long.MAX_VALUE, Set.of())));
      assertThat(RocksDbPersistenceTest.read(first, CacheKey.of("lock", "k"))).isEqualTo("v");
    }
    // closing releases the lock
    try (RocksDbBackend again = RocksDbBackend.builder().path(db).build()) {
      assertThat(RocksDbPersistenceTest.read(again, CacheKey.of("lock", "k"))).isEqualTo("v");
    }
  }

  @Test
  void aDirectoryOpenInAnotherProcessIsRefused() throws Exception {
    Path db = dir.resolve("db");
    String java = ProcessHandle.current().info().command().orElse("java");
    Process holder =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                LockHolder.class.getName(),
                db.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).as("the other process's first line").startsWith("open ");

      assertThatThrownBy(() -> RocksDbBackend.builder().path(db).build())
          .isInstanceOf(BackendException.class)
          .hasMessageStartingWith("rocksdb " + db + ": the directory is locked")
          .hasMessageContaining(db + "/LOCK");
    } finally {
      holder.getOutputStream().close();
      if (!holder.waitFor(20, TimeUnit.SECONDS)) {
        holder.destroyForcibly();
      }
    }
    assertThat(holder.exitValue()).as("exit code of the other process").isZero();
    try (RocksDbBackend after = RocksDbBackend.builder().path(db).build()) {
      assertThat(after.entryCount()).isZero();
    }
  }

  @Test
  void aCorruptDatabaseIsNamedAsSuch() throws IOException {
    Path db = dir.resolve("db");
    try (RocksDbBackend backend = RocksDbBackend.builder().path(db).build()) {
      RocksDbPersistenceTest.join(
          backend.write(
              CacheKey.of("c", "k"), RocksDbPersistenceTest.entry("v", Long.MAX_VALUE, Set.of())));
    }
    List<Path> manifests;
    try (Stream<Path> files = Files.list(db)) {
      manifests = files.filter(f -> f.getFileName().toString().startsWith("MANIFEST-")).toList();
    }
    assertThat(manifests).isNotEmpty();
    for (Path m : manifests) {
      byte[] bytes = Files.readAllBytes(m);
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = (byte) (bytes[i] ^ 0x5a);
      }
      Files.write(m, bytes);
    }

    assertThatThrownBy(() -> RocksDbBackend.builder().path(db).build())
        .isInstanceOf(BackendException.class)
        .hasMessageStartingWith("rocksdb " + db + ": the database is corrupt")
        .hasMessageContaining("delete it");
  }

  @Test
  void aPathThatIsNoDirectoryIsRefused() throws IOException {
    Path file = Files.writeString(dir.resolve("file"), "not a database");

    assertThatThrownBy(() -> RocksDbBackend.builder().path(file).build())
        .isInstanceOf(BackendException.class)
        .hasMessage("rocksdb " + file + ": not a directory");
    assertThatThrownBy(() -> RocksDbBackend.builder().path(file.resolve("db")).build())
        .isInstanceOf(BackendException.class)
        .hasMessageStartingWith("rocksdb " + file.resolve("db") + ": cannot create the directory");
  }

  @Test
  void aDirectoryWithoutWritePermissionIsRefused() throws IOException {
    // /proc is not writable even for root
    Path proc = Path.of("/proc/self/hitbox-rocksdb-test");
    assertThatThrownBy(() -> RocksDbBackend.builder().path(proc).build())
        .isInstanceOf(BackendException.class)
        .hasMessageStartingWith("rocksdb " + proc + ": cannot create the directory");
  }
}
