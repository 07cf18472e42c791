package dev.hitbox.benchmarks;

import dev.hitbox.benchmarks.report.Chart;
import dev.hitbox.benchmarks.report.Report;
import dev.hitbox.benchmarks.report.Table;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code demo}: the API-gateway case study of {@code ./hitbox demo}, in process and over HTTP
 * through the proxy ({@code --http}), each in its own JVM; p50 / p99 latency and upstream calls
 * without and with the cache, against the case study's targets. Options the suite does not know go
 * to the demo ({@code --duration 30s}, {@code --clients 128}, ...).
 */
final class DemoSuite implements Suite {
  private static final Pattern LATENCY =
      Pattern.compile(
          "^(p50|p99) latency\\s+([0-9.,]+) (ns|us|µs|ms|s)\\s+([0-9.,]+) (ns|us|µs|ms|s)",
          Pattern.MULTILINE);
  private static final Pattern CALLS =
      Pattern.compile("^upstream calls\\s+([0-9,]+)\\s+([0-9,]+)", Pattern.MULTILINE);
  private static final Pattern REQUESTS =
      Pattern.compile("^requests\\s+([0-9,]+)", Pattern.MULTILINE);
  private static final Pattern HIT_RATE =
      Pattern.compile("^hit rate\\s+-\\s+([0-9.]+)%", Pattern.MULTILINE);

  @Override
  public String name() {
    return "demo";
  }

  @Override
  public String description() {
    return "the case study (./hitbox demo): p50 / p99 and upstream calls without and with cache";
  }

  @Override
  public boolean takesExtraArgs() {
    return true;
  }

  /** One mode's figures, parsed from the demo's table. */
  record Figures(
      long requests,
      double p50Direct,
      double p50Cached,
      double p99Direct,
      double p99Cached,
      long callsDirect,
      long callsCached,
      double hitRate) {}

  @Override
  public Report run(SuiteOptions options) throws Exception {
    Report report =
        Report.start(name(), "The case study: `./hitbox demo`", options.command(name()));
    List<String> demoArgs = new ArrayList<>(options.args());
    if (options.longRun() && !demoArgs.contains("--duration")) {
      demoArgs.addAll(List.of("--duration", "30s"));
    }
    Table table =
        Table.of(
            "",
            "mode",
            "requests",
            "p50 no cache",
            "p50 hitbox",
            "p99 no cache",
            "p99 hitbox",
            "p99 reduction",
            "upstream calls no cache",
            "hitbox",
            "upstream traffic reduction",
            "hit rate");
    List<String> categories = new ArrayList<>();
    List<Double> direct = new ArrayList<>();
    List<Double> cached = new ArrayList<>();
    String config = "";
    List<String> notes = new ArrayList<>();
    for (boolean http : List.of(false, true)) {
      String mode = http ? "over HTTP through the proxy (`--http`)" : "in process";
      System.err.println("demo: " + mode + "...");
      List<String> args = new ArrayList<>(demoArgs);
      if (http) {
        args.add("--http");
      }
      String out;
      try {
        out = demo(args);
      } catch (IllegalStateException e) {
        System.err.println("demo: " + mode + " failed: " + e.getMessage());
        table.row(mode, "failed", "-", "-", "-", "-", "-", "-", "-", "-", "-");
        notes.add(
            (http ? "Over HTTP" : "In process")
                + ": the run failed ("
                + e.getMessage().lines().findFirst().orElse("")
                + ").");
        continue;
      }
      if (!http) {
        config = out.substring(0, Math.max(0, out.indexOf("\n\n"))).trim();
      }
      Figures f = parse(out);
      double p99Reduction = f.p99Direct() / f.p99Cached();
      double trafficReduction = 1 - (double) f.callsCached() / f.callsDirect();
      table.row(
          mode,
          Table.count(f.requests()),
          Table.nanos(f.p50Direct()),
          Table.nanos(f.p50Cached()),
          Table.nanos(f.p99Direct()),
          Table.nanos(f.p99Cached()),
          Table.ratio(p99Reduction),
          Table.count(f.callsDirect()),
          Table.count(f.callsCached()),
          Table.num(trafficReduction * 100, 1) + " %",
          Table.num(f.hitRate(), 1) + " %");
      String label = http ? "HTTP" : "in process";
      categories.add("p50, " + label);
      categories.add("p99, " + label);
      direct.add(f.p50Direct() / 1e6);
      direct.add(f.p99Direct() / 1e6);
      cached.add(f.p50Cached() / 1e6);
      cached.add(f.p99Cached() / 1e6);
      notes.add(
          String.format(
              Locale.ROOT,
              "%s: p99 reduction %s (target >= 30x: %s), upstream traffic reduction %.1f %%"
                  + " (target >= 85 %%: %s).",
              http ? "Over HTTP" : "In process",
              Table.ratio(p99Reduction),
              p99Reduction >= 30 ? "met" : "missed",
              trafficReduction * 100,
              trafficReduction >= 0.85 ? "met" : "missed"));
    }
    report.finish();
    report.intro(
        "The demo's two phases, without and then with the cache, get the very same requests"
            + " (same seed, open-loop clients); every figure is measured. The configuration:\n\n"
            + "```\n"
            + config
            + "\n```");
    report.table(table);
    report.chart(
        Chart.of("Latency, ms (lower is better, log scale)", "ms", categories)
            .series("no cache", direct)
            .series("hitbox", cached)
            .logarithmic());
    for (String n : notes) {
      report.note("**" + n + "**");
    }
    return report;
  }

  /** Runs the demo in its own JVM, with this JVM's class path, and returns its standard output. */
  private static String demo(List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.hitbox.proxy.demo.Demo");
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    boolean exited = p.waitFor(10, TimeUnit.MINUTES);
    if (!exited || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(
          (exited ? "the demo exited with status " + p.exitValue() : "the demo did not finish")
              + " (demo "
              + String.join(" ", args)
              + ", its error output is above)");
    }
    return out;
  }

  static Figures parse(String out) {
    Matcher m = LATENCY.matcher(out);
    double[] lat = new double[4];
    int found = 0;
    while (m.find()) {
      int base = m.group(1).equals("p50") ? 0 : 2;
      lat[base] = nanos(m.group(2), m.group(3));
      lat[base + 1] = nanos(m.group(4), m.group(5));
      found++;
    }
    Matcher calls = CALLS.matcher(out);
    Matcher requests = REQUESTS.matcher(out);
    Matcher hits = HIT_RATE.matcher(out);
    if (found != 2 || !calls.find() || !requests.find()) {
      throw new IllegalStateException("no table in the demo's output:\n" + out);
    }
    return new Figures(
        number(requests.group(1)),
        lat[0],
        lat[1],
        lat[2],
        lat[3],
        number(calls.group(1)),
        number(calls.group(2)),
        hits.find() ? Double.parseDouble(hits.group(1)) : 0);
  }

  private static long number(String s) {
    return Long.parseLong(s.replace(",", ""));
  }

  private static double nanos(String value, String unit) {
    double v = Double.parseDouble(value.replace(",", ""));
    return switch (unit) {
      case "ns" -> v;
      case "us", "µs" -> v * 1e3;
      case "ms" -> v * 1e6;
      default -> v * 1e9;
    };
  }
}
