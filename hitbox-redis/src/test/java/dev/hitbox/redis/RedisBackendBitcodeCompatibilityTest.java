package dev.hitbox.redis;

import dev.hitbox.core.KeyFormat;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.testkit.BackendCompatibilityKit;
import dev.hitbox.testkit.FakeTicker;
import dev.hitbox.testkit.RedisServer;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The kit against a real {@code redis-server} with binary (Bitcode) keys, two shared connections
 * and results completed on an executor of the caller's.
 */
class RedisBackendBitcodeCompatibilityTest extends BackendCompatibilityKit {
  private static RedisServer redis;
  private static RedisBackend backend;
  private static ExecutorService executor;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.launch();
    executor = Executors.newFixedThreadPool(4);
    backend =
        RedisBackend.builder()
            .connectionString(redis.uri())
            .keyFormat(KeyFormat.BITCODE)
            .poolSize(2)
            .executor(executor)
            // the kit sends 10,000 writes at once; on a busy machine they may queue for a while
            .commandTimeout(Duration.ofSeconds(5))
            .buildVerified();
  }

  @AfterAll
  static void stopRedis() {
    try {
      backend.close();
      executor.shutdownNow();
    } finally {
      redis.close();
    }
  }

  @Override
  protected Backend createBackend(FakeTicker ticker) {
    return backend;
  }
}
