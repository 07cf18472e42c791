package dev.hitbox.http;

import dev.hitbox.core.spi.CachePredicate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Short-circuiting And / Or over predicates that may answer later. */
final class Combinators {
  private static final CompletionStage<Boolean> TRUE = CompletableFuture.completedStage(true);
  private static final CompletionStage<Boolean> FALSE = CompletableFuture.completedStage(false);

  private Combinators() {}

  static <S> CompletionStage<Boolean> all(
      List<? extends CachePredicate<? super S>> ps, S subject, int from) {
    return fold(ps, subject, from, false);
  }

  static <S> CompletionStage<Boolean> any(
      List<? extends CachePredicate<? super S>> ps, S subject, int from) {
    return fold(ps, subject, from, true);
  }

  /** Tests in order until one answers {@code stopOn}; completed answers are taken without a hop. */
  private static <S> CompletionStage<Boolean> fold(
      List<? extends CachePredicate<? super S>> ps, S subject, int from, boolean stopOn) {
    for (int i = from; i < ps.size(); i++) {
      CompletableFuture<Boolean> r = ps.get(i).test(subject).toCompletableFuture();
      if (r.isDone() && !r.isCompletedExceptionally()) {
        if (Boolean.TRUE.equals(r.join()) == stopOn) {
          return stopOn ? TRUE : FALSE;
        }
        continue;
      }
      int next = i + 1;
      return r.thenCompose(
          ok ->
              Boolean.TRUE.equals(ok) == stopOn
                  ? (stopOn ? TRUE : FALSE)
                  : fold(ps, subject, next, stopOn));
    }
    return stopOn ? FALSE : TRUE;
  }

  static CompletionStage<Boolean> of(boolean b) {
    return b ? TRUE : FALSE;
  }
}
