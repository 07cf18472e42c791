package dev.hitbox.core.spi;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * Decides whether a subject (a request or a response of any protocol) may be cached.
 *
 * <p>Combine predicates with {@link #and}, {@link #or} and {@link #negate}; {@code and} and {@code
 * or} short-circuit. Implementations must be thread-safe.
 *
 * <pre>{@code
 * CachePredicate<Query> onlyReads = CachePredicate.of(q -> q.isRead());
 * CachePredicate<Query> rule = onlyReads.and(CachePredicate.of(q -> q.size() < 100)).negate();
 * }</pre>
 *
 * @param <S> the subject type
 */
@FunctionalInterface
public interface CachePredicate<S> {

  /**
   * Tests a subject.
   *
   * @return a stage with {@code true} when the subject is cacheable
   */
  CompletionStage<Boolean> test(S subject);

  /** A predicate from a synchronous one. */
  static <S> CachePredicate<S> of(Predicate<? super S> predicate) {
    requireNonNull(predicate, "predicate");
    return s -> Predicates.completed(predicate.test(s));
  }

  /**
   * A predicate that accepts everything. Always the same instance, which the engine recognises and
   * skips.
   */
  @SuppressWarnings("unchecked")
  static <S> CachePredicate<S> always() {
    return (CachePredicate<S>) Predicates.ALWAYS;
  }

  /** A predicate that accepts nothing. */
  static <S> CachePredicate<S> never() {
    return s -> Predicates.FALSE;
  }

  /** Accepts when this and {@code other} accept; {@code other} is not consulted if this rejects. */
  default CachePredicate<S> and(CachePredicate<? super S> other) {
    requireNonNull(other, "other");
    return s -> test(s).thenCompose(ok -> ok ? other.test(s) : Predicates.FALSE);
  }

  /** Accepts when this or {@code other} accepts; {@code other} is not consulted if this accepts. */
  default CachePredicate<S> or(CachePredicate<? super S> other) {
    requireNonNull(other, "other");
    return s -> test(s).thenCompose(ok -> ok ? Predicates.TRUE : other.test(s));
  }

  /** Accepts what this rejects. */
  default CachePredicate<S> negate() {
    return s -> test(s).thenApply(ok -> !ok);
  }
}

final class Predicates {
  static final CompletionStage<Boolean> TRUE = CompletableFuture.completedStage(Boolean.TRUE);
  static final CompletionStage<Boolean> FALSE = CompletableFuture.completedStage(Boolean.FALSE);
  static final CachePredicate<Object> ALWAYS = s -> TRUE;

  static CompletionStage<Boolean> completed(boolean b) {
    return b ? TRUE : FALSE;
  }

  private Predicates() {}
}
