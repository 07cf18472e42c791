package dev.hitbox.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.core.spi.ValueCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

class CompositeListenerTest {

  /** Records the engine events of a request's life. */
  static final class Log extends CacheListener {
    final ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();

    @Override
    public void onHit(CacheKey key) {
      events.add("hit " + key.text());
    }

    @Override
    public void onMiss(CacheKey key) {
      events.add("miss " + key.text());
    }

    @Override
    public void onPut(CacheKey key) {
      events.add("put " + key.text());
    }

    @Override
    public void onResponse(String namespace, CacheStatus status, long latencyNanos) {
      events.add("response " + status);
    }

    @Override
    public void onResponseError(String namespace, Throwable error, long latencyNanos) {
      events.add("error " + error.getMessage());
    }
  }

  static final class Throwing extends CacheListener {
    @Override
    public void onHit(CacheKey key) {
      throw new IllegalStateException("boom");
    }
  }

  private static HitboxCache<String> cache(CacheListener listener) {
    return HitboxCache.builder("users", ValueCodec.utf8())
        .backend(new TierBackend("map", System::currentTimeMillis))
        .listener(listener)
        .build();
  }

  @Test
  void noneAndSingleListenersAreNotWrapped() {
    Log one = new Log();
    assertThat(CacheListener.composite()).isSameAs(CacheListener.NONE);
    assertThat(CacheListener.composite(CacheListener.NONE, one)).isSameAs(one);
  }

  @Test
  void compositesFlatten() {
    Log a = new Log();
    Log b = new Log();
    Log c = new Log();
    CacheListener nested = CacheListener.composite(CacheListener.composite(a, b), c);
    nested.onHit(CacheKey.of("users", "1"));
    assertThat(List.of(a, b, c)).allSatisfy(l -> assertThat(l.events).containsExactly("hit 1"));
    assertThat(nested.toString()).contains("composite");
  }

  @Test
  void everyListenerHearsTheEngineEvenWhenOneThrows() {
    Log first = new Log();
    Log last = new Log();
    HitboxCache<String> users = cache(CacheListener.composite(first, new Throwing(), last));

    assertThat(users.get("42", k -> CompletableFuture.completedFuture("Ada")).join())
        .isEqualTo("Ada");
    assertThat(users.get("42", k -> CompletableFuture.completedFuture("other")).join())
        .isEqualTo("Ada");

    List<String> expected = List.of("miss 42", "put 42", "response MISS", "hit 42", "response HIT");
    assertThat(new ArrayList<>(first.events)).containsExactlyElementsOf(expected);
    assertThat(new ArrayList<>(last.events)).containsExactlyElementsOf(expected);
  }

  @Test
  void aFailedRequestIsReportedAsAnError() {
    Log log = new Log();
    HitboxCache<String> users = cache(log);

    CompletableFuture<String> failed =
        users.get("7", k -> CompletableFuture.failedFuture(new IllegalStateException("down")));

    assertThat(failed).isCompletedExceptionally();
    assertThat(new ArrayList<>(log.events)).containsExactly("miss 7", "error down");
  }

  @Test
  void getIfPresentIsALookupToo() {
    Log log = new Log();
    HitboxCache<String> users = cache(log);
    assertThat(users.getIfPresent("1").join()).isNull();
    users.put("1", "Ada").join();
    assertThat(users.getIfPresent("1").join()).isEqualTo("Ada");
    assertThat(new ArrayList<>(log.events)).containsExactly("miss 1", "put 1", "hit 1");
  }

  @Test
  void anExplicitPutIsReported() {
    Log log = new Log();
    cache(log).put("9", "Grace").join();
    assertThat(new ArrayList<>(log.events)).containsExactly("put 9");
  }
}
