package dev.hitbox.core;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What the {@link OffloadManager} does with a background task that runs too long: nothing, cancel
 * it, or warn (report it to the listener and let it run). Immutable.
 */
public final class TimeoutPolicy {

  /** The kinds of timeout policy. */
  public enum Kind {
    /** Tasks run as long as they take. */
    NONE,
    /** Tasks still running after the duration are cancelled and counted as timed out. */
    CANCEL,
    /** Tasks still running after the duration are counted as timed out but keep running. */
    WARN
  }

  private static final TimeoutPolicy NONE = new TimeoutPolicy(Kind.NONE, null);

  private final Kind kind;
  private final @Nullable Duration duration;

  private TimeoutPolicy(Kind kind, @Nullable Duration duration) {
    this.kind = kind;
    this.duration = duration;
  }

  /** No timeout. */
  public static TimeoutPolicy none() {
    return NONE;
  }

  /** Cancel tasks that run longer than {@code duration}. */
  public static TimeoutPolicy cancel(Duration duration) {
    return new TimeoutPolicy(Kind.CANCEL, checkPositive(duration));
  }

  /** Report tasks that run longer than {@code duration}, and let them run. */
  public static TimeoutPolicy warn(Duration duration) {
    return new TimeoutPolicy(Kind.WARN, checkPositive(duration));
  }

  private static Duration checkPositive(Duration d) {
    requireNonNull(d, "duration");
    if (d.isNegative() || d.isZero()) {
      throw new ConfigurationException("timeout: " + d + " (expected: > 0)");
    }
    return d;
  }

  /** The kind. */
  public Kind kind() {
    return kind;
  }

  /** The duration, empty for {@link Kind#NONE}. */
  public Optional<Duration> duration() {
    return Optional.ofNullable(duration);
  }

  @Override
  public String toString() {
    return kind == Kind.NONE ? "None" : kind + "(" + duration + ")";
  }
}
