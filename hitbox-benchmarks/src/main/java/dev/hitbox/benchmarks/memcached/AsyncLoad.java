package dev.hitbox.benchmarks.memcached;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntFunction;

/**
 * A fixed-concurrency load loop: {@value #CONCURRENCY} asynchronous chains, each starting its next
 * request when the previous one completes, for a number of seconds; and helpers to start a
 * throw-away {@code memcached}.
 */
final class AsyncLoad {
  static final int CONCURRENCY = 64;
  static final int KEYS = 10_000;

  private AsyncLoad() {}

  /** The system load average over the last minute, for the report. */
  static String loadAverage() {
    return String.format(
        "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  static void measure(String name, int seconds, int warmup, IntFunction<CompletionStage<?>> op)
      throws Exception {
    if (warmup > 0) {
      runFor(warmup, op);
    }
    Result r = runFor(seconds, op);
    System.out.printf(
        "%-15s %,10.0f ops/s   p50 %6.0f us   p99 %6.0f us   misses %d   errors %d%n",
        name, r.opsPerSecond(), r.p50Micros(), r.p99Micros(), r.misses(), r.errors());
  }

  record Result(
      double opsPerSecond, double p50Micros, double p99Micros, long misses, long errors) {}

  static Result runFor(int seconds, IntFunction<CompletionStage<?>> op)
      throws InterruptedException {
    AtomicLong ok = new AtomicLong();
    AtomicLong misses = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    // latency histogram in 10 microsecond buckets up to 100 ms
    AtomicLongArray buckets = new AtomicLongArray(10_001);
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    CountDownLatch done = new CountDownLatch(CONCURRENCY);
    for (int c = 0; c < CONCURRENCY; c++) {
      next(op, end, done, ok, misses, errors, buckets);
    }
    if (!done.await(seconds + 30L, TimeUnit.SECONDS)) {
      throw new IllegalStateException("requests did not finish");
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    long total = ok.get() + misses.get();
    return new Result(
        total / elapsed,
        percentile(buckets, 0.50),
        percentile(buckets, 0.99),
        misses.get(),
        errors.get());
  }

  static void next(
      IntFunction<CompletionStage<?>> op,
      long end,
      CountDownLatch done,
      AtomicLong ok,
      AtomicLong misses,
      AtomicLong errors,
      AtomicLongArray buckets) {
    // iterate rather than recurse when stages complete at once, so the stack stays flat
    while (true) {
      long t0 = System.nanoTime();
      if (t0 >= end) {
        done.countDown();
        return;
      }
      CompletionStage<?> stage = op.apply(ThreadLocalRandom.current().nextInt(KEYS));
      boolean[] sync = {true};
      boolean[] completed = {false};
      stage.whenComplete(
          (v, e) -> {
            buckets.incrementAndGet((int) Math.min(10_000, (System.nanoTime() - t0) / 10_000));
            if (e != null) {
              errors.incrementAndGet();
            } else if (v == null) {
              misses.incrementAndGet();
            } else {
              ok.incrementAndGet();
            }
            synchronized (completed) {
              completed[0] = true;
              if (!sync[0]) {
                next(op, end, done, ok, misses, errors, buckets);
              }
            }
          });
      synchronized (completed) {
        sync[0] = false;
        if (!completed[0]) {
          return;
        }
      }
    }
  }

  static double percentile(AtomicLongArray buckets, double q) {
    long total = 0;
    for (int i = 0; i < buckets.length(); i++) {
      total += buckets.get(i);
    }
    long rank = (long) Math.ceil(total * q);
    long seen = 0;
    for (int i = 0; i < buckets.length(); i++) {
      seen += buckets.get(i);
      if (seen >= rank && rank > 0) {
        return i * 10 + 5;
      }
    }
    return Double.NaN;
  }

  static Process startMemcached(int port) throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            Arrays.asList(
                "memcached",
                "-l",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "-U",
                "0",
                "-m",
                "256"));
    if ("root".equals(System.getProperty("user.name"))) {
      cmd.add("-u");
      cmd.add("root");
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return p;
      } catch (IOException notYet) {
        if (!p.isAlive()) {
          throw new IllegalStateException("memcached exited: is it installed?");
        }
        Thread.sleep(20);
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException("memcached did not start on port " + port);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  static int intArg(String[] args, String name, int fallback) {
    String v = stringArg(args, name, null);
    return v == null ? fallback : Integer.parseInt(v);
  }

  static String stringArg(String[] args, String name, String fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }
}
