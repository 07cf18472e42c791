package dev.hitbox.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hitbox.core.CacheEndpoint;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.CacheResult;
import dev.hitbox.core.CacheStatus;
import dev.hitbox.core.CachedUpstream;
import dev.hitbox.core.Upstream;
import dev.hitbox.core.spi.ValueCodec;
import dev.hitbox.testkit.RedisServer;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Dogpile prevention across engines that share one Redis through separate connections. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class DistributedDogpileTest {
  private static final int REQUESTS = 1_000;

  @Test
  void thousandColdRequestsOnTwoEnginesMakeOneUpstreamCall() throws Exception {
    try (RedisServer redis = RedisServer.launch();
        Node a = new Node(redis.uri(), Duration.ofSeconds(10));
        Node b = new Node(redis.uri(), Duration.ofSeconds(10))) {
      CompletableFuture<String> gate = new CompletableFuture<>();
      AtomicInteger calls = new AtomicInteger();
      Upstream<String, String> upstream =
          key -> {
            calls.incrementAndGet();
            return gate.thenApply(v -> "value of " + key);
          };
      CachedUpstream<String, String> ca = a.wrap(upstream);
      CachedUpstream<String, String> cb = b.wrap(upstream);

      List<CompletableFuture<CacheResult<String>>> results = new ArrayList<>();
      for (int i = 0; i < REQUESTS; i++) {
        results.add((i % 2 == 0 ? ca : cb).exchange("hot"));
      }
      // every caller but the leader is waiting, in either process, before the upstream answers
      await()
          .alias("all but one caller waiting")
          .atMost(Duration.ofSeconds(20))
          .conditionEvaluationListener(
              c -> {
                if (c.getRemainingTimeInMS() < 500) {
                  System.err.printf(
                      "waits a=%s b=%s calls=%d failedOpen a=%d b=%d leases %d/%d%n",
                      a.listener,
                      b.listener,
                      calls.get(),
                      a.dogpile.failedOpen(),
                      b.dogpile.failedOpen(),
                      a.dogpile.leasesAcquired(),
                      b.dogpile.leasesAcquired());
                }
              })
          .until(
              () -> a.listener.dogpileWaits.get() + b.listener.dogpileWaits.get() == REQUESTS - 1);
      gate.complete("go");

      Map<CacheStatus, Integer> statuses = new EnumMap<>(CacheStatus.class);
      for (CompletableFuture<CacheResult<String>> r : results) {
        CacheResult<String> result = r.get(10, TimeUnit.SECONDS);
        assertThat(result.value()).isEqualTo("value of hot");
        statuses.merge(result.status(), 1, Integer::sum);
      }
      assertThat(calls.get()).as("upstream calls").isEqualTo(1);
      assertThat(statuses).containsEntry(CacheStatus.MISS, 1).containsEntry(CacheStatus.HIT, 999);
      assertThat(a.dogpile.leasesAcquired() + b.dogpile.leasesAcquired())
          .as("one lease attempt per key and process, one granted")
          .isEqualTo(1);
      assertThat(a.dogpile.remoteWaits() + b.dogpile.remoteWaits()).isEqualTo(1);
    }
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES) // starting a JVM is slow on a busy machine
  void aSecondJvmWaitsForTheLeaderOfThisOne() throws Exception {
    try (RedisServer redis = RedisServer.launch();
        Node a = new Node(redis.uri(), Duration.ofSeconds(10))) {
      CompletableFuture<String> gate = new CompletableFuture<>();
      AtomicInteger calls = new AtomicInteger();
      CachedUpstream<String, String> ca =
          a.wrap(
              key -> {
                calls.incrementAndGet();
                return gate.thenApply(v -> "value of " + key);
              });
      List<CompletableFuture<String>> results = new ArrayList<>();
      for (int i = 0; i < REQUESTS / 2; i++) {
        results.add(ca.call("hot"));
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> a.dogpile.leasesAcquired() == 1);

      String classPath =
          System.getProperty("java.class.path")
              + File.pathSeparator
              + System.getProperty("jdk.module.path", "");
      Process child =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-XX:TieredStopAtLevel=1",
                  "-XX:+UseSerialGC",
                  "-cp",
                  classPath,
                  DogpileNodeMain.class.getName(),
                  redis.uri(),
                  "hot",
                  Integer.toString(REQUESTS / 2),
                  "value of hot")
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      try {
        BufferedReader out =
            new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> readLine(out));
        assertThat(waiting.get(120, TimeUnit.SECONDS)).isEqualTo("WAITING " + REQUESTS / 2);
        gate.complete("go");
        for (CompletableFuture<String> r : results) {
          assertThat(r.get(10, TimeUnit.SECONDS)).isEqualTo("value of hot");
        }
        String done = CompletableFuture.supplyAsync(() -> readLine(out)).get(40, TimeUnit.SECONDS);
        assertThat(done)
            .as("child's upstream calls and answers")
            .isEqualTo("DONE 0 " + REQUESTS / 2);
        assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(calls.get()).isEqualTo(1);
      } finally {
        child.destroyForcibly();
      }
    }
  }

  private static String readLine(BufferedReader in) {
    try {
      String line = in.readLine();
      return line == null ? "<end of output>" : line;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void waitersTakeOverAfterTheLeaseOfADeadLeaderExpires() throws Exception {
    try (RedisServer redis = RedisServer.launch();
        Node a = new Node(redis.uri(), Duration.ofMillis(500));
        Node b = new Node(redis.uri(), Duration.ofMillis(500))) {
      // the leader's upstream never answers
      CompletableFuture<String> hung = a.wrap(key -> new CompletableFuture<>()).call("k");
      await().atMost(Duration.ofSeconds(10)).until(() -> a.dogpile.leasesAcquired() == 1);

      AtomicInteger calls = new AtomicInteger();
      CachedUpstream<String, String> cb =
          b.wrap(
              key -> {
                calls.incrementAndGet();
                return CompletableFuture.completedFuture("value of " + key);
              });
      List<CompletableFuture<String>> waiting = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        waiting.add(cb.call("k"));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> b.listener.dogpileWaits.get() == 50);
      assertThat(waiting).noneMatch(CompletableFuture::isDone);

      long killedAt = System.nanoTime();
      a.close(); // the leader's process goes away: no renewal, no release, connections closed
      for (CompletableFuture<String> w : waiting) {
        assertThat(w.get(10, TimeUnit.SECONDS)).isEqualTo("value of k");
      }
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
      System.out.printf(
          "waiters answered %d ms after the leader died (lease 500 ms)%n", tookMillis);
      assertThat(calls.get()).as("one waiter took over").isEqualTo(1);
      assertThat(tookMillis).as("answered after the lease expired").isLessThan(5_000);
      assertThat(hung).isNotDone();
    }
  }

  @Test
  void aWaiterGoesUpstreamItselfAfterTheDogpileTimeout() throws Exception {
    try (RedisServer redis = RedisServer.launch();
        Node a = new Node(redis.uri(), Duration.ofSeconds(10));
        Node b = new Node(redis.uri(), Duration.ofSeconds(10))) {
      a.wrap(key -> new CompletableFuture<>()).call("k"); // alive, renewing, never answering
      await().atMost(Duration.ofSeconds(10)).until(() -> a.dogpile.leasesAcquired() == 1);
      CachedUpstream<String, String> cb =
          CacheEndpoint.<String, String>builder("dogpile")
              .backend(b.backend)
              .codec(ValueCodec.utf8())
              .concurrencyManager(b.dogpile)
              .dogpileTimeout(Duration.ofMillis(300))
              .policy(CachePolicy.builder().ttl(Duration.ofMinutes(5)).concurrency(1).build())
              .build()
              .wrap(key -> CompletableFuture.completedFuture("own " + key));
      assertThat(cb.call("k").get(10, TimeUnit.SECONDS)).isEqualTo("own k");
    }
  }

  @Test
  void redisDownCoalescesCallersInProcessLikeTheLocalManager() throws Exception {
    RedisServer down = RedisServer.prepare(); // never started
    try (down;
        Node a = new Node(down.uri(), Duration.ofSeconds(10), false)) {
      CompletableFuture<String> gate = new CompletableFuture<>();
      AtomicInteger calls = new AtomicInteger();
      CachedUpstream<String, String> ca =
          a.wrap(
              key -> {
                calls.incrementAndGet();
                return gate.thenApply(v -> "value of " + key);
              });
      List<CompletableFuture<String>> results = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        results.add(ca.call("k"));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> a.listener.dogpileWaits.get() == 99);
      gate.complete("go");
      for (CompletableFuture<String> r : results) {
        assertThat(r.get(10, TimeUnit.SECONDS)).isEqualTo("value of k");
      }
      assertThat(calls.get()).isEqualTo(1);
      assertThat(a.dogpile.failedOpen()).isEqualTo(1);
    }
  }

  /** One process's share: its own Redis connections, manager and listener. */
  static final class Node implements AutoCloseable {
    final RedisBackend backend;
    final RedisConcurrencyManager dogpile;
    final CountingListener listener = new CountingListener();

    Node(String uri, Duration lease) throws Exception {
      this(uri, lease, true);
    }

    Node(String uri, Duration lease, boolean up) throws Exception {
      backend =
          RedisBackend.builder()
              .connectionString(uri)
              .maxReconnectDelay(Duration.ofMillis(100))
              // generous bounds: the test machine is shared, and a lease attempt that times out
              // fails open by design, which would make a second caller go upstream
              .commandTimeout(Duration.ofSeconds(5))
              .build();
      dogpile =
          RedisConcurrencyManager.builder(backend)
              .leaseTime(lease)
              .pollInterval(Duration.ofMillis(50))
              .acquireTimeout(Duration.ofSeconds(5))
              .build();
      if (up) {
        backend.verify();
        dogpile.subscribed().get(20, TimeUnit.SECONDS);
      }
    }

    CachedUpstream<String, String> wrap(Upstream<String, String> upstream) {
      return CacheEndpoint.<String, String>builder("dogpile")
          .backend(backend)
          .codec(ValueCodec.utf8())
          .listener(listener)
          .concurrencyManager(dogpile)
          .backendTimeout(Duration.ofSeconds(5))
          // longer than a JVM takes to start on a busy machine: no waiter may give up here
          .dogpileTimeout(Duration.ofMinutes(3))
          .policy(CachePolicy.builder().ttl(Duration.ofMinutes(5)).concurrency(1).build())
          .build()
          .wrap(upstream);
    }

    @Override
    public void close() {
      dogpile.close();
      backend.close();
    }
  }
}
