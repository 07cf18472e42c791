package dev.hitbox.core.spi;

import java.util.concurrent.CompletionStage;

/**
 * An optional ability of a {@link Backend}: remove every entry at once. A local L1 implements it so
 * that a {@link dev.hitbox.core.CoherentBackend} can drop everything it may have missed news of.
 */
public interface Clearable {

  /** Removes every entry. */
  CompletionStage<Void> clear();
}
