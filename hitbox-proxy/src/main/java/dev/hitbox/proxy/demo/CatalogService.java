package dev.hitbox.proxy.demo;

import dev.hitbox.core.Upstream;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The simulated catalog service. Each call answers after a latency drawn from a log-normal
 * distribution (median {@link #MEDIAN}, shape {@link #SIGMA}: p99 about 450 ms), capped at {@link
 * #MAX_LATENCY} like a gateway timeout. It never blocks a thread: the answer is completed by a task
 * on {@code scheduler}. Every category page has a version that moves on once every {@code
 * changeInterval} (each page at its own moment), and the body carries it, so a caller can tell an
 * outdated answer. Counts its calls. Thread-safe.
 */
final class CatalogService implements Upstream<GetCatalog, String> {
  /** The median latency. */
  static final Duration MEDIAN = Duration.ofMillis(70);

  /** The log-normal shape: {@code p99 = median * exp(2.326 * SIGMA)}, about 450 ms. */
  static final double SIGMA = 0.80;

  /** No answer takes longer than this. */
  static final Duration MAX_LATENCY = Duration.ofSeconds(3);

  private static final int ITEMS_PER_PAGE = 12;

  private final ScheduledExecutorService scheduler;
  private final long epochNanos;
  private final long changeIntervalNanos;
  private final SplittableRandom random;
  private final LongAdder calls = new LongAdder();

  /**
   * Creates a service.
   *
   * @param scheduler completes the answers
   * @param changeInterval how often each page's data changes
   * @param seed the seed of the latency draws
   */
  CatalogService(ScheduledExecutorService scheduler, Duration changeInterval, long seed) {
    this.scheduler = scheduler;
    this.epochNanos = System.nanoTime();
    this.changeIntervalNanos = Math.max(1, changeInterval.toNanos());
    this.random = new SplittableRandom(seed);
  }

  @Override
  public CompletableFuture<String> call(GetCatalog request) {
    calls.increment();
    long latency = nextLatencyNanos();
    CompletableFuture<String> answer = new CompletableFuture<>();
    try {
      scheduler.schedule(
          () -> answer.complete(body(request, version(request, System.nanoTime()))),
          latency,
          TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      answer.completeExceptionally(e);
    }
    return answer;
  }

  /** How many calls the service has received. */
  long calls() {
    return calls.sum();
  }

  /** The version of {@code request}'s page at {@code nanoTime}. */
  long version(GetCatalog request, long nanoTime) {
    // Each page changes at its own offset within the interval, so changes are spread out.
    long offset = Math.floorMod(mix(request.hashCode()), changeIntervalNanos);
    return 1 + Math.floorDiv(nanoTime - epochNanos + offset, changeIntervalNanos);
  }

  /**
   * The version a body produced by this service carries.
   *
   * @throws IllegalArgumentException if {@code body} has no version
   */
  static long versionOf(String body) {
    int at = body.indexOf("\"version\":");
    if (at < 0) {
      throw new IllegalArgumentException("no version in " + body);
    }
    long v = 0;
    for (int i = at + "\"version\":".length(); i < body.length(); i++) {
      char c = body.charAt(i);
      if (c < '0' || c > '9') {
        break;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private long nextLatencyNanos() {
    double gaussian;
    synchronized (random) {
      gaussian = random.nextGaussian();
    }
    double nanos = MEDIAN.toNanos() * Math.exp(SIGMA * gaussian);
    return (long) Math.min(nanos, MAX_LATENCY.toNanos());
  }

  private static String body(GetCatalog r, long version) {
    StringBuilder sb = new StringBuilder(64 + ITEMS_PER_PAGE * 48);
    sb.append("{\"category\":\"")
        .append(r.category())
        .append("\",\"page\":")
        .append(r.page())
        .append(",\"version\":")
        .append(version)
        .append(",\"items\":[");
    long seed = mix(r.hashCode() * 31L + version);
    for (int i = 0; i < ITEMS_PER_PAGE; i++) {
      long cents = 199 + Math.floorMod(mix(seed + i), 19_800L);
      sb.append(i == 0 ? "" : ",")
          .append("{\"sku\":\"")
          .append(r.category())
          .append('-')
          .append(r.page())
          .append('-')
          .append(i + 1)
          .append("\",\"price\":")
          .append(cents / 100)
          .append('.')
          .append(cents % 100 < 10 ? "0" : "")
          .append(cents % 100)
          .append('}');
    }
    return sb.append("]}").toString();
  }

  /** A cheap 64-bit mixer (SplitMix64's finalizer). */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
