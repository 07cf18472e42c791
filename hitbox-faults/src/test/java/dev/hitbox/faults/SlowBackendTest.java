package dev.hitbox.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.redis.RedisBackend;
import dev.hitbox.testkit.DelayingTcpProxy;
import dev.hitbox.testkit.RedisServer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * Redis answers two seconds late (a {@link DelayingTcpProxy} between the backend and Redis): under
 * a concurrent load through the proxy, no request fails and none waits for Redis; each costs at
 * most the endpoint's backend timeout on top of the upstream call.
 */
class SlowBackendTest {
  private static final Duration REDIS_DELAY = Duration.ofSeconds(2);
  private static final Duration BACKEND_TIMEOUT = Duration.ofMillis(100);
  private static final int CONNECTIONS = 16;
  private static final int KEYS = 200;
  private static final int WARM_UP_REQUESTS = 400;

  @Test
  void aSlowRedisCostsARequestAtMostTheBackendTimeout() throws Exception {
    Form form = Form.current();
    try (RedisServer redis = RedisServer.launch();
        DelayingTcpProxy slow = new DelayingTcpProxy(redis.port(), REDIS_DELAY);
        RedisBackend backend = RedisBackend.builder().host("127.0.0.1").port(slow.port()).build();
        ItemsProxy proxy = ItemsProxy.start(backend, BACKEND_TIMEOUT, 64)) {
      // a fresh process first loads and compiles the whole request path (seconds on a busy
      // machine): that is a cold start, not the backend's latency, so it is kept apart
      LoadClient.Result warmUp =
          LoadClient.to(proxy.address())
              .connections(CONNECTIONS)
              .requests(WARM_UP_REQUESTS)
              .paths(() -> "/items/" + ThreadLocalRandom.current().nextInt(KEYS))
              .run(Duration.ofMinutes(2));
      assertThat(warmUp.failed()).as("failed requests while warming up: %s", warmUp).isZero();
      LoadClient.Result r =
          LoadClient.to(proxy.address())
              .connections(CONNECTIONS)
              .duration(form.slowLoad())
              .paths(() -> "/items/" + ThreadLocalRandom.current().nextInt(KEYS))
              .run(Duration.ofMinutes(2));
      long timeouts = proxy.counter("hitbox_backend_errors_total", "operation=\"read\"");
      System.out.printf(
          Locale.ROOT,
          "slow backend (%s form, Redis %d ms late, backend timeout %d ms, %d connections): %s;"
              + " %d backend read timeouts (warm-up: %s)%n",
          form.name(),
          REDIS_DELAY.toMillis(),
          BACKEND_TIMEOUT.toMillis(),
          CONNECTIONS,
          r,
          timeouts,
          warmUp);

      assertThat(r.failed()).as("failed requests: %s", r).isZero();
      assertThat(r.wrong.sum()).as("wrong answers: %s", r).isZero();
      assertThat(r.requests.sum()).isPositive();
      assertThat(timeouts).as("reads given up on").isPositive();
      // Nothing waits for Redis's two seconds: every read is given up after the backend timeout
      // and the request goes upstream. The bounds leave room for a busy test machine, where the
      // upstream call itself takes hundreds of milliseconds; docs/operations.md has the figures.
      assertThat(r.latencies.quantileMicros(0.5))
          .as("median latency, µs: %s", r)
          .isLessThan(REDIS_DELAY.toNanos() / 1000 / 2);
      assertThat(r.latencies.maxMicros())
          .as("slowest request, µs: %s", r)
          .isLessThan(REDIS_DELAY.toNanos() / 1000);
    }
  }
}
