package dev.hitbox.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.core.CacheException;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.CacheStatus;
import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.HitboxCache;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.core.spi.ValueCodec;
import dev.hitbox.testkit.FakeBackend;
import dev.hitbox.testkit.FakeTicker;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The application-cache form: get / put / invalidate by key, pattern and tag. */
class HitboxCacheTest {
  private final FakeTicker ticker = new FakeTicker();
  private final FakeBackend backend = new FakeBackend(ticker);
  private final AtomicInteger loads = new AtomicInteger();
  private final HitboxCache<String> cache =
      HitboxCache.builder("posts", ValueCodec.utf8())
          .backend(backend)
          .ticker(ticker)
          .policy(CachePolicy.builder().ttl(Duration.ofSeconds(30)).concurrency(1).build())
          .build();

  private CompletionStage<String> load(String key) {
    loads.incrementAndGet();
    return CompletableFuture.completedFuture("loaded " + key);
  }

  @Test
  void getLoadsOnceThenServesFromTheCacheUntilTheTtl() {
    assertThat(cache.get("user:42", this::load).join()).isEqualTo("loaded user:42");
    assertThat(cache.getWithStatus("user:42", this::load).join().status())
        .isEqualTo(CacheStatus.HIT);
    assertThat(loads).hasValue(1);

    ticker.advance(Duration.ofSeconds(31));
    assertThat(cache.getWithStatus("user:42", this::load).join().status())
        .isEqualTo(CacheStatus.MISS);
    assertThat(loads).hasValue(2);
  }

  @Test
  void putThenGetIfPresent() {
    assertThat(cache.getIfPresent("a").join()).isNull();
    cache.put("a", "A").join();
    assertThat(cache.getIfPresent("a").join()).isEqualTo("A");
    assertThat(cache.get("a", this::load).join()).isEqualTo("A");
    assertThat(loads).hasValue(0);
  }

  @Test
  void invalidateRemovesOneKey() {
    cache.put("a", "A").join();
    cache.put("b", "B").join();

    assertThat(cache.invalidate("a").join()).isTrue();
    assertThat(cache.invalidate("a").join()).isFalse();

    assertThat(cache.getIfPresent("a").join()).isNull();
    assertThat(cache.getIfPresent("b").join()).isEqualTo("B");
  }

  @Test
  void invalidatePatternRemovesMatchingKeysOnly() {
    for (String k : new String[] {"posts:user:42:1", "posts:user:42:2", "posts:user:420:1"}) {
      cache.put(k, k).join();
    }

    assertThat(cache.invalidatePattern("posts:user:42:*").join()).isEqualTo(2);

    assertThat(cache.getIfPresent("posts:user:42:1").join()).isNull();
    assertThat(cache.getIfPresent("posts:user:42:2").join()).isNull();
    assertThat(cache.getIfPresent("posts:user:420:1").join()).isEqualTo("posts:user:420:1");
  }

  @Test
  void invalidateTagRemovesTaggedEntries() {
    cache.put("a", "A", Set.of("author:1")).join();
    cache.put("b", "B", Set.of("author:1", "author:2")).join();
    cache.put("c", "C", Set.of("author:2")).join();

    assertThat(cache.invalidateTag("author:1").join()).isEqualTo(2);

    assertThat(cache.getIfPresent("a").join()).isNull();
    assertThat(cache.getIfPresent("b").join()).isNull();
    assertThat(cache.getIfPresent("c").join()).isEqualTo("C");
  }

  @Test
  void patternInvalidationOnABackendWithoutItIsAClearError() {
    Backend plain =
        new Backend() {
          @Override
          public CompletionStage<byte[]> read(dev.hitbox.core.CacheKey key) {
            return CompletableFuture.completedFuture(null);
          }

          @Override
          public CompletionStage<Void> write(dev.hitbox.core.CacheKey key, BackendEntry entry) {
            return CompletableFuture.completedFuture(null);
          }

          @Override
          public CompletionStage<Boolean> remove(dev.hitbox.core.CacheKey key) {
            return CompletableFuture.completedFuture(false);
          }

          @Override
          public String name() {
            return "plain";
          }
        };
    HitboxCache<String> c = HitboxCache.builder("x", ValueCodec.utf8()).backend(plain).build();

    assertThatThrownBy(() -> c.invalidatePattern("*").join())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(CacheException.class)
        .hasMessage("backend plain does not support pattern invalidation");
    assertThatThrownBy(() -> c.invalidateTag("t").join())
        .cause()
        .hasMessage("backend plain does not support tag invalidation");
  }

  @Test
  void concurrentGetsOfAMissingKeyLoadOnce() {
    CompletableFuture<String> gate = new CompletableFuture<>();
    CompletableFuture<String> first = cache.get("k", k -> gate);
    CompletableFuture<String> second = cache.get("k", k -> CompletableFuture.completedFuture("x"));

    gate.complete("from first");

    assertThat(first.join()).isEqualTo("from first");
    assertThat(second.join()).isEqualTo("from first");
  }

  @Test
  void invalidNamesAndMissingBackendAreClearErrors() {
    assertThatThrownBy(() -> HitboxCache.builder("bad name", ValueCodec.utf8()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("namespace: \"bad name\"");
    assertThatThrownBy(() -> HitboxCache.builder("ok", ValueCodec.utf8()).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("endpoint ok: backend is not set (expected: a Backend)");
  }
}
