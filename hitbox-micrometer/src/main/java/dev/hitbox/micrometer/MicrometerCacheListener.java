package dev.hitbox.micrometer;

import static java.util.Objects.requireNonNull;

import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CacheListener;
import dev.hitbox.core.CacheStatus;
import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.TimeoutPolicy;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reports cache events as Micrometer meters. With a Prometheus registry they are scraped as:
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>Prometheus name</th><th>type</th><th>tags</th></tr>
 *   <tr><td>{@code hitbox_requests_total}</td><td>counter</td>
 *       <td>{@code endpoint}, {@code result=hit|miss|stale|bypass|error}</td></tr>
 *   <tr><td>{@code hitbox_latency_seconds}</td><td>histogram (timer)</td><td>{@code endpoint}</td></tr>
 *   <tr><td>{@code hitbox_upstream_duration_seconds}</td><td>histogram (timer)</td>
 *       <td>{@code endpoint}</td></tr>
 *   <tr><td>{@code hitbox_upstream_errors_total}</td><td>counter</td><td>{@code endpoint}</td></tr>
 *   <tr><td>{@code hitbox_stale_if_error_total}</td><td>counter</td><td>{@code endpoint}</td></tr>
 *   <tr><td>{@code hitbox_early_refresh_total}</td><td>counter</td><td>{@code endpoint}</td></tr>
 *   <tr><td>{@code hitbox_dogpile_waits_total}, {@code hitbox_dogpile_timeouts_total}</td>
 *       <td>counter</td><td>{@code endpoint}</td></tr>
 *   <tr><td>{@code hitbox_user_code_errors_total}</td><td>counter</td><td>{@code endpoint}</td></tr>
 *   <tr><td>{@code hitbox_backend_reads_total}, {@code hitbox_backend_writes_total}</td>
 *       <td>counter</td><td>{@code backend}</td></tr>
 *   <tr><td>{@code hitbox_backend_read_bytes_total}, {@code hitbox_backend_write_bytes_total}</td>
 *       <td>counter</td><td>{@code backend}</td></tr>
 *   <tr><td>{@code hitbox_backend_errors_total}</td><td>counter</td>
 *       <td>{@code backend}, {@code operation}</td></tr>
 *   <tr><td>{@code hitbox_decode_errors_total}</td><td>counter</td><td>{@code backend}</td></tr>
 *   <tr><td>{@code hitbox_offload_tasks_{spawned,completed,deduplicated,rejected,timed_out}_total}
 *       </td><td>counter</td><td>none</td></tr>
 *   <tr><td>{@code hitbox_offload_tasks_active}</td><td>gauge</td><td>none</td></tr>
 *   <tr><td>{@code cache_gets_total}</td><td>counter</td><td>{@code cache}, {@code result=hit|miss}
 *       </td></tr>
 *   <tr><td>{@code cache_puts_total}</td><td>counter</td><td>{@code cache}</td></tr>
 * </table>
 *
 * <p>{@code cache.gets} and {@code cache.puts} are the names Micrometer's own cache binders use
 * (Caffeine, JCache), so dashboards built for them show Hitbox caches too; a stale entry served
 * counts as a hit there. {@code hitbox_requests_total} counts answers (a caller that waited for
 * another caller's load and got its value is a {@code hit}); {@code cache_gets_total} counts
 * lookups.
 *
 * <p>A stale entry that answered because the upstream failed (stale-if-error) is one request with
 * {@code result="stale"} and also counts in {@code hitbox_stale_if_error_total}: the latter is the
 * part of the former that hid an upstream failure. {@code hitbox_early_refresh_total} counts the
 * background refreshes started on hits before an entry went stale (those requests are {@code
 * hit}s).
 *
 * <p>Cardinality is bounded: tags hold endpoint (cache) names, backend names and fixed words, never
 * a key. At most {@code maxEndpoints} endpoint names (default 100) and {@code maxBackends} backend
 * names (default 50) get their own series; events of further ones are counted under {@code
 * "other"}. Tier errors of a {@code CompositeBackend} are labelled {@code l1:<name>} and {@code
 * l2:<name>}.
 *
 * <p>Meters are created once per endpoint and backend and kept: an event costs a map lookup and a
 * counter increment, no registry lookup.
 *
 * <pre>{@code
 * MicrometerCacheListener metrics = MicrometerCacheListener.of(registry);
 * CacheEndpoint.<Req, Res>builder("authors").listener(metrics)...build();
 * HitboxCache.builder("users", codec).listener(metrics)...build();
 * }</pre>
 *
 * <p>Thread-safe. Share one instance between every endpoint and cache of a registry.
 */
public final class MicrometerCacheListener extends CacheListener {
  /** The tag value of endpoints and backends past the limits. */
  public static final String OTHER = "other";

  /**
   * Histogram bucket bounds of {@code hitbox_latency_seconds} and {@code
   * hitbox_upstream_duration_seconds}: the same as the proxy's {@code GET /metrics}.
   */
  private static final Duration[] BUCKETS = {
    Duration.ofNanos(500_000),
    Duration.ofMillis(1),
    Duration.ofNanos(2_500_000),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2_500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10)
  };

  private static final String[] RESULTS = {"hit", "stale", "miss", "bypass", "error"};
  private static final int ERROR = 4;

  private final MeterRegistry registry;
  private final Tags tags;
  private final int maxEndpoints;
  private final int maxBackends;
  private final Map<String, EndpointMeters> endpoints = new ConcurrentHashMap<>();
  private final Map<String, BackendMeters> backends = new ConcurrentHashMap<>();
  private final Counter offloadSpawned;
  private final Counter offloadCompleted;
  private final Counter offloadDeduplicated;
  private final Counter offloadRejected;
  private final Counter offloadTimedOut;
  private final AtomicLong offloadActive = new AtomicLong();

  private MicrometerCacheListener(Builder b) {
    this.registry = b.registry;
    this.tags = b.tags;
    this.maxEndpoints = b.maxEndpoints;
    this.maxBackends = b.maxBackends;
    this.offloadSpawned = offload("spawned", "Background tasks started.");
    this.offloadCompleted = offload("completed", "Background tasks finished.");
    this.offloadDeduplicated =
        offload("deduplicated", "Background tasks not started: one for the same key was running.");
    this.offloadRejected = offload("rejected", "Background tasks not started: too many running.");
    this.offloadTimedOut = offload("timed.out", "Background tasks that ran past their timeout.");
    Gauge.builder("hitbox.offload.tasks.active", offloadActive, AtomicLong::get)
        .description("Background tasks running now.")
        .tags(tags)
        .register(registry);
  }

  /** A listener with the default limits, reporting to {@code registry}. */
  public static MicrometerCacheListener of(MeterRegistry registry) {
    return builder(registry).build();
  }

  /** Starts a listener reporting to {@code registry}. */
  public static Builder builder(MeterRegistry registry) {
    return new Builder(requireNonNull(registry, "registry"));
  }

  /** The registry the meters are in. */
  public MeterRegistry registry() {
    return registry;
  }

  private Counter offload(String what, String help) {
    return Counter.builder("hitbox.offload.tasks." + what)
        .description(help)
        .tags(tags)
        .register(registry);
  }

  // ---------------------------------------------------------------- meters per endpoint

  private EndpointMeters endpoint(String name) {
    EndpointMeters m = endpoints.get(name);
    if (m != null) {
      return m;
    }
    String label = endpoints.size() >= maxEndpoints ? OTHER : name;
    return endpoints.computeIfAbsent(label, EndpointMeters::new);
  }

  private BackendMeters backend(String name) {
    BackendMeters m = backends.get(name);
    if (m != null) {
      return m;
    }
    String label = backends.size() >= maxBackends ? OTHER : name;
    return backends.computeIfAbsent(label, BackendMeters::new);
  }

  /** The meters of one endpoint (or cache), made at its first event. */
  private final class EndpointMeters {
    final Counter[] requests = new Counter[RESULTS.length];
    final Timer latency;
    final Timer upstream;
    final Counter upstreamErrors;
    final Counter staleIfError;
    final Counter earlyRefresh;
    final Counter dogpileWaits;
    final Counter dogpileTimeouts;
    final Counter userCodeErrors;
    final Counter getsHit;
    final Counter getsMiss;
    final Counter puts;

    EndpointMeters(String endpoint) {
      Tags t = tags.and("endpoint", endpoint);
      for (int i = 0; i < RESULTS.length; i++) {
        requests[i] =
            Counter.builder("hitbox.requests")
                .description("Requests answered through a cache endpoint, by how.")
                .tags(t)
                .tag("result", RESULTS[i])
                .register(registry);
      }
      latency =
          Timer.builder("hitbox.latency")
              .description("Time from a request's arrival to its response, through the cache.")
              .serviceLevelObjectives(BUCKETS)
              .tags(t)
              .register(registry);
      upstream =
          Timer.builder("hitbox.upstream.duration")
              .description("Time of upstream calls (loads) made by the cache.")
              .serviceLevelObjectives(BUCKETS)
              .tags(t)
              .register(registry);
      upstreamErrors =
          counter(
              "hitbox.upstream.errors",
              "Upstream calls that failed, or answered what the endpoint counts as a failure.",
              t);
      staleIfError =
          counter(
              "hitbox.stale.if.error",
              "Requests answered with a stored entry because the upstream failed (also counted as"
                  + " result=stale).",
              t);
      earlyRefresh =
          counter(
              "hitbox.early.refresh",
              "Background refreshes of fresh entries close to going stale (early refresh).",
              t);
      dogpileWaits =
          counter(
              "hitbox.dogpile.waits",
              "Callers that waited for another caller's upstream call of the same key.",
              t);
      dogpileTimeouts =
          counter(
              "hitbox.dogpile.timeouts",
              "Waiting callers that gave up waiting and went upstream themselves.",
              t);
      userCodeErrors =
          counter(
              "hitbox.user.code.errors",
              "Predicates, extractors or other user code that threw; the request went on"
                  + " uncached.",
              t);
      Tags c = tags.and("cache", endpoint);
      getsHit =
          Counter.builder("cache.gets")
              .description("Cache lookups that found an entry (fresh or stale).")
              .tags(c)
              .tag("result", "hit")
              .register(registry);
      getsMiss =
          Counter.builder("cache.gets")
              .description("Cache lookups that found an entry (fresh or stale).")
              .tags(c)
              .tag("result", "miss")
              .register(registry);
      puts = counter("cache.puts", "Values stored in the cache.", c);
    }
  }

  /** The meters of one backend (or tier), made at its first event. */
  private final class BackendMeters {
    final String backend;
    final Counter reads;
    final Counter writes;
    final Counter readBytes;
    final Counter writeBytes;
    final Counter decodeErrors;
    final Map<String, Counter> errors = new ConcurrentHashMap<>();

    BackendMeters(String backend) {
      this.backend = backend;
      Tags t = tags.and("backend", backend);
      reads = counter("hitbox.backend.reads", "Backend reads.", t);
      writes = counter("hitbox.backend.writes", "Backend writes.", t);
      readBytes =
          Counter.builder("hitbox.backend.read.bytes")
              .description("Bytes read from the backend.")
              .baseUnit("bytes")
              .tags(t)
              .register(registry);
      writeBytes =
          Counter.builder("hitbox.backend.write.bytes")
              .description("Bytes written to the backend.")
              .baseUnit("bytes")
              .tags(t)
              .register(registry);
      decodeErrors =
          counter(
              "hitbox.decode.errors",
              "Stored bytes that did not parse or belong to another format; served as misses.",
              t);
      for (String operation : new String[] {"read", "write", "remove"}) {
        error(operation);
      }
    }

    Counter error(String operation) {
      Counter c = errors.get(operation);
      if (c != null) {
        return c;
      }
      // Operations are a handful of fixed words; bound them anyway.
      String label = errors.size() >= 16 ? OTHER : operation;
      return errors.computeIfAbsent(
          label,
          op ->
              Counter.builder("hitbox.backend.errors")
                  .description("Backend calls that failed or timed out (served as misses).")
                  .tags(tags)
                  .tag("backend", backend)
                  .tag("operation", op)
                  .register(registry));
    }
  }

  private Counter counter(String name, String help, Iterable<Tag> t) {
    return Counter.builder(name).description(help).tags(t).register(registry);
  }

  // ---------------------------------------------------------------- events

  @Override
  public void onHit(CacheKey key) {
    endpoint(key.namespace()).getsHit.increment();
  }

  @Override
  public void onStale(CacheKey key) {
    endpoint(key.namespace()).getsHit.increment();
  }

  @Override
  public void onStaleIfError(CacheKey key, Throwable error) {
    endpoint(key.namespace()).staleIfError.increment();
  }

  @Override
  public void onEarlyRefresh(CacheKey key) {
    endpoint(key.namespace()).earlyRefresh.increment();
  }

  @Override
  public void onMiss(CacheKey key) {
    endpoint(key.namespace()).getsMiss.increment();
  }

  @Override
  public void onPut(CacheKey key) {
    endpoint(key.namespace()).puts.increment();
  }

  @Override
  public void onResponse(String namespace, CacheStatus status, long latencyNanos) {
    EndpointMeters m = endpoint(namespace);
    m.requests[index(status)].increment();
    m.latency.record(latencyNanos, TimeUnit.NANOSECONDS);
  }

  private static int index(CacheStatus status) {
    return switch (status) {
      case HIT -> 0;
      case STALE -> 1;
      case MISS -> 2;
      case BYPASS -> 3;
    };
  }

  @Override
  public void onResponseError(String namespace, Throwable error, long latencyNanos) {
    EndpointMeters m = endpoint(namespace);
    m.requests[ERROR].increment();
    m.latency.record(latencyNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void onUpstream(String namespace, long durationNanos, boolean success) {
    EndpointMeters m = endpoint(namespace);
    m.upstream.record(durationNanos, TimeUnit.NANOSECONDS);
    if (!success) {
      m.upstreamErrors.increment();
    }
  }

  @Override
  public void onDogpileWait(CacheKey key) {
    endpoint(key.namespace()).dogpileWaits.increment();
  }

  @Override
  public void onDogpileTimeout(CacheKey key) {
    endpoint(key.namespace()).dogpileTimeouts.increment();
  }

  @Override
  public void onUserCodeError(String namespace, Throwable error) {
    endpoint(namespace).userCodeErrors.increment();
  }

  @Override
  public void onBackendRead(String backend, long durationNanos, int bytes) {
    BackendMeters m = backend(backend);
    m.reads.increment();
    if (bytes > 0) {
      m.readBytes.increment(bytes);
    }
  }

  @Override
  public void onBackendWrite(String backend, long durationNanos, int bytes) {
    BackendMeters m = backend(backend);
    m.writes.increment();
    if (bytes > 0) {
      m.writeBytes.increment(bytes);
    }
  }

  @Override
  public void onBackendError(String backend, String operation, Throwable error) {
    backend(backend).error(operation).increment();
  }

  @Override
  public void onDecodeError(String backend, CacheKey key, Throwable error) {
    backend(backend).decodeErrors.increment();
  }

  @Override
  public void onOffloadSpawned(String key) {
    offloadSpawned.increment();
    offloadActive.incrementAndGet();
  }

  @Override
  public void onOffloadCompleted(String key, boolean success) {
    offloadCompleted.increment();
    offloadActive.updateAndGet(n -> Math.max(0, n - 1));
  }

  @Override
  public void onOffloadDeduplicated(String key) {
    offloadDeduplicated.increment();
  }

  @Override
  public void onOffloadRejected(String key) {
    offloadRejected.increment();
  }

  @Override
  public void onOffloadTimedOut(String key, TimeoutPolicy policy) {
    offloadTimedOut.increment();
  }

  @Override
  public String toString() {
    return "MicrometerCacheListener{endpoints=" + endpoints.keySet() + '}';
  }

  /** Builds a {@link MicrometerCacheListener}; setters validate at once. Not thread-safe. */
  public static final class Builder {
    private final MeterRegistry registry;
    private Tags tags = Tags.empty();
    private int maxEndpoints = 100;
    private int maxBackends = 50;

    private Builder(MeterRegistry registry) {
      this.registry = registry;
    }

    /** Adds tags to every meter, e.g. {@code Tags.of("app", "catalog")}. */
    public Builder tags(Iterable<Tag> tags) {
      this.tags = this.tags.and(requireNonNull(tags, "tags"));
      return this;
    }

    /**
     * The most endpoint (cache) names with their own series (default 100); further ones are counted
     * under {@code endpoint="other"}.
     *
     * @throws ConfigurationException unless positive
     */
    public Builder maxEndpoints(int maxEndpoints) {
      if (maxEndpoints < 1) {
        throw new ConfigurationException("max_endpoints: " + maxEndpoints + " (expected: > 0)");
      }
      this.maxEndpoints = maxEndpoints;
      return this;
    }

    /**
     * The most backend names with their own series (default 50); further ones are counted under
     * {@code backend="other"}.
     *
     * @throws ConfigurationException unless positive
     */
    public Builder maxBackends(int maxBackends) {
      if (maxBackends < 1) {
        throw new ConfigurationException("max_backends: " + maxBackends + " (expected: > 0)");
      }
      this.maxBackends = maxBackends;
      return this;
    }

    /** Builds the listener and registers its endpoint-independent meters. */
    public MicrometerCacheListener build() {
      return new MicrometerCacheListener(this);
    }
  }
}
