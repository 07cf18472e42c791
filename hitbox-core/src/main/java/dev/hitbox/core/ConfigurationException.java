package dev.hitbox.core;

/**
 * A configuration value was invalid. The message names the setting, the value given and what is
 * allowed, e.g. {@code "ttl: PT-1S (expected: > 0)"}.
 */
public class ConfigurationException extends CacheException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message naming the setting, the value and what is expected. */
  public ConfigurationException(String message) {
    super(message);
  }
}
