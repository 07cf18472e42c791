package dev.hitbox.redis;

import dev.hitbox.core.CacheResult;
import dev.hitbox.core.CachedUpstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A second process for {@link DistributedDogpileTest}: sends {@code count} requests for one key,
 * prints {@code WAITING} once all of them wait on a leader elsewhere, then {@code DONE <upstream
 * calls> <answers equal to the leader's>} and exits.
 */
final class DogpileNodeMain {
  private DogpileNodeMain() {}

  public static void main(String[] args) throws Exception {
    String uri = args[0];
    String key = args[1];
    int count = Integer.parseInt(args[2]);
    String expected = args[3];
    try (DistributedDogpileTest.Node node =
        new DistributedDogpileTest.Node(uri, Duration.ofSeconds(10))) {
      node.dogpile.subscribed().get(20, TimeUnit.SECONDS);
      AtomicInteger calls = new AtomicInteger();
      CachedUpstream<String, String> cached =
          node.wrap(
              k -> {
                calls.incrementAndGet();
                return CompletableFuture.completedFuture("child's own " + k);
              });
      List<CompletableFuture<CacheResult<String>>> results = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        results.add(cached.exchange(key));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (node.listener.dogpileWaits.get() < count && System.nanoTime() < deadline) {
        Thread.onSpinWait();
        Thread.yield();
      }
      System.out.println("WAITING " + node.listener.dogpileWaits.get());
      System.out.flush();
      int same = 0;
      for (CompletableFuture<CacheResult<String>> r : results) {
        if (r.get(30, TimeUnit.SECONDS).value().equals(expected)) {
          same++;
        }
      }
      System.out.println("DONE " + calls.get() + " " + same);
      System.err.println("child: " + node.listener + ", failedOpen=" + node.dogpile.failedOpen());
      System.out.flush();
    }
    System.exit(0);
  }
}
