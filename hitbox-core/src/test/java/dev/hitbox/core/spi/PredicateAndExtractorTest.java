package dev.hitbox.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.core.KeyPart;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PredicateAndExtractorTest {
  private final CachePredicate<Integer> even = CachePredicate.of(i -> i % 2 == 0);
  private final CachePredicate<Integer> small = CachePredicate.of(i -> i < 10);

  private static boolean test(CachePredicate<Integer> p, int i) {
    return p.test(i).toCompletableFuture().join();
  }

  @Test
  void combinators() {
    assertThat(test(even.and(small), 4)).isTrue();
    assertThat(test(even.and(small), 12)).isFalse();
    assertThat(test(even.or(small), 3)).isTrue();
    assertThat(test(even.or(small), 13)).isFalse();
    assertThat(test(even.negate(), 3)).isTrue();
    assertThat(test(CachePredicate.always(), 1)).isTrue();
    assertThat(test(CachePredicate.never(), 1)).isFalse();
  }

  @Test
  void andAndOrShortCircuit() {
    AtomicInteger calls = new AtomicInteger();
    CachePredicate<Integer> counting =
        i -> {
          calls.incrementAndGet();
          return CompletableFuture.completedFuture(true);
        };
    test(CachePredicate.<Integer>never().and(counting), 1);
    test(CachePredicate.<Integer>always().or(counting), 1);
    assertThat(calls).hasValue(0);
  }

  @Test
  void asyncPredicatesCompose() {
    CompletableFuture<Boolean> later = new CompletableFuture<>();
    CachePredicate<Integer> slow = i -> later;
    CompletableFuture<Boolean> r = even.and(slow).test(2).toCompletableFuture();
    assertThat(r).isNotDone();
    later.complete(true);
    assertThat(r.join()).isTrue();
  }

  @Test
  void chainedExtractorsAppendPartsInOrder() {
    KeyExtractor<String> first = KeyExtractor.of(s -> List.of(KeyPart.of("a", s)));
    KeyExtractor<String> second = KeyExtractor.of(s -> List.of(KeyPart.of("len", "" + s.length())));
    assertThat(first.and(second).extract("xyz").toCompletableFuture().join())
        .containsExactly(KeyPart.of("a", "xyz"), KeyPart.of("len", "3"));
    assertThat(KeyExtractor.<Integer>string().extract(7).toCompletableFuture().join())
        .containsExactly(KeyPart.of("", "7"));
  }
}
