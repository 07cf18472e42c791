package dev.hitbox.proxy.demo;

import dev.hitbox.core.HotKeys.HotKey;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The outcome of a demo run and how it is printed: the configuration, then a side-by-side table of
 * the two phases with notes on what the numbers mean. Every number comes from a measurement.
 *
 * @param options the options of the run
 * @param direct the phase without a cache
 * @param cached the phase through the cache
 * @param cacheErrors backend, decode and user-code errors the cache reported (expected: none)
 * @param hotKeys the hottest keys of the cached phase, hottest first (from {@code HotKeys})
 */
record Report(
    DemoOptions options,
    PhaseResult direct,
    PhaseResult cached,
    long cacheErrors,
    List<HotKey> hotKeys) {
  private static final String ROW = "%-18s%12s%14s   %s%n";

  /** How many hot keys the report lists. */
  static final int HOT_KEYS = 5;

  Report {
    hotKeys = List.copyOf(hotKeys);
  }

  /** A report without hot keys. */
  Report(DemoOptions options, PhaseResult direct, PhaseResult cached, long cacheErrors) {
    this(options, direct, cached, cacheErrors, List.of());
  }

  /** The configuration lines printed before the in-process run starts. */
  static String config(DemoOptions o) {
    return config(o, false);
  }

  /**
   * The configuration lines printed before the run starts.
   *
   * @param http whether the run goes over HTTP through the proxy ({@code --http})
   */
  static String config(DemoOptions o, boolean http) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        http
            ? "Hitbox demo: the API-gateway case study, over HTTP through the proxy\n"
            : "Hitbox demo: the API-gateway case study, in one process\n");
    if (http) {
      line(
          sb,
          "http",
          "clients -> hitbox proxy -> catalog service, HTTP/1.1 keep-alive on 127.0.0.1");
    }
    line(
        sb,
        "catalog service",
        "latency log-normal, median %s, p99 ~450 ms; each page's data changes every %s",
        time(CatalogService.MEDIAN),
        time(o.changeInterval()));
    line(
        sb,
        "clients",
        "%,d open-loop clients x %s req/s = %s req/s",
        o.clients(),
        DemoOptions.plain(o.rate()),
        String.format(Locale.ROOT, "%,.0f", o.totalRate()));
    line(
        sb,
        "keys",
        "catalog:{category}:{page}, %,d pages, Zipf popularity s=%s, seed %d",
        o.keys(),
        o.zipf() == Math.rint(o.zipf())
            ? String.format(Locale.ROOT, "%.1f", o.zipf())
            : DemoOptions.plain(o.zipf()),
        o.seed());
    line(
        sb,
        "cache",
        (http ? "hitbox proxy endpoint /catalog/{category}/{page}, " : "")
            + "Caffeine, ttl %s, stale %s, OFFLOAD_REVALIDATE, concurrency 1",
        time(o.ttl()),
        time(o.stale()));
    line(
        sb,
        "phases",
        "no cache, then hitbox: %s warm-up + %s measured each",
        time(o.warmUp()),
        time(o.duration()));
    return sb.append('\n').toString();
  }

  private static void line(StringBuilder sb, String label, String format, Object... args) {
    sb.append(String.format(Locale.ROOT, "  %-16s ", label))
        .append(String.format(Locale.ROOT, format, args))
        .append('\n');
  }

  /** The table and its notes. */
  String render() {
    PhaseResult a = direct;
    PhaseResult b = cached;
    StringBuilder sb = new StringBuilder();
    row(sb, "", a.name(), b.name(), "change");
    row(sb, "requests", count(a.requests()), count(b.requests()), "");
    row(sb, "p50 latency", latency(a.p50()), latency(b.p50()), ratio(a.p50(), b.p50()));
    row(sb, "p99 latency", latency(a.p99()), latency(b.p99()), ratio(a.p99(), b.p99()));
    row(
        sb,
        "upstream calls",
        count(a.upstreamCalls()),
        count(b.upstreamCalls()),
        change(a.upstreamCalls(), b.upstreamCalls()));
    row(sb, "hit rate", "-", percent(b.hitRate()), "");
    row(sb, "stale serves", "-", count(b.stale()), "");
    row(sb, "dogpile waits", "-", count(b.dogpileWaits()), "");
    row(sb, "outdated answers", percent(a.outdatedRate()), percent(b.outdatedRate()), "");
    if (a.errors() > 0 || b.errors() > 0) {
      row(sb, "errors", count(a.errors()), count(b.errors()), "");
    }
    sb.append('\n');
    sb.append(
        format(
            "Measured over %s per phase, after %s of warm-up while the cache filled up (not in the"
                + " table:\n  %s %,d requests; %s %,d requests, %,d upstream calls, %,d dogpile"
                + " waits).\n",
            time(a.measured()),
            time(options.warmUp()),
            a.name(),
            a.warmUpRequests(),
            b.name(),
            b.warmUpRequests(),
            b.warmUp().upstreamCalls(),
            b.warmUp().dogpileWaits()));
    sb.append(
        format(
            "Latency runs from the client's call to its answer. The hit rate counts fresh and"
                + " stale answers;\n  stale entries were refreshed in the background by %,d"
                + " upstream calls, one at a time per page.\n",
            b.window().refreshes()));
    sb.append(
        "Outdated answers carry an older version of the page than the service had at that"
            + " moment.\n");
    if (cacheErrors > 0) {
      sb.append(
          format("The cache reported %,d errors (backend, decode or user code).%n", cacheErrors));
    }
    if (!hotKeys.isEmpty()) {
      sb.append(
          "\nHot keys (count-min sketch over the cache's lookups; estimates of recent lookups):\n");
      for (HotKey k : hotKeys) {
        sb.append(format("  %-34s %,12d%n", k.key(), k.estimate()));
      }
    }
    return sb.toString();
  }

  private static void row(StringBuilder sb, String label, String a, String b, String change) {
    sb.append(String.format(Locale.ROOT, ROW, label, a, b, change).stripTrailing()).append('\n');
  }

  private static String format(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  static String count(long n) {
    return format("%,d", n);
  }

  /** A fraction as a percentage rounded down, so 99.97% reads 99.9%, never 100.0%. */
  static String percent(double fraction) {
    return format("%.1f%%", Math.floor(fraction * 1000 + 1e-9) / 10);
  }

  /** Nanoseconds as {@code 3.2 us} below a millisecond, {@code 71.4 ms} above. */
  static String latency(long nanos) {
    if (nanos < 1_000_000) {
      return format("%.1f us", nanos / 1e3);
    }
    return format("%,.1f ms", nanos / 1e6);
  }

  /** How many times lower (or higher) {@code after} is than {@code before}. */
  static String ratio(long before, long after) {
    if (before <= 0 || after <= 0) {
      return "";
    }
    double r = (double) before / after;
    String direction = r >= 1 ? "lower" : "higher";
    double x = r >= 1 ? r : 1 / r;
    return format(x >= 100 ? "%,.0fx %s" : x >= 10 ? "%.0fx %s" : "%.1fx %s", x, direction);
  }

  /** The relative change from {@code before} to {@code after}, such as {@code -90.6%}. */
  static String change(long before, long after) {
    if (before == 0) {
      return "";
    }
    return format("%+.1f%%", 100.0 * (after - before) / before);
  }

  /** A duration as {@code 12 s}, {@code 2.5 s} or {@code 333 ms}. */
  static String time(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + " ms";
    }
    return ms % 1000 == 0 ? ms / 1000 + " s" : format("%.1f s", ms / 1e3);
  }
}
