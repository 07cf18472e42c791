package dev.hitbox.proxy.demo;

import dev.hitbox.core.CacheResult;
import dev.hitbox.core.CacheStatus;
import java.time.Duration;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One phase of the demo: open-loop clients send requests to a {@link Target} for a warm-up period
 * and then a measured window, and every request due in the window is measured from the client's
 * call to its answer. One driver task sends every client's requests in the order they are due, so
 * the counters the clients cannot see (upstream calls, dogpile waits) are read exactly between the
 * last request before an edge of the window and the first after it. {@link #run} blocks until every
 * request has answered.
 */
final class LoadPhase {
  /** How long to wait for the last answers after the window closes. */
  static final Duration DRAIN_TIMEOUT = CatalogService.MAX_LATENCY.plusSeconds(10);

  /** Answers requests: the catalog service directly, or through the cache. */
  @FunctionalInterface
  interface Target {
    /** Sends one request; {@link CacheStatus#BYPASS} when no cache was consulted. */
    CompletionStage<CacheResult<String>> send(GetCatalog request);
  }

  /** Reports how a running phase is doing, from the thread that called {@link #run}. */
  @FunctionalInterface
  interface Ticks {
    /**
     * Called about ten times a second.
     *
     * @param stage {@code "warm-up"}, {@code "measuring"} or {@code "finishing"}
     * @param fraction how much of the phase is done, from 0 to 1
     * @param requests requests sent so far in this phase
     */
    void tick(String stage, double fraction, long requests);
  }

  /**
   * Counters read at the edges of the measured window.
   *
   * @param upstreamCalls calls received by the catalog service
   * @param dogpileWaits callers that waited for another caller's upstream call
   * @param refreshes background refreshes of stale entries started
   */
  record Counters(long upstreamCalls, long dogpileWaits, long refreshes) {
    static final Counters ZERO = new Counters(0, 0, 0);

    Counters minus(Counters earlier) {
      return new Counters(
          upstreamCalls - earlier.upstreamCalls,
          dogpileWaits - earlier.dogpileWaits,
          refreshes - earlier.refreshes);
    }
  }

  private final String name;
  private final DemoOptions options;
  private final ZipfKeys keys;
  private final CatalogService service;
  private final Target target;
  private final Supplier<Counters> counters;
  private final ScheduledExecutorService scheduler;
  private final SplittableRandom random;

  private final Latencies latencies = new Latencies();
  private final LongAdder sent = new LongAdder();
  private final LongAdder warmUpSent = new LongAdder();
  private final LongAdder answered = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder hits = new LongAdder();
  private final LongAdder stale = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder outdated = new LongAdder();

  /** Requests in flight, plus one while the driver is still sending. */
  private final AtomicInteger pending = new AtomicInteger();

  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private volatile @Nullable Throwable failure;
  private volatile Counters atStart = Counters.ZERO;
  private volatile Counters atEnd = Counters.ZERO;
  private long phaseStart;
  private long windowStart;
  private long windowEnd;

  /**
   * Creates a phase.
   *
   * @param name the phase's name in the report
   * @param target where the requests go
   * @param counters reads the counters at the edges of the window
   * @param scheduler runs the driver that sends the requests
   */
  LoadPhase(
      String name,
      DemoOptions options,
      ZipfKeys keys,
      CatalogService service,
      Target target,
      Supplier<Counters> counters,
      ScheduledExecutorService scheduler) {
    this.name = name;
    this.options = options;
    this.keys = keys;
    this.service = service;
    this.target = target;
    this.counters = counters;
    this.scheduler = scheduler;
    this.random = new SplittableRandom(options.seed());
  }

  /**
   * Runs the phase and waits until every request has answered.
   *
   * @throws IllegalStateException if answers are still missing {@link #DRAIN_TIMEOUT} after the
   *     window closed, or the phase broke
   */
  PhaseResult run(Ticks ticks) {
    Counters beforeWarmUp = counters.get();
    phaseStart = System.nanoTime();
    windowStart = phaseStart + options.warmUp().toNanos();
    windowEnd = windowStart + options.duration().toNanos();
    pending.set(1);
    Driver driver = new Driver();
    schedule(driver, phaseStart);
    await(ticks);
    Throwable f = failure;
    if (f != null) {
      throw new IllegalStateException(name + ": the load generator broke", f);
    }
    return new PhaseResult(
        name,
        latencies.snapshot(),
        answered.sum() + errors.sum(),
        errors.sum(),
        hits.sum(),
        stale.sum(),
        misses.sum(),
        outdated.sum(),
        atEnd.minus(atStart),
        warmUpSent.sum(),
        atStart.minus(beforeWarmUp),
        options.duration());
  }

  private void await(Ticks ticks) {
    long deadline = windowEnd + DRAIN_TIMEOUT.toNanos();
    while (true) {
      long now = System.nanoTime();
      String stage = now < windowStart ? "warm-up" : now < windowEnd ? "measuring" : "finishing";
      double fraction = Math.min(1, (double) (now - phaseStart) / (windowEnd - phaseStart));
      ticks.tick(stage, fraction, sent.sum());
      try {
        drained.get(100, TimeUnit.MILLISECONDS);
        return;
      } catch (TimeoutException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              name
                  + ": requests still unanswered "
                  + Report.time(DRAIN_TIMEOUT)
                  + " after the window closed");
        }
      } catch (ExecutionException e) {
        throw new IllegalStateException(name + ": the load generator broke", e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(name + ": interrupted", e);
      }
    }
  }

  private void schedule(Runnable task, long atNanos) {
    try {
      scheduler.schedule(task, Math.max(0, atNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      failure = e;
      drained.complete(null);
    }
  }

  private void release() {
    if (pending.decrementAndGet() == 0) {
      drained.complete(null);
    }
  }

  /** One open-loop client: its own random draws and the time its next request is due. */
  private final class Client {
    final SplittableRandom random;
    final double meanGapNanos;
    long next;

    Client(SplittableRandom random) {
      this.random = random;
      this.meanGapNanos = 1e9 / options.rate();
      this.next = phaseStart + gap();
    }

    /** A random (exponential) gap: the client's requests form a Poisson stream. */
    long gap() {
      return (long) (random.nextExponential() * meanGapNanos);
    }
  }

  /**
   * Sends every client's requests in the order they are due, never waiting for an answer. Runs on
   * one scheduler thread at a time, so it needs no locks; when the thread runs late it catches up,
   * so the offered load stays the same.
   */
  private final class Driver implements Runnable {
    private final PriorityQueue<Client> due =
        new PriorityQueue<>(Comparator.comparingLong((Client c) -> c.next));
    private boolean started;

    Driver() {
      for (int i = 0; i < options.clients(); i++) {
        due.add(new Client(random.split()));
      }
    }

    @Override
    public void run() {
      try {
        long now = System.nanoTime();
        while (true) {
          Client c = due.remove();
          if (!started && c.next >= windowStart) {
            atStart = counters.get();
            started = true;
          }
          if (c.next >= windowEnd) {
            if (now < windowEnd) {
              due.add(c);
              schedule(this, windowEnd);
              return;
            }
            atEnd = counters.get();
            release();
            return;
          }
          if (c.next > now) {
            due.add(c);
            schedule(this, c.next);
            return;
          }
          send(c, c.next >= windowStart);
          c.next += c.gap();
          due.add(c);
        }
      } catch (RuntimeException e) {
        failure = e;
        drained.complete(null);
      }
    }

    private void send(Client client, boolean measured) {
      GetCatalog request = keys.next(client.random);
      sent.increment();
      if (!measured) {
        warmUpSent.increment();
      }
      pending.incrementAndGet();
      long start = System.nanoTime();
      CompletionStage<CacheResult<String>> answer;
      try {
        answer = target.send(request);
      } catch (RuntimeException e) {
        answer = CompletableFuture.failedFuture(e);
      }
      answer.whenComplete(
          (result, error) -> {
            long end = System.nanoTime();
            try {
              if (!measured) {
                return;
              }
              if (result != null) {
                latencies.record(end - start);
                count(request, result, end);
              } else {
                errors.increment();
              }
            } finally {
              release();
            }
          });
    }

    private void count(GetCatalog request, CacheResult<String> result, long end) {
      answered.increment();
      CacheStatus status = result.status();
      if (status == CacheStatus.HIT) {
        hits.increment();
      } else if (status == CacheStatus.STALE) {
        stale.increment();
      } else if (status == CacheStatus.MISS) {
        misses.increment();
      }
      if (CatalogService.versionOf(result.value()) < service.version(request, end)) {
        outdated.increment();
      }
    }
  }
}
