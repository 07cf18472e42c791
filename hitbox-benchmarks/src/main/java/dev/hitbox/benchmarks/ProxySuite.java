package dev.hitbox.benchmarks;

import dev.hitbox.benchmarks.report.Chart;
import dev.hitbox.benchmarks.report.Report;
import dev.hitbox.benchmarks.report.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code proxy}: the Hitbox proxy against nginx {@code proxy_cache} and Varnish on cache hits and
 * cache misses, with wrk, in one run. Runs {@code hitbox-benchmarks/scripts/proxy-vs-nginx.sh},
 * which starts everything on 127.0.0.1, and turns its results into the table and chart. Extra
 * arguments of the form {@code NAME=VALUE} set the script's knobs ({@code DURATION=30s}, {@code
 * CONNECTIONS=128}, {@code SERVERS="hitbox nginx"}, ...).
 */
final class ProxySuite implements Suite {
  static final Path SCRIPT = Path.of("hitbox-benchmarks", "scripts", "proxy-vs-nginx.sh");

  @Override
  public String name() {
    return "proxy";
  }

  @Override
  public String description() {
    return "proxy vs nginx proxy_cache vs Varnish, hits and misses, with wrk";
  }

  @Override
  public boolean takesExtraArgs() {
    return true;
  }

  /** One measured wrk run, as the script reports it. */
  record Run(
      String scenario,
      int round,
      String server,
      double rps,
      String p99,
      long calls,
      long requests,
      String errors) {}

  @Override
  public Report run(SuiteOptions options) throws Exception {
    if (!Files.isRegularFile(SCRIPT)) {
      throw new IllegalStateException(
          SCRIPT + " not found: run ./hitbox bench proxy from the repository's root");
    }
    Tools.require(name(), "wrk", "nginx", "varnishd", "curl");
    Report report = Report.start(name(), "Proxy vs nginx and Varnish", options.command(name()));
    Map<String, String> env = new LinkedHashMap<>();
    env.put("DURATION", options.longRun() ? "15s" : "10s");
    env.put("WARMUP", "20s");
    env.put("MISS_WARMUP", options.longRun() ? "10s" : "5s");
    env.put("ROUNDS", options.longRun() ? "2" : "1");
    for (String a : options.args()) {
      int eq = a.indexOf('=');
      if (eq <= 0 || !a.substring(0, eq).matches("[A-Z_]+")) {
        throw new IllegalArgumentException(
            "proxy: " + a + " (expected: NAME=VALUE, e.g. DURATION=30s; see " + SCRIPT + ")");
      }
      env.put(a.substring(0, eq), a.substring(eq + 1));
    }
    Path results = Files.createTempFile("hitbox-proxy-bench", ".tsv");
    try {
      ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString()).inheritIO();
      pb.environment().putAll(env);
      pb.environment().put("HITBOX_BENCH_CP", System.getProperty("java.class.path"));
      pb.environment().put("RESULTS", results.toString());
      Process p = pb.start();
      if (!p.waitFor(60, TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException(SCRIPT + " failed (see its output above)");
      }
      report.finish();
      List<Run> runs = new ArrayList<>();
      for (String line : Files.readAllLines(results)) {
        String[] f = line.split("\t", -1);
        runs.add(
            new Run(
                f[0],
                Integer.parseInt(f[1]),
                f[2],
                Double.parseDouble(f[3]),
                f[4],
                Long.parseLong(f[5]),
                Long.parseLong(f[6]),
                f[7]));
      }
      render(report, runs, env);
    } finally {
      Files.deleteIfExists(results);
    }
    return report;
  }

  private static void render(Report report, List<Run> runs, Map<String, String> env) {
    report.intro(
        "`GET /api/items/{id}`, about 1 KiB of JSON, through each cache configured alike (ttl 600"
            + " s, in memory, one upstream call per key at a time, keep-alive to the upstream, as"
            + " many I/O threads or nginx workers as cores), measured with `wrk -t1 -c64 -d"
            + env.get("DURATION")
            + " --latency` after a warm-up of each server ("
            + env.get("MISS_WARMUP")
            + " on misses, then "
            + env.get("WARMUP")
            + " on hits), "
            + env.get("ROUNDS")
            + " round(s) ("
            + String.join(
                ", ", env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
            + "). **hit**: wrk cycles through 1,000 keys cached beforehand, and the upstream must"
            + " get no call. **miss**: every request is a key never asked before, which the"
            + " upstream answers without delay; `direct` is wrk straight at the upstream, the"
            + " ceiling of a miss. wrk, the server under test and the upstream share the cores.");
    Table table =
        Table.of(
            "",
            "scenario",
            "server",
            "requests/s (mean)",
            "p99 per round",
            "vs nginx",
            "vs Varnish",
            "upstream calls per request",
            "errors");
    Map<String, Map<String, List<Run>>> byScenario = new LinkedHashMap<>();
    for (Run r : runs) {
      byScenario
          .computeIfAbsent(r.scenario(), k -> new LinkedHashMap<>())
          .computeIfAbsent(r.server(), k -> new ArrayList<>())
          .add(r);
    }
    List<String> servers = new ArrayList<>();
    for (Map<String, List<Run>> m : byScenario.values()) {
      for (String s : m.keySet()) {
        if (!servers.contains(s)) {
          servers.add(s);
        }
      }
    }
    List<String> categories = new ArrayList<>(byScenario.keySet());
    Map<String, List<Double>> series = new LinkedHashMap<>();
    for (String s : servers) {
      series.put(s, new ArrayList<>());
    }
    for (Map.Entry<String, Map<String, List<Run>>> sc : byScenario.entrySet()) {
      Map<String, List<Run>> m = sc.getValue();
      double nginx = mean(m.get("nginx"));
      double varnish = mean(m.get("varnish"));
      for (String s : servers) {
        List<Run> rs = m.get(s);
        series.get(s).add(rs == null ? 0.0 : mean(rs));
        if (rs == null) {
          continue;
        }
        double rps = mean(rs);
        long calls = 0;
        long requests = 0;
        List<String> p99 = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (Run r : rs) {
          calls += r.calls();
          requests += r.requests();
          p99.add(r.p99());
          if (!r.errors().equals("none")) {
            errors.add(r.errors().trim());
          }
        }
        table.row(
            sc.getKey(),
            s.equals("hitbox") ? "**hitbox**" : s,
            Table.count(rps),
            String.join(", ", p99),
            nginx > 0 && !s.equals("nginx") ? Table.ratio(rps / nginx) : "-",
            varnish > 0 && !s.equals("varnish") ? Table.ratio(rps / varnish) : "-",
            s.equals("direct") ? "-" : Table.num((double) calls / Math.max(1, requests), 3),
            errors.isEmpty() ? "none" : String.join("; ", errors));
      }
    }
    report.table(table);
    Chart chart = Chart.of("Requests per second (higher is better)", "requests/s", categories);
    series.forEach(chart::series);
    report.chart(chart);
    Map<String, List<Run>> hits = byScenario.get("hit");
    if (hits != null && hits.containsKey("hitbox") && hits.containsKey("nginx")) {
      double ratio = mean(hits.get("hitbox")) / mean(hits.get("nginx"));
      report.note(
          String.format(
              Locale.ROOT,
              "**Target: the proxy serves at least as many cache hits per second as nginx."
                  + " Measured: %s of nginx, %s.**",
              Table.ratio(ratio),
              ratio >= 1 ? "met" : "missed"));
    }
  }

  private static double mean(List<Run> runs) {
    if (runs == null || runs.isEmpty()) {
      return 0;
    }
    double sum = 0;
    for (Run r : runs) {
      sum += r.rps();
    }
    return sum / runs.size();
  }
}
