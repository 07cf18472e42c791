package dev.hitbox.core.spi;

import java.util.concurrent.CompletionStage;

/**
 * An optional ability of a {@link Backend}: remove every entry of a namespace whose key {@link
 * dev.hitbox.core.CacheKey#text() text} matches a glob pattern ({@code *} any run of characters,
 * {@code ?} one character, {@code \} escapes the next character).
 */
public interface PatternInvalidator {

  /**
   * Removes the matching entries.
   *
   * @param namespace the namespace the keys belong to
   * @param pattern the glob pattern, e.g. {@code posts:user:42:*}
   * @return a stage with the number of entries removed (an estimate where the backend cannot count
   *     exactly)
   */
  CompletionStage<Long> invalidatePattern(String namespace, String pattern);
}
