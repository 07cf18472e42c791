package dev.hitbox.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The test servers really start, stop, crash and come back on the same port. */
class ServerProcessTest {

  @Test
  void redisStartsAnswersDiesAndComesBackOnTheSamePort() {
    try (RedisServer redis = RedisServer.launch()) {
      int port = redis.port();
      assertThat(ServerProcess.answers(port, "PING\r\n", "+PONG")).isTrue();

      redis.kill();
      assertThat(redis.isRunning()).isFalse();
      assertThat(ServerProcess.listening(port)).isFalse();

      redis.start();
      assertThat(redis.port()).isEqualTo(port);
      assertThat(ServerProcess.answers(port, "PING\r\n", "+PONG")).isTrue();
    }
  }

  @Test
  void memcachedStartsAndAnswers() {
    try (MemcachedServer mc = MemcachedServer.launch()) {
      assertThat(ServerProcess.answers(mc.port(), "version\r\n", "VERSION")).isTrue();
      assertThat(mc.address()).startsWith("127.0.0.1:");
    }
  }

  @Test
  void aServerThatCannotStartSaysWhy() {
    assertThatThrownBy(() -> RedisServer.launch("--no-such-option", "x"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("redis-server exited during startup");
  }
}
