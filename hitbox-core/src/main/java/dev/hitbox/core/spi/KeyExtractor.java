package dev.hitbox.core.spi;

import static java.util.Objects.requireNonNull;

import dev.hitbox.core.KeyPart;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Builds the parts of a cache key from a subject (a request of any protocol). Extractors chain with
 * {@link #and}: the parts of each are appended in order to form one key.
 *
 * <p>Implementations must be thread-safe.
 *
 * <pre>{@code
 * KeyExtractor<GetCatalog> key =
 *     KeyExtractor.<GetCatalog>of(r -> List.of(KeyPart.of("category", r.category())))
 *         .and(KeyExtractor.of(r -> List.of(KeyPart.of("page", Integer.toString(r.page())))));
 * }</pre>
 *
 * @param <S> the subject type
 */
@FunctionalInterface
public interface KeyExtractor<S> {

  /** Extracts this extractor's parts of the key. */
  CompletionStage<List<KeyPart>> extract(S subject);

  /**
   * An extractor from a synchronous function. Its stages are completed futures (each call gets its
   * own), which the engine reads without a callback.
   */
  static <S> KeyExtractor<S> of(Function<? super S, List<KeyPart>> function) {
    requireNonNull(function, "function");
    return s -> CompletableFuture.completedFuture(function.apply(s));
  }

  /** An extractor whose key is the subject's {@code toString()} as one unnamed part. */
  static <S> KeyExtractor<S> string() {
    return s -> CompletableFuture.completedFuture(List.of(new KeyPart("", s.toString())));
  }

  /** This extractor's parts followed by {@code next}'s. */
  default KeyExtractor<S> and(KeyExtractor<? super S> next) {
    requireNonNull(next, "next");
    return s ->
        extract(s)
            .thenCombine(
                next.extract(s),
                (a, b) -> {
                  List<KeyPart> all = new ArrayList<>(a.size() + b.size());
                  all.addAll(a);
                  all.addAll(b);
                  return all;
                });
  }
}
