package dev.hitbox.benchmarks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntFunction;

/**
 * A closed-loop load: {@code concurrency} chains of requests, each starting its next request when
 * the previous one completes, over random keys, for a fixed time. The chains are started from one
 * thread per core; an operation that completes at once (an in-process cache) continues on the same
 * thread in a loop, so an in-process backend runs on one caller per core.
 */
final class ClosedLoop {
  private static final long BUCKET_NANOS = 10_000;
  private static final int BUCKETS = 100_001; // 10 µs buckets up to 1 s

  /** The outcome of one measured run. */
  record Result(double opsPerSecond, double p50Nanos, double p99Nanos, long misses, long errors) {}

  private final int concurrency;
  private final int keys;

  ClosedLoop(int concurrency, int keys) {
    this.concurrency = concurrency;
    this.keys = keys;
  }

  /** The fewest requests a warm-up makes, so that the JIT has compiled the client's code. */
  static final long MIN_WARMUP_REQUESTS = 50_000;

  /** The longest a warm-up goes on to reach {@link #MIN_WARMUP_REQUESTS}. */
  static final int MAX_WARMUP_SECONDS = 30;

  /**
   * Runs {@code op} unmeasured for {@code warmup} seconds and at least {@link #MIN_WARMUP_REQUESTS}
   * requests (at most {@link #MAX_WARMUP_SECONDS}), then {@code seconds} measured.
   */
  Result measure(int warmup, int seconds, IntFunction<? extends CompletionStage<?>> op)
      throws InterruptedException {
    Result w = run(warmup, op);
    double requests = w.opsPerSecond() * warmup;
    for (int s = warmup; s < MAX_WARMUP_SECONDS && requests < MIN_WARMUP_REQUESTS; s++) {
      requests += run(1, op).opsPerSecond();
    }
    return run(seconds, op);
  }

  private Result run(int seconds, IntFunction<? extends CompletionStage<?>> op)
      throws InterruptedException {
    Run run = new Run(op, System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds));
    long start = System.nanoTime();
    int starters = Math.min(concurrency, Runtime.getRuntime().availableProcessors());
    Thread[] threads = new Thread[starters];
    for (int s = 0; s < starters; s++) {
      int first = s;
      threads[s] =
          new Thread(
              () -> {
                for (int c = first; c < concurrency; c += starters) {
                  run.chain();
                }
              },
              "closed-loop-" + s);
      threads[s].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    if (!run.done.await(seconds + 60L, TimeUnit.SECONDS)) {
      throw new IllegalStateException("requests still in flight 60 s after the end of the run");
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    return new Result(
        run.ok.get() / elapsed,
        run.percentile(0.50),
        run.percentile(0.99),
        run.misses.get(),
        run.errors.get());
  }

  private final class Run {
    final IntFunction<? extends CompletionStage<?>> op;
    final long deadline;
    final AtomicLong ok = new AtomicLong();
    final AtomicLong misses = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final AtomicLongArray buckets = new AtomicLongArray(BUCKETS);
    final CountDownLatch done = new CountDownLatch(concurrency);

    Run(IntFunction<? extends CompletionStage<?>> op, long deadline) {
      this.op = op;
      this.deadline = deadline;
    }

    /** Issues requests until one does not complete at once, or the time is up. */
    void chain() {
      while (true) {
        long t0 = System.nanoTime();
        if (t0 >= deadline) {
          done.countDown();
          return;
        }
        CompletableFuture<?> f;
        try {
          f = op.apply(ThreadLocalRandom.current().nextInt(keys)).toCompletableFuture();
        } catch (RuntimeException e) {
          f = CompletableFuture.failedFuture(e);
        }
        if (!f.isDone()) {
          f.whenComplete(
              (v, e) -> {
                record(t0, v, e);
                chain();
              });
          return;
        }
        Object v = null;
        Throwable e = null;
        try {
          v = f.join();
        } catch (RuntimeException x) {
          e = x;
        }
        record(t0, v, e);
      }
    }

    void record(long t0, Object value, Throwable error) {
      long nanos = System.nanoTime() - t0;
      if (error != null) {
        errors.incrementAndGet();
        return;
      }
      if (value == null) {
        misses.incrementAndGet();
      }
      ok.incrementAndGet();
      buckets.incrementAndGet((int) Math.min(BUCKETS - 1, nanos / BUCKET_NANOS));
    }

    double percentile(double p) {
      long total = 0;
      for (int i = 0; i < BUCKETS; i++) {
        total += buckets.get(i);
      }
      long rank = (long) Math.ceil(p * total);
      long seen = 0;
      for (int i = 0; i < BUCKETS; i++) {
        seen += buckets.get(i);
        if (seen >= rank && rank > 0) {
          return (i + 1) * (double) BUCKET_NANOS; // upper bound of the bucket
        }
      }
      return 0;
    }
  }
}
