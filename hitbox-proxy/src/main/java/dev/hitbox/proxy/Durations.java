package dev.hitbox.proxy;

import java.time.Duration;

/** Durations as people write them in configuration: {@code 500ms}, {@code 30s}, {@code 5m}. */
final class Durations {
  private Durations() {}

  static String text(Duration d) {
    long ms = d.toMillis();
    if (ms % 1000 != 0) {
      return ms + "ms";
    }
    long s = ms / 1000;
    if (s != 0 && s % 3600 == 0) {
      return s / 3600 + "h";
    }
    if (s != 0 && s % 60 == 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }
}
