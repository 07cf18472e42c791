package dev.hitbox.proxy;

import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CacheListener;
import dev.hitbox.core.CacheStatus;
import dev.hitbox.core.HotKeys;
import dev.hitbox.core.TimeoutPolicy;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * The proxy's metrics in the Prometheus text format, served by the admin {@code GET /metrics}.
 *
 * <p>The proxy counts every request it answers through a route ({@code hitbox_requests_total},
 * {@code hitbox_latency_seconds}) and every upstream call ({@code
 * hitbox_upstream_duration_seconds}) itself. The engine's own events (stale-if-error answers, early
 * refreshes, dogpile waits, backend reads, writes and errors, background tasks) arrive through this
 * listener: pass it to every route's {@code HttpCache.builder(...).listener(metrics)}.
 *
 * <pre>{@code
 * ProxyMetrics metrics = ProxyMetrics.create();
 * HttpCache authors = HttpCache.builder("authors").listener(metrics)...build();
 * HitboxProxy proxy = HitboxProxy.builder(config).metrics(metrics).start();
 * }</pre>
 *
 * <p>The same listener counts every lookup's key in {@link #hotKeys()} (served by the admin {@code
 * GET /hotkeys}).
 *
 * <p>Thread-safe; counting is lock-free (hot keys only try their lock, and skip a lookup when it is
 * taken).
 */
public final class ProxyMetrics extends CacheListener {
  /** Histogram bucket bounds in seconds. */
  private static final double[] BUCKETS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  /** The {@code result} label values of {@code hitbox_requests_total}. */
  enum Result {
    HIT,
    MISS,
    STALE,
    BYPASS,
    ERROR;

    final String label = name().toLowerCase(Locale.ROOT);

    static Result of(CacheStatus status) {
      return switch (status) {
        case HIT -> HIT;
        case MISS -> MISS;
        case STALE -> STALE;
        case BYPASS -> BYPASS;
      };
    }
  }

  private final Map<String, LongAdder[]> requests = new ConcurrentHashMap<>();
  private final Map<String, Histogram> latency = new ConcurrentHashMap<>();
  private final Map<String, Histogram> upstream = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> upstreamErrors = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> dogpileWaits = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> staleIfError = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> earlyRefresh = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> backendReads = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> backendWrites = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> backendReadBytes = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> backendWriteBytes = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> backendErrors = new ConcurrentHashMap<>();
  private final LongAdder offloadSpawned = new LongAdder();
  private final LongAdder offloadCompleted = new LongAdder();
  private final LongAdder offloadDeduplicated = new LongAdder();
  private final LongAdder offloadRejected = new LongAdder();
  private final LongAdder offloadTimedOut = new LongAdder();
  private final HotKeys hotKeys;

  private ProxyMetrics(HotKeys hotKeys) {
    this.hotKeys = hotKeys;
  }

  /**
   * New metrics, every count at zero. Hot keys count one lookup in 16 (counting every hit cost the
   * proxy about 15% of its hit throughput in {@code ./hitbox bench proxy}); the hottest keys still
   * come out on top.
   */
  public static ProxyMetrics create() {
    return new ProxyMetrics(HotKeys.builder().sampling(16).build());
  }

  /** New metrics whose hot keys are counted by {@code hotKeys}, e.g. exactly for a test. */
  static ProxyMetrics create(HotKeys hotKeys) {
    return new ProxyMetrics(hotKeys);
  }

  // ---------------------------------------------------------------- recorded by the proxy

  void request(String endpoint, Result result, long latencyNanos) {
    requests
        .computeIfAbsent(
            endpoint,
            e -> {
              LongAdder[] a = new LongAdder[Result.values().length];
              for (int i = 0; i < a.length; i++) {
                a[i] = new LongAdder();
              }
              return a;
            })[result.ordinal()]
        .increment();
    latency.computeIfAbsent(endpoint, e -> new Histogram()).record(latencyNanos);
  }

  void upstream(String endpoint, long durationNanos, boolean success) {
    upstream.computeIfAbsent(endpoint, e -> new Histogram()).record(durationNanos);
    if (!success) {
      count(upstreamErrors, endpoint, 1);
    }
  }

  /** How many requests of {@code endpoint} ended with {@code result}. */
  long requests(String endpoint, Result result) {
    LongAdder[] a = requests.get(endpoint);
    return a == null ? 0 : a[result.ordinal()].sum();
  }

  /** How many requests of {@code endpoint} a stale entry answered because the upstream failed. */
  long staleIfError(String endpoint) {
    LongAdder n = staleIfError.get(endpoint);
    return n == null ? 0 : n.sum();
  }

  /** How many callers waited for another caller's upstream call, over all endpoints. */
  long dogpileWaits() {
    return dogpileWaits.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** The hottest keys of every route, counted from the lookups this listener hears. */
  public HotKeys hotKeys() {
    return hotKeys;
  }

  // ---------------------------------------------------------------- engine events

  @Override
  public void onHit(CacheKey key) {
    hotKeys.record(key);
  }

  @Override
  public void onStale(CacheKey key) {
    hotKeys.record(key);
  }

  @Override
  public void onMiss(CacheKey key) {
    hotKeys.record(key);
  }

  /**
   * A stale entry answered because the upstream failed: {@code hitbox_stale_if_error_total}. The
   * request itself is counted once, as {@code result="stale"}.
   */
  @Override
  public void onStaleIfError(CacheKey key, Throwable error) {
    count(staleIfError, key.namespace(), 1);
  }

  @Override
  public void onEarlyRefresh(CacheKey key) {
    count(earlyRefresh, key.namespace(), 1);
  }

  @Override
  public void onDogpileWait(CacheKey key) {
    count(dogpileWaits, key.namespace(), 1);
  }

  @Override
  public void onBackendRead(String backend, long durationNanos, int bytes) {
    count(backendReads, backend, 1);
    count(backendReadBytes, backend, bytes);
  }

  @Override
  public void onBackendWrite(String backend, long durationNanos, int bytes) {
    count(backendWrites, backend, 1);
    count(backendWriteBytes, backend, bytes);
  }

  @Override
  public void onBackendError(String backend, String operation, Throwable error) {
    count(backendErrors, backend + '\0' + operation, 1);
  }

  /**
   * Stored bytes that did not decode: counted as backend errors with {@code operation="decode"}.
   */
  @Override
  public void onDecodeError(String backend, CacheKey key, Throwable error) {
    count(backendErrors, backend + "\0decode", 1);
  }

  @Override
  public void onOffloadSpawned(String key) {
    offloadSpawned.increment();
  }

  @Override
  public void onOffloadCompleted(String key, boolean success) {
    offloadCompleted.increment();
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

  private static void count(Map<String, LongAdder> map, String label, long n) {
    map.computeIfAbsent(label, l -> new LongAdder()).add(n);
  }

  // ---------------------------------------------------------------- exposition

  /** The metrics in the Prometheus text exposition format, version 0.0.4. */
  public String scrape() {
    StringBuilder sb = new StringBuilder(4096);
    header(sb, "hitbox_requests_total", "counter", "Requests answered through a cache endpoint.");
    new TreeMap<>(requests)
        .forEach(
            (endpoint, counts) -> {
              for (Result r : Result.values()) {
                sb.append("hitbox_requests_total{endpoint=\"")
                    .append(escape(endpoint))
                    .append("\",result=\"")
                    .append(r.label)
                    .append("\"} ")
                    .append(counts[r.ordinal()].sum())
                    .append('\n');
              }
            });
    histogram(
        sb,
        "hitbox_latency_seconds",
        "Time from a request's arrival to its response, through a cache endpoint.",
        latency);
    histogram(
        sb,
        "hitbox_upstream_duration_seconds",
        "Time from sending a request upstream to its response head (endpoint \"\": no route).",
        upstream);
    counters(
        sb,
        "hitbox_upstream_errors_total",
        "Upstream calls that failed.",
        "endpoint",
        upstreamErrors);
    counters(
        sb,
        "hitbox_stale_if_error_total",
        "Requests answered with a stored entry because the upstream failed, timed out or answered"
            + " 500, 502, 503 or 504 (also counted as result=\"stale\").",
        "endpoint",
        staleIfError);
    counters(
        sb,
        "hitbox_early_refresh_total",
        "Background refreshes of fresh entries close to going stale (early refresh).",
        "endpoint",
        earlyRefresh);
    counters(
        sb,
        "hitbox_dogpile_waits_total",
        "Callers that waited for another caller's upstream call of the same key.",
        "endpoint",
        dogpileWaits);
    header(
        sb,
        "hitbox_backend_errors_total",
        "counter",
        "Backend calls that failed or timed out, and stored values that did not decode.");
    new TreeMap<>(backendErrors)
        .forEach(
            (label, n) -> {
              int sep = label.indexOf('\0');
              sb.append("hitbox_backend_errors_total{backend=\"")
                  .append(escape(label.substring(0, sep)))
                  .append("\",operation=\"")
                  .append(escape(label.substring(sep + 1)))
                  .append("\"} ")
                  .append(n.sum())
                  .append('\n');
            });
    counters(sb, "hitbox_backend_reads_total", "Backend reads.", "backend", backendReads);
    counters(sb, "hitbox_backend_writes_total", "Backend writes.", "backend", backendWrites);
    counters(
        sb,
        "hitbox_backend_read_bytes_total",
        "Bytes read from backends.",
        "backend",
        backendReadBytes);
    counters(
        sb,
        "hitbox_backend_write_bytes_total",
        "Bytes written to backends.",
        "backend",
        backendWriteBytes);
    single(
        sb,
        "hitbox_offload_tasks_spawned_total",
        "counter",
        "Background tasks started.",
        offloadSpawned.sum());
    single(
        sb,
        "hitbox_offload_tasks_completed_total",
        "counter",
        "Background tasks finished.",
        offloadCompleted.sum());
    single(
        sb,
        "hitbox_offload_tasks_deduplicated_total",
        "counter",
        "Background tasks not started: one for the same key was running.",
        offloadDeduplicated.sum());
    single(
        sb,
        "hitbox_offload_tasks_rejected_total",
        "counter",
        "Background tasks not started: too many were running.",
        offloadRejected.sum());
    single(
        sb,
        "hitbox_offload_tasks_timed_out_total",
        "counter",
        "Background tasks that ran past their timeout.",
        offloadTimedOut.sum());
    single(
        sb,
        "hitbox_offload_tasks_active",
        "gauge",
        "Background tasks running now.",
        Math.max(0, offloadSpawned.sum() - offloadCompleted.sum()));
    return sb.toString();
  }

  private static void header(StringBuilder sb, String name, String type, String help) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void single(StringBuilder sb, String name, String type, String help, long value) {
    header(sb, name, type, help);
    sb.append(name).append(' ').append(value).append('\n');
  }

  private static void counters(
      StringBuilder sb, String name, String help, String label, Map<String, LongAdder> map) {
    header(sb, name, "counter", help);
    new TreeMap<>(map)
        .forEach(
            (value, n) ->
                sb.append(name)
                    .append('{')
                    .append(label)
                    .append("=\"")
                    .append(escape(value))
                    .append("\"} ")
                    .append(n.sum())
                    .append('\n'));
  }

  private static void histogram(
      StringBuilder sb, String name, String help, Map<String, Histogram> map) {
    header(sb, name, "histogram", help);
    new TreeMap<>(map)
        .forEach(
            (endpoint, h) ->
                h.render(
                    (suffix, le) -> {
                      sb.append(name)
                          .append(suffix)
                          .append("{endpoint=\"")
                          .append(escape(endpoint));
                      if (le != null) {
                        sb.append("\",le=\"").append(le);
                      }
                      sb.append("\"} ");
                    },
                    sb));
  }

  static String escape(String labelValue) {
    StringBuilder sb = null;
    for (int i = 0; i < labelValue.length(); i++) {
      char c = labelValue.charAt(i);
      String rep =
          switch (c) {
            case '\\' -> "\\\\";
            case '"' -> "\\\"";
            case '\n' -> "\\n";
            default -> null;
          };
      if (rep != null && sb == null) {
        sb = new StringBuilder(labelValue.substring(0, i));
      }
      if (sb != null) {
        if (rep != null) {
          sb.append(rep);
        } else {
          sb.append(c);
        }
      }
    }
    return sb == null ? labelValue : sb.toString();
  }

  /** A cumulative histogram of durations. */
  private static final class Histogram {
    private final LongAdder[] buckets = new LongAdder[BUCKETS.length];
    private final LongAdder count = new LongAdder();
    private final DoubleAdder sum = new DoubleAdder();

    Histogram() {
      for (int i = 0; i < buckets.length; i++) {
        buckets[i] = new LongAdder();
      }
    }

    void record(long nanos) {
      double seconds = Math.max(0, nanos) / 1e9;
      for (int i = 0; i < BUCKETS.length; i++) {
        if (seconds <= BUCKETS[i]) {
          buckets[i].increment();
          break;
        }
      }
      count.increment();
      sum.add(seconds);
    }

    /** Writes the series; {@code prefix} writes the name, suffix and labels up to the value. */
    void render(BiConsumer<String, String> prefix, StringBuilder sb) {
      long cumulative = 0;
      for (int i = 0; i < BUCKETS.length; i++) {
        cumulative += buckets[i].sum();
        prefix.accept("_bucket", Double.toString(BUCKETS[i]));
        sb.append(cumulative).append('\n');
      }
      long n = count.sum();
      prefix.accept("_bucket", "+Inf");
      sb.append(n).append('\n');
      prefix.accept("_sum", null);
      sb.append(sum.sum()).append('\n');
      prefix.accept("_count", null);
      sb.append(n).append('\n');
    }
  }

  @Override
  public String toString() {
    return "ProxyMetrics{" + requests.keySet() + '}';
  }
}
