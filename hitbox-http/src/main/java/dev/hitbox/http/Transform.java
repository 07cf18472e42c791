package dev.hitbox.http;

import dev.hitbox.http.internal.Hashing;
import java.util.Locale;

/**
 * A change applied to an extracted key value (YAML {@code transforms: [hash, lowercase]}), in the
 * order given.
 */
public enum Transform {
  /**
   * The SHA-256 of the value's UTF-8 bytes, in 64 lower-case hex digits: keeps secrets out of keys.
   */
  HASH {
    @Override
    public String apply(String value) {
      return Hashing.sha256(value);
    }
  },
  /** The value in lower case (locale-neutral). */
  LOWERCASE {
    @Override
    public String apply(String value) {
      return value.toLowerCase(Locale.ROOT);
    }
  },
  /** The value in upper case (locale-neutral). */
  UPPERCASE {
    @Override
    public String apply(String value) {
      return value.toUpperCase(Locale.ROOT);
    }
  };

  /** Applies the transform. */
  public abstract String apply(String value);
}
