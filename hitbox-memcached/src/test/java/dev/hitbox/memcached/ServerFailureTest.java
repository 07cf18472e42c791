package dev.hitbox.memcached;

import static dev.hitbox.memcached.MemcachedBackendTest.connected;
import static dev.hitbox.memcached.MemcachedBackendTest.join;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.CacheStatus;
import dev.hitbox.core.HitboxCache;
import dev.hitbox.core.spi.ValueCodec;
import dev.hitbox.testkit.CountingUpstream;
import dev.hitbox.testkit.MemcachedServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server dies under load and comes back: no request fails, and hits resume. */
class ServerFailureTest {
  private static final int THREADS = 8;
  private static final int KEYS = 200;
  private static final long REQUESTS_PER_PHASE = 2_000;

  private MemcachedServer server;
  private MemcachedBackend backend;

  @BeforeEach
  void start() throws Exception {
    server = MemcachedServer.launch();
    backend =
        connected(
            MemcachedBackend.builder()
                .servers(server.address())
                .maxConnections(2)
                .maxReconnectDelay(Duration.ofMillis(200)));
  }

  @AfterEach
  void stop() {
    backend.close();
    server.close();
  }

  @Test
  void killUnderLoadFailsNoRequestAndARestartBringsHitsBack() throws Exception {
    CountingUpstream<String, String> upstream = CountingUpstream.answering(k -> "value of " + k);
    HitboxCache<String> cache =
        HitboxCache.builder("fault", ValueCodec.utf8())
            .backend(backend)
            .policy(CachePolicy.builder().ttl(Duration.ofHours(1)).build())
            .build();
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong wrong = new AtomicLong();
    long total = 3 * REQUESTS_PER_PHASE;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    List<Future<?>> workers = new ArrayList<>();
    try {
      for (int t = 0; t < THREADS; t++) {
        workers.add(
            pool.submit(
                () -> {
                  while (done.get() < total && System.nanoTime() < deadline) {
                    String key = "k" + ThreadLocalRandom.current().nextInt(KEYS);
                    try {
                      String v = cache.get(key, upstream::call).get(10, TimeUnit.SECONDS);
                      if (!v.equals("value of " + key)) {
                        wrong.incrementAndGet();
                      }
                    } catch (Exception e) {
                      failed.incrementAndGet();
                    }
                    done.incrementAndGet();
                  }
                }));
      }
      // a third of the load against a live server, a third after the kill, a third after restart
      awaitDone(done, REQUESTS_PER_PHASE);
      server.kill();
      awaitDone(done, 2 * REQUESTS_PER_PHASE);
      server.start();
      for (Future<?> w : workers) {
        w.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(done.get()).as("requests made").isGreaterThanOrEqualTo(total);
    assertThat(failed.get()).as("failed requests").isZero();
    assertThat(wrong.get()).as("wrong answers").isZero();
    // the restarted server is empty: the next get fills it, the one after hits
    Awaitility.await("hits after the restart")
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              join(cache.get("after", upstream::call));
              return join(cache.getWithStatus("after", upstream::call)).status() == CacheStatus.HIT;
            });
  }

  private static void awaitDone(AtomicLong done, long count) {
    Awaitility.await("requests done: " + count)
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(5))
        .until(() -> done.get() >= count);
  }
}
