package dev.hitbox.core;

import org.jspecify.annotations.Nullable;

/**
 * The root of Hitbox's own exceptions. Hitbox never fails a request because of the cache: these are
 * thrown for configuration errors and reported to listeners for backend failures.
 */
public class CacheException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message. */
  public CacheException(String message) {
    super(message);
  }

  /** Creates an exception with a message and a cause. */
  public CacheException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
