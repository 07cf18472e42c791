package dev.hitbox.core.internal;

/** Calls listener methods so that a throwing listener cannot break a request. */
public final class Events {
  private Events() {}

  /** Runs {@code event}, ignoring anything it throws. */
  public static void safely(Runnable event) {
    try {
      event.run();
    } catch (RuntimeException ignored) {
      // Listeners must not throw; if one does, the request goes on.
    }
  }
}
