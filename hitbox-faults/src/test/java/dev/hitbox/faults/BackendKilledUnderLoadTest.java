package dev.hitbox.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hitbox.core.spi.Backend;
import dev.hitbox.memcached.MemcachedBackend;
import dev.hitbox.redis.RedisBackend;
import dev.hitbox.testkit.MemcachedServer;
import dev.hitbox.testkit.RedisServer;
import dev.hitbox.testkit.ServerProcess;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The backend is killed ({@code SIGKILL}) in the middle of a concurrent load through the proxy and
 * started again on the same port: not one client request fails, and cache hits come back within 2 s
 * of the backend's return, with the backends' default settings.
 *
 * <p>The load lasts {@link Form#killLoad()} (6 s in the short form, 30 s in the long one): a third
 * with the backend up, a third with it down, a third after its restart.
 */
class BackendKilledUnderLoadTest {
  private static final int CONNECTIONS = 32;
  private static final int KEYS = 500;
  private static final Duration HITS_RESUME_WITHIN = Duration.ofSeconds(2);

  @Test
  void killingRedisFailsNoRequestAndHitsResume() throws Exception {
    try (RedisServer redis = RedisServer.launch();
        RedisBackend backend = RedisBackend.builder().connectionString(redis.uri()).build()) {
      killUnderLoad(redis, backend);
    }
  }

  @Test
  void killingMemcachedFailsNoRequestAndHitsResume() throws Exception {
    try (MemcachedServer memcached = MemcachedServer.launch();
        MemcachedBackend backend =
            MemcachedBackend.builder().servers(memcached.address()).build()) {
      backend.connected().get(10, java.util.concurrent.TimeUnit.SECONDS);
      killUnderLoad(memcached, backend);
    }
  }

  private static void killUnderLoad(ServerProcess server, Backend backend) throws Exception {
    Form form = Form.current();
    long phaseNanos = form.killLoad().toNanos() / 3;
    AtomicLong restartedAt = new AtomicLong(Long.MAX_VALUE);
    AtomicLong firstHitAfterRestart = new AtomicLong(Long.MAX_VALUE);
    AtomicLong hitsAfterRestart = new AtomicLong();
    try (ItemsProxy proxy = ItemsProxy.start(backend)) {
      String name = backend.name();
      LoadClient load =
          LoadClient.to(proxy.address())
              .connections(CONNECTIONS)
              .paths(() -> "/items/" + ThreadLocalRandom.current().nextInt(KEYS))
              .onResponse(
                  r -> {
                    if ("HIT".equals(r.cacheStatus()) && r.startNanos() >= restartedAt.get()) {
                      hitsAfterRestart.incrementAndGet();
                      firstHitAfterRestart.accumulateAndGet(r.endNanos(), Math::min);
                    }
                  })
              .start();
      long start = System.nanoTime();
      await("hits with the backend up")
          .atMost(Duration.ofMinutes(1))
          .until(
              () ->
                  System.nanoTime() - start >= phaseNanos
                      && proxy.counter("hitbox_requests_total", "result=\"hit\"") > 100);

      server.kill();
      long killedAt = System.nanoTime();
      long requestsAtKill = load.result().requests.sum();
      long errorsAtKill = proxy.counter("hitbox_backend_errors_total", "backend=\"" + name + "\"");
      await("requests answered with the backend down")
          .atMost(Duration.ofMinutes(1))
          .until(
              () ->
                  System.nanoTime() - killedAt >= phaseNanos
                      && load.result().requests.sum() > requestsAtKill + 100
                      && proxy.counter("hitbox_backend_errors_total", "backend=\"" + name + "\"")
                          > errorsAtKill + 10);
      long requestsWhileDown = load.result().requests.sum() - requestsAtKill;
      long errorsWhileDown =
          proxy.counter("hitbox_backend_errors_total", "backend=\"" + name + "\"") - errorsAtKill;

      server.start();
      long restarted = System.nanoTime();
      restartedAt.set(restarted);
      await("hits after the restart")
          .atMost(Duration.ofMinutes(1))
          .until(
              () ->
                  System.nanoTime() - restarted >= phaseNanos
                      && firstHitAfterRestart.get() != Long.MAX_VALUE);
      load.stop();
      LoadClient.Result r = load.await(Duration.ofMinutes(1));

      double resumeMillis = (firstHitAfterRestart.get() - restarted) / 1e6;
      System.out.printf(
          Locale.ROOT,
          "%s killed under load (%s form, %d connections, %d keys): %s; while down: %d requests,"
              + " %d backend errors counted; first hit %.0f ms after the restart, %d hits since%n",
          name,
          form.name(),
          CONNECTIONS,
          KEYS,
          r,
          requestsWhileDown,
          errorsWhileDown,
          resumeMillis,
          hitsAfterRestart.get());

      assertThat(r.failed()).as("failed client requests: %s", r).isZero();
      assertThat(r.wrong.sum()).as("wrong answers: %s", r).isZero();
      assertThat(errorsWhileDown).as("backend errors while down").isPositive();
      assertThat(resumeMillis)
          .as("ms from the restart to the first hit")
          .isLessThan(HITS_RESUME_WITHIN.toMillis());
    }
  }
}
