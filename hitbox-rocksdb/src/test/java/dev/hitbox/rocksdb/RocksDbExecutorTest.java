package dev.hitbox.rocksdb;

import static dev.hitbox.rocksdb.RocksDbPersistenceTest.entry;
import static dev.hitbox.rocksdb.RocksDbPersistenceTest.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.core.BackendException;
import dev.hitbox.core.CacheKey;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class RocksDbExecutorTest {

  /** Runs nothing until told to: shows what a call does on the caller's thread. */
  static final class ManualExecutor implements Executor {
    final Queue<Runnable> tasks = new ArrayDeque<>();

    @Override
    public synchronized void execute(Runnable task) {
      tasks.add(task);
    }

    synchronized int runAll() {
      int n = 0;
      for (Runnable r = tasks.poll(); r != null; r = tasks.poll()) {
        r.run();
        n++;
      }
      return n;
    }
  }

  @Test
  void callsRunOnTheExecutorNotOnTheCallersThread() {
    ManualExecutor executor = new ManualExecutor();
    CacheKey key = CacheKey.of("exec", "k");
    try (RocksDbBackend backend = RocksDbBackend.builder().inMemory().executor(executor).build()) {
      CompletableFuture<Void> write =
          backend.write(key, entry("v", Long.MAX_VALUE, Set.of())).toCompletableFuture();
      CompletableFuture<byte[]> read = backend.read(key).toCompletableFuture();
      CompletableFuture<Boolean> remove = backend.remove(key).toCompletableFuture();
      CompletableFuture<Long> tag = backend.invalidateTag("t").toCompletableFuture();
      CompletableFuture<Long> pattern =
          backend.invalidatePattern("exec", "*").toCompletableFuture();

      assertThat(write).as("write before the executor ran").isNotDone();
      assertThat(read).isNotDone();
      assertThat(remove).isNotDone();
      assertThat(tag).isNotDone();
      assertThat(pattern).isNotDone();
      assertThat(backend.entryCount()).as("nothing written on the caller's thread").isZero();

      assertThat(executor.runAll()).isEqualTo(5);

      assertThat(write).isCompleted();
      assertThat(read.join()).isEqualTo("v".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertThat(remove.join()).isTrue();
      assertThat(tag.join()).isZero();
      assertThat(pattern.join()).isZero();
    }
  }

  @Test
  void theOwnThreadsAreNamedAndStopWithTheBackend() {
    RocksDbBackend backend = RocksDbBackend.builder().inMemory().name("own").threads(2).build();
    join(backend.write(CacheKey.of("exec", "k"), entry("v", Long.MAX_VALUE, Set.of())));
    assertThat(threadsNamed("hitbox-rocksdb-own-")).isBetween(1L, 2L);
    assertThat(threadsNamed("hitbox-rocksdb-sweep-own-")).isEqualTo(1);

    backend.close();

    Awaitility.await("threads of a closed backend")
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                threadsNamed("hitbox-rocksdb-own-") + threadsNamed("hitbox-rocksdb-sweep-own-")
                    == 0);
  }

  private static long threadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
        .count();
  }

  @Test
  void callsAfterCloseFailWithTheLocation() {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      RocksDbBackend backend =
          RocksDbBackend.builder().inMemory().name("gone").executor(pool).build();
      backend.close();
      backend.close(); // idempotent

      assertThatThrownBy(() -> join(backend.read(CacheKey.of("exec", "k"))))
          .isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(BackendException.class)
          .hasRootCauseMessage("rocksdb in memory (gone): closed");
      assertThatThrownBy(() -> join(backend.cleanUp())).hasCauseInstanceOf(BackendException.class);
      assertThat(pool.isShutdown())
          .as("an executor given to the builder is left running")
          .isFalse();
    } finally {
      pool.shutdownNow();
    }
  }
}
