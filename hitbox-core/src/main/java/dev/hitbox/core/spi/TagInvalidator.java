package dev.hitbox.core.spi;

import java.util.concurrent.CompletionStage;

/** An optional ability of a {@link Backend}: remove every entry written with a given tag. */
public interface TagInvalidator {

  /**
   * Removes the entries tagged {@code tag}.
   *
   * @return a stage with the number of entries removed (an estimate where the backend cannot count
   *     exactly)
   */
  CompletionStage<Long> invalidateTag(String tag);
}
