package dev.hitbox.proxy.demo;

import dev.hitbox.proxy.demo.LoadPhase.Counters;
import java.time.Duration;

/**
 * What one phase measured. Every request issued in the measured window is counted once it has
 * answered; counters the clients cannot see were read at the edges of the window.
 *
 * @param name the phase's name
 * @param latencies the latency of every answered request, from the client's call to its answer
 * @param requests requests issued in the window
 * @param errors requests that failed
 * @param hits answers from a fresh cache entry
 * @param stale answers from a stale cache entry (refreshed in the background)
 * @param misses answers that came from the catalog service through the cache
 * @param outdated answers whose data version was older than the service's at that moment
 * @param window the counters over the measured window
 * @param warmUpRequests requests issued during the warm-up
 * @param warmUp the counters over the warm-up
 * @param measured how long the window lasted
 */
record PhaseResult(
    String name,
    Latencies.Snapshot latencies,
    long requests,
    long errors,
    long hits,
    long stale,
    long misses,
    long outdated,
    Counters window,
    long warmUpRequests,
    Counters warmUp,
    Duration measured) {

  /** The median latency in nanoseconds. */
  long p50() {
    return latencies.percentile(0.50);
  }

  /** The 99th percentile latency in nanoseconds. */
  long p99() {
    return latencies.percentile(0.99);
  }

  /** Calls the catalog service received during the window. */
  long upstreamCalls() {
    return window.upstreamCalls();
  }

  /** Callers that waited for another caller's upstream call during the window. */
  long dogpileWaits() {
    return window.dogpileWaits();
  }

  /** Answers from the cache, fresh or stale, per request; {@code 0} without requests. */
  double hitRate() {
    return requests == 0 ? 0 : (double) (hits + stale) / requests;
  }

  /** Outdated answers per request; {@code 0} without requests. */
  double outdatedRate() {
    return requests == 0 ? 0 : (double) outdated / requests;
  }
}
