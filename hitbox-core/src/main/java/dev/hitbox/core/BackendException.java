package dev.hitbox.core;

import org.jspecify.annotations.Nullable;

/**
 * A backend failed, timed out or returned bytes that do not parse. The engine never throws this to
 * a caller: it is a miss or a skipped write, reported to the {@link CacheListener}.
 */
public class BackendException extends CacheException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message. */
  public BackendException(String message) {
    super(message);
  }

  /** Creates an exception with a message and a cause. */
  public BackendException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
