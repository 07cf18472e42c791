package dev.hitbox.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.core.CacheException;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.testkit.RedisServer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The master is found through a real Sentinel. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class RedisSentinelTest {

  @Test
  void findsTheMasterThroughSentinel() throws Exception {
    try (RedisServer master = RedisServer.launch();
        SentinelServer sentinel = SentinelServer.launch("hitbox-master", master.port());
        RedisBackend redis =
            RedisBackend.builder()
                .sentinel("hitbox-master", "127.0.0.1:" + sentinel.port())
                .database(1)
                .buildVerified()) {
      CacheKey key = CacheKey.of("sentinel", "k");
      byte[] value = "through sentinel".getBytes(StandardCharsets.UTF_8);
      long expireAt = System.currentTimeMillis() + 60_000;

      redis
          .write(key, BackendEntry.of(value, expireAt, expireAt, Set.of()))
          .toCompletableFuture()
          .get(5, TimeUnit.SECONDS);

      assertThat(redis.read(key).toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(value);
      assertThat(redis.toString())
          .contains("master hitbox-master via sentinels 127.0.0.1:" + sentinel.port());
    }
  }

  @Test
  void unknownMasterNameIsAClearError() {
    try (RedisServer master = RedisServer.launch();
        SentinelServer sentinel = SentinelServer.launch("hitbox-master", master.port())) {
      assertThatThrownBy(
              () ->
                  RedisBackend.builder()
                      .sentinel("no-such-master", "127.0.0.1:" + sentinel.port())
                      .buildVerified())
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("master no-such-master via sentinels 127.0.0.1:" + sentinel.port())
          .hasMessageContaining("cannot connect");
    }
  }
}
