package dev.hitbox.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.redis.RedisBackend;
import dev.hitbox.testkit.RedisServer;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * Many requests over many keys at concurrency 256, through the proxy and a shared Redis: every
 * response carries a checksum of its path that the upstream computed and the client checks, and not
 * one response belongs to another key.
 */
class WrongKeyTest {
  private static final int KEYS = 10_000;
  private static final int CONCURRENCY = 256;

  @Test
  void noResponseIsServedForAnotherKey() throws Exception {
    Form form = Form.current();
    try (RedisServer redis = RedisServer.launch();
        RedisBackend backend = RedisBackend.builder().connectionString(redis.uri()).build();
        ItemsProxy proxy = ItemsProxy.start(backend, Duration.ofMillis(200), 64)) {
      LoadClient.Result r =
          LoadClient.to(proxy.address())
              .connections(CONCURRENCY)
              .requests(form.wrongKeyRequests())
              .paths(() -> "/items/" + ThreadLocalRandom.current().nextInt(KEYS))
              .run(Duration.ofMinutes(10));
      System.out.printf(
          "wrong key (%s form, %d keys, concurrency %d): %s%n", form.name(), KEYS, CONCURRENCY, r);

      assertThat(r.requests.sum()).isEqualTo(form.wrongKeyRequests());
      assertThat(r.wrong.sum()).as("responses for another key: %s", r).isZero();
      assertThat(r.failed()).as("failed requests: %s", r).isZero();
      assertThat(r.ok.sum()).isEqualTo(form.wrongKeyRequests());
      assertThat(r.cacheStatus("HIT")).as("hits: %s", r).isPositive();
      // every miss went upstream once per key at most (concurrency 1), plus refills after a
      // backend read that timed out on a busy machine
      assertThat(proxy.upstream.calls()).isLessThanOrEqualTo(r.cacheStatus("MISS"));
    }
  }
}
