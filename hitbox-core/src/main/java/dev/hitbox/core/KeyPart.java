package dev.hitbox.core;

import static java.util.Objects.requireNonNull;

/**
 * One named component of a {@link CacheKey}, such as {@code author_id=42}. An empty name marks an
 * unnamed part: the plain string key of the application-cache form.
 *
 * @param name the part's name; may be empty
 * @param value the part's value; may be empty
 */
public record KeyPart(String name, String value) {

  /** Validates the components. */
  public KeyPart {
    requireNonNull(name, "name");
    requireNonNull(value, "value");
  }

  /** Creates a named part. */
  public static KeyPart of(String name, String value) {
    return new KeyPart(name, value);
  }
}
