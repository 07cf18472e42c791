package dev.hitbox.config;

import static java.util.Objects.requireNonNull;

import dev.hitbox.core.OffloadManager;
import dev.hitbox.core.TimeoutPolicy;
import java.util.OptionalInt;

/**
 * The {@code offload:} section: the settings of the {@link OffloadManager} that runs background
 * revalidation ({@code OffloadRevalidate}). Immutable and thread-safe.
 *
 * <pre>{@code
 * OffloadManager manager = config.offload().toBuilder().listener(metrics).build();
 * }</pre>
 */
public final class OffloadConfig {
  static final OffloadConfig DEFAULTS = new OffloadConfig(0, TimeoutPolicy.none(), true);

  private final int maxConcurrentTasks;
  private final TimeoutPolicy timeoutPolicy;
  private final boolean deduplicate;

  OffloadConfig(int maxConcurrentTasks, TimeoutPolicy timeoutPolicy, boolean deduplicate) {
    this.maxConcurrentTasks = maxConcurrentTasks;
    this.timeoutPolicy = requireNonNull(timeoutPolicy, "timeoutPolicy");
    this.deduplicate = deduplicate;
  }

  /** How many tasks may run at once ({@code max_concurrent_tasks}); empty when unlimited. */
  public OptionalInt maxConcurrentTasks() {
    return maxConcurrentTasks == 0 ? OptionalInt.empty() : OptionalInt.of(maxConcurrentTasks);
  }

  /** What happens to tasks that run too long ({@code timeout_policy}; default none). */
  public TimeoutPolicy timeoutPolicy() {
    return timeoutPolicy;
  }

  /** Whether at most one task per key runs at once ({@code deduplicate}; default true). */
  public boolean deduplicate() {
    return deduplicate;
  }

  /** A new {@link OffloadManager} builder with these settings; add an executor and a listener. */
  public OffloadManager.Builder toBuilder() {
    OffloadManager.Builder b =
        OffloadManager.builder().timeoutPolicy(timeoutPolicy).deduplicate(deduplicate);
    if (maxConcurrentTasks > 0) {
      b.maxConcurrentTasks(maxConcurrentTasks);
    }
    return b;
  }

  @Override
  public String toString() {
    return "Offload{maxConcurrentTasks="
        + (maxConcurrentTasks == 0 ? "unlimited" : maxConcurrentTasks)
        + ", timeoutPolicy="
        + timeoutPolicy
        + ", deduplicate="
        + deduplicate
        + "}";
  }
}
