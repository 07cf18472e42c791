package dev.hitbox.caffeine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CoherentBackend;
import dev.hitbox.core.CompositeBackend;
import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.core.spi.Invalidation;
import dev.hitbox.core.spi.InvalidationBus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Two instances with their own Caffeine L1 over one shared L2, on an in-memory bus. */
class CoherentBackendTest {
  private final CaffeineBackend shared = CaffeineBackend.builder().build();
  private final Hub hub = new Hub();
  private final Instance a = new Instance();
  private final Instance b = new Instance();

  @Test
  void aWriteEvictsTheKeyFromTheOtherL1Only() {
    CacheKey k = CacheKey.of("users", "k");
    a.tiers.write(k, entry("old", Set.of())).toCompletableFuture().join();
    b.l1.write(k, entry("old", Set.of())).toCompletableFuture().join(); // b read it earlier

    a.tiers.write(k, entry("new", Set.of())).toCompletableFuture().join();

    assertThat(b.l1.entries()).doesNotContainKey(k);
    assertThat(text(b.tiers.read(k))).isEqualTo("new");
    assertThat(text(a.l1.read(k))).as("the writer's own L1 keeps its write").isEqualTo("new");
    assertThat(a.tiers.received()).isZero();
    assertThat(b.tiers.received()).as("one message per write").isEqualTo(2);
  }

  @Test
  void removalTagAndPatternReachTheOtherL1() {
    CacheKey tagged = CacheKey.of("posts", "post:1");
    CacheKey user = CacheKey.of("posts", "user:1");
    CacheKey other = CacheKey.of("posts", "other");
    CacheKey removed = CacheKey.of("posts", "gone");
    for (CacheKey k : List.of(tagged, user, other, removed)) {
      BackendEntry e = entry("v", k == tagged ? Set.of("author:7") : Set.of());
      a.tiers.write(k, e).toCompletableFuture().join();
      b.l1.write(k, e).toCompletableFuture().join();
    }

    a.tiers.invalidateTag("author:7").toCompletableFuture().join();
    a.tiers.invalidatePattern("posts", "user:*").toCompletableFuture().join();
    a.tiers.remove(removed).toCompletableFuture().join();

    assertThat(b.l1.entries().keySet()).containsExactly(other);
  }

  @Test
  void aResetClearsTheL1() {
    CacheKey k = CacheKey.of("users", "k");
    b.l1.write(k, entry("v", Set.of("t"))).toCompletableFuture().join();

    hub.reset();

    assertThat(b.l1.entries()).isEmpty();
    assertThat(b.l1.tagIndex()).isEmpty();
    assertThat(b.tiers.resets()).isEqualTo(1);
  }

  @Test
  void aFailedPublishIsReportedNotPassedOn() {
    hub.failing = true;
    CacheKey k = CacheKey.of("users", "k");

    assertThat(a.tiers.write(k, entry("v", Set.of()))).succeedsWithin(Duration.ofSeconds(5));
  }

  @Test
  void builderNamesWhatIsMissing() {
    CompositeBackend tiers = CaffeineBackend.builder().build().compose(shared);
    assertThatThrownBy(() -> CoherentBackend.builder(tiers).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("bus: not set (expected: an InvalidationBus)");

    Backend plain =
        new Backend() {
          @Override
          public String name() {
            return "plain";
          }

          @Override
          public CompletionStage<byte @Nullable []> read(CacheKey key) {
            return CompletableFuture.completedFuture(null);
          }

          @Override
          public CompletionStage<Void> write(CacheKey key, BackendEntry entry) {
            return CompletableFuture.completedFuture(null);
          }

          @Override
          public CompletionStage<Boolean> remove(CacheKey key) {
            return CompletableFuture.completedFuture(false);
          }
        };
    assertThatThrownBy(() -> CoherentBackend.builder(plain.compose(shared)).bus(hub.join()).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "l1: plain (expected: a backend implementing Clearable, such as CaffeineBackend)");
    assertThatThrownBy(() -> CoherentBackend.builder(tiers).reevictAfter(Duration.ofMillis(-1)))
        .hasMessage("reevict_after: PT-0.001S (expected: >= 0)");
  }

  private static BackendEntry entry(String value, Set<String> tags) {
    return BackendEntry.of(
        value.getBytes(StandardCharsets.UTF_8), Long.MAX_VALUE, Long.MAX_VALUE, tags);
  }

  private static @Nullable String text(CompletionStage<byte @Nullable []> read) {
    byte[] bytes = read.toCompletableFuture().join();
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  /** One application instance: its own L1 over the shared L2. */
  private final class Instance {
    final CaffeineBackend l1 = CaffeineBackend.builder().build();
    final CoherentBackend tiers =
        CoherentBackend.builder(l1.compose(shared))
            .bus(hub.join())
            .reevictAfter(Duration.ZERO)
            .build();
  }

  /** Delivers each message synchronously to every other member. */
  private static final class Hub {
    final List<Member> members = new CopyOnWriteArrayList<>();
    volatile boolean failing;

    Member join() {
      Member m = new Member(this);
      members.add(m);
      return m;
    }

    void reset() {
      for (Member m : members) {
        m.listeners.forEach(InvalidationBus.Listener::onReset);
      }
    }
  }

  private static final class Member implements InvalidationBus {
    final Hub hub;
    final List<Listener> listeners = new CopyOnWriteArrayList<>();

    Member(Hub hub) {
      this.hub = hub;
    }

    @Override
    public CompletionStage<Void> publish(Invalidation invalidation) {
      if (hub.failing) {
        return CompletableFuture.failedFuture(new IllegalStateException("bus down"));
      }
      for (Member m : hub.members) {
        if (m != this) {
          m.listeners.forEach(l -> l.onInvalidation(invalidation));
        }
      }
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public AutoCloseable subscribe(Listener listener) {
      listeners.add(listener);
      return () -> listeners.remove(listener);
    }
  }
}
