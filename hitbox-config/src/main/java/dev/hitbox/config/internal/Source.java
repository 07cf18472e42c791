package dev.hitbox.config.internal;

import java.util.Map;

/**
 * Where a document came from, and the environment its {@code ${VAR}} placeholders are resolved in.
 */
public record Source(String name, Map<String, String> environment) {
  /** Copies the environment. */
  public Source {
    environment = Map.copyOf(environment);
  }
}
