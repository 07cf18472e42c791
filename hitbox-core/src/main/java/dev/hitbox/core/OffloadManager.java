package dev.hitbox.core;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Runs background tasks such as stale revalidation: at most {@code maxConcurrentTasks} at once
 * (further tasks are rejected and counted), one per key when deduplication is on (the default),
 * with a {@link TimeoutPolicy}. Share one manager between endpoints to bound background work
 * globally. Thread-safe.
 *
 * <pre>{@code
 * OffloadManager offload = OffloadManager.builder()
 *     .maxConcurrentTasks(10)
 *     .timeoutPolicy(TimeoutPolicy.cancel(Duration.ofSeconds(30)))
 *     .build();
 * }</pre>
 */
public final class OffloadManager {
  private final int maxConcurrentTasks;
  private final TimeoutPolicy timeoutPolicy;
  private final boolean deduplicate;
  private final Executor executor;
  private final CacheListener listener;

  private final ConcurrentHashMap<String, CompletableFuture<Void>> running =
      new ConcurrentHashMap<>();
  private final AtomicInteger active = new AtomicInteger();
  private final LongAdder spawned = new LongAdder();
  private final LongAdder completed = new LongAdder();
  private final LongAdder deduplicated = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder timedOut = new LongAdder();

  private OffloadManager(Builder b) {
    this.maxConcurrentTasks = b.maxConcurrentTasks;
    this.timeoutPolicy = b.timeoutPolicy;
    this.deduplicate = b.deduplicate;
    this.executor = b.executor;
    this.listener = b.listener;
  }

  /** Starts a manager. Defaults: unlimited tasks, no timeout, deduplication on. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts {@code task} in the background unless a task with the same key is running
   * (deduplication) or the manager is full.
   *
   * @param key the task's key, for deduplication and events
   * @param task starts the work and returns a stage that completes when it is done
   * @return a future completed when the task ends, or at once with {@code false} when it was
   *     deduplicated or rejected; never completed exceptionally
   */
  public CompletableFuture<Boolean> spawn(String key, Supplier<? extends CompletionStage<?>> task) {
    requireNonNull(key, "key");
    requireNonNull(task, "task");
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (deduplicate && running.putIfAbsent(key, done) != null) {
      deduplicated.increment();
      safely(() -> listener.onOffloadDeduplicated(key));
      return CompletableFuture.completedFuture(false);
    }
    if (!tryAcquire()) {
      if (deduplicate) {
        running.remove(key, done);
      }
      rejected.increment();
      safely(() -> listener.onOffloadRejected(key));
      return CompletableFuture.completedFuture(false);
    }
    spawned.increment();
    safely(() -> listener.onOffloadSpawned(key));
    CompletableFuture<Boolean> result = new CompletableFuture<>();
    try {
      executor.execute(() -> run(key, task, done, result));
    } catch (RuntimeException rejectedByExecutor) {
      finish(key, done, result, false);
    }
    return result;
  }

  private void run(
      String key,
      Supplier<? extends CompletionStage<?>> task,
      CompletableFuture<Void> done,
      CompletableFuture<Boolean> result) {
    CompletableFuture<?> work;
    try {
      work = task.get().toCompletableFuture();
    } catch (RuntimeException e) {
      work = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<?> w = work;
    timeoutPolicy
        .duration()
        .ifPresent(
            d ->
                CompletableFuture.delayedExecutor(d.toNanos(), TimeUnit.NANOSECONDS)
                    .execute(
                        () -> {
                          if (!w.isDone()) {
                            timedOut.increment();
                            safely(() -> listener.onOffloadTimedOut(key, timeoutPolicy));
                            if (timeoutPolicy.kind() == TimeoutPolicy.Kind.CANCEL) {
                              w.cancel(true);
                              finish(key, done, result, false);
                            }
                          }
                        }));
    w.whenComplete((r, e) -> finish(key, done, result, e == null));
  }

  private void finish(
      String key, CompletableFuture<Void> done, CompletableFuture<Boolean> result, boolean ok) {
    if (!done.complete(null)) {
      return;
    }
    if (deduplicate) {
      running.remove(key, done);
    }
    active.decrementAndGet();
    completed.increment();
    safely(() -> listener.onOffloadCompleted(key, ok));
    result.complete(ok);
  }

  private boolean tryAcquire() {
    while (true) {
      int n = active.get();
      if (maxConcurrentTasks > 0 && n >= maxConcurrentTasks) {
        return false;
      }
      if (active.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  private static void safely(Runnable event) {
    try {
      event.run();
    } catch (RuntimeException ignored) {
      // A listener must not break background work.
    }
  }

  /** Tasks started so far. */
  public long spawned() {
    return spawned.sum();
  }

  /** Tasks finished so far (including cancelled ones). */
  public long completed() {
    return completed.sum();
  }

  /** Tasks not started because one with the same key was running. */
  public long deduplicated() {
    return deduplicated.sum();
  }

  /** Tasks not started because the manager was full. */
  public long rejected() {
    return rejected.sum();
  }

  /** Tasks that ran past their timeout. */
  public long timedOut() {
    return timedOut.sum();
  }

  /** Tasks running now. */
  public int active() {
    return active.get();
  }

  /** The configured limit, {@code 0} for unlimited. */
  public int maxConcurrentTasks() {
    return maxConcurrentTasks;
  }

  /** The configured timeout policy. */
  public TimeoutPolicy timeoutPolicy() {
    return timeoutPolicy;
  }

  /** Whether tasks are deduplicated by key. */
  public boolean deduplicate() {
    return deduplicate;
  }

  @Override
  public String toString() {
    return "OffloadManager{active="
        + active()
        + ", spawned="
        + spawned()
        + ", completed="
        + completed()
        + ", deduplicated="
        + deduplicated()
        + ", rejected="
        + rejected()
        + ", timedOut="
        + timedOut()
        + '}';
  }

  /** Builds an {@link OffloadManager}; setters validate at once. Not thread-safe. */
  public static final class Builder {
    private int maxConcurrentTasks;
    private TimeoutPolicy timeoutPolicy = TimeoutPolicy.none();
    private boolean deduplicate = true;
    private Executor executor = ForkJoinPool.commonPool();
    private CacheListener listener = CacheListener.NONE;

    private Builder() {}

    /**
     * Limits how many tasks run at once; further tasks are rejected and counted.
     *
     * @throws ConfigurationException unless {@code >= 1}
     */
    public Builder maxConcurrentTasks(int max) {
      if (max < 1) {
        throw new ConfigurationException("max_concurrent_tasks: " + max + " (expected: >= 1)");
      }
      this.maxConcurrentTasks = max;
      return this;
    }

    /** Sets the timeout policy (default {@link TimeoutPolicy#none()}). */
    public Builder timeoutPolicy(TimeoutPolicy policy) {
      this.timeoutPolicy = requireNonNull(policy, "policy");
      return this;
    }

    /** Shorthand for {@code timeoutPolicy(TimeoutPolicy.cancel(timeout))}. */
    public Builder timeout(Duration timeout) {
      return timeoutPolicy(TimeoutPolicy.cancel(timeout));
    }

    /** Whether to run at most one task per key (default {@code true}). */
    public Builder deduplicate(boolean deduplicate) {
      this.deduplicate = deduplicate;
      return this;
    }

    /** The executor tasks start on (default the common fork-join pool). */
    public Builder executor(Executor executor) {
      this.executor = requireNonNull(executor, "executor");
      return this;
    }

    /** Receives the offload events (default none). */
    public Builder listener(CacheListener listener) {
      this.listener = requireNonNull(listener, "listener");
      return this;
    }

    /** Builds the manager. */
    public OffloadManager build() {
      return new OffloadManager(this);
    }
  }
}
