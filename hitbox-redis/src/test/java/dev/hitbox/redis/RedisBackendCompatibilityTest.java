package dev.hitbox.redis;

import dev.hitbox.core.spi.Backend;
import dev.hitbox.testkit.BackendCompatibilityKit;
import dev.hitbox.testkit.FakeTicker;
import dev.hitbox.testkit.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The kit against a real standalone {@code redis-server}, with readable (UrlEncoded) keys. */
class RedisBackendCompatibilityTest extends BackendCompatibilityKit {
  private static RedisServer redis;
  private static RedisBackend backend;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.launch();
    backend = RedisBackend.builder().host(redis.host()).port(redis.port()).buildVerified();
  }

  @AfterAll
  static void stopRedis() {
    try {
      backend.close();
    } finally {
      redis.close();
    }
  }

  @Override
  protected Backend createBackend(FakeTicker ticker) {
    return backend;
  }
}
