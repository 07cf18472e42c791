package dev.hitbox.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The entry point of {@code ./hitbox bench [name] [jmh options]}: runs the JMH benchmarks of this
 * module.
 *
 * <ul>
 *   <li>With no arguments it lists every benchmark and runs them all.
 *   <li>A name (a regular expression, as for JMH) runs the benchmarks whose {@code Class.method}
 *       name contains a match: {@code ./hitbox bench HitPath}.
 *   <li>Every other argument goes to JMH unchanged: {@code -prof gc}, {@code -p impl=caffeine_raw},
 *       {@code -f 3}, {@code -rf json}; {@code -h} lists them.
 * </ul>
 *
 * <p>Unless given on the command line, the run uses modest settings that fit a 2-core machine: one
 * fork, 5 warmup and 5 measurement iterations of 1 s each (the engine's hit path needs a few
 * seconds of C2 compilation on a busy 2-core machine). They override the benchmarks' own
 * annotations, so that {@code ./hitbox bench} always takes about the same time per benchmark.
 *
 * <p>After the run, for benchmarks that compare implementations through an {@code impl} parameter,
 * it prints each implementation's time per operation as a ratio of the baseline's (the first value
 * of {@code @Param} on the {@code impl} field), with the allocation per operation when run with
 * {@code -prof gc}. Benchmarks on a shared machine are noisy: compare ratios within one run, not
 * absolute numbers across runs.
 */
public final class BenchMain {
  static final int DEFAULT_FORKS = 1;
  static final int DEFAULT_WARMUP_ITERATIONS = 5;
  static final int DEFAULT_MEASUREMENT_ITERATIONS = 5;
  static final TimeValue DEFAULT_ITERATION_TIME = TimeValue.seconds(1);

  private static final int PROCESSORS = Runtime.getRuntime().availableProcessors();

  /** The parameter through which a benchmark compares implementations. */
  static final String IMPL_PARAM = "impl";

  private BenchMain() {}

  /**
   * Runs the benchmarks selected by {@code args}.
   *
   * @param args an optional name (regular expression) and JMH command line options
   */
  public static void main(String[] args) throws IOException {
    CommandLineOptions cli;
    try {
      cli = new CommandLineOptions(args);
    } catch (CommandLineOptionException e) {
      System.err.println("hitbox bench: " + e.getMessage() + " (see: ./hitbox bench -h)");
      System.exit(2);
      return;
    }
    if (cli.shouldHelp()
        || cli.shouldList()
        || cli.shouldListWithParams()
        || cli.shouldListProfilers()
        || cli.shouldListResultFormats()) {
      org.openjdk.jmh.Main.main(args);
      return;
    }
    Runner runner = new Runner(withDefaults(cli));
    runner.list();
    String loadBefore = load();
    Collection<RunResult> results;
    try {
      results = runner.run();
    } catch (NoBenchmarksException e) {
      System.err.println(
          "hitbox bench: no benchmark matches " + cli.getIncludes() + " (see: ./hitbox bench -l)");
      System.exit(2);
      return;
    } catch (RunnerException e) {
      System.err.println("hitbox bench: " + e.getMessage());
      System.exit(1);
      return;
    }
    String ratios = ratios(results);
    if (!ratios.isEmpty()) {
      System.out.println();
      System.out.print(ratios);
    }
    System.out.printf(
        Locale.ROOT,
        "%nLoad average: %s before, %s after, on %d processors%s.%n",
        loadBefore,
        load(),
        PROCESSORS,
        busy()
            ? " (more than the benchmark's own threads: other work competed, expect noise)"
            : "");
  }

  /** The system load average over the last minute, or "unknown". */
  private static String load() {
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return load < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f", load);
  }

  /**
   * Whether clearly more work than the benchmark's own threads (at most one per processor) was
   * runnable, on average, over the last minute.
   */
  private static boolean busy() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() > PROCESSORS + 1;
  }

  /** The command line options, with this launcher's defaults for what they leave unset. */
  static Options withDefaults(CommandLineOptions cli) {
    OptionsBuilder b = new OptionsBuilder();
    b.parent(cli);
    if (!cli.getForkCount().hasValue()) {
      b.forks(DEFAULT_FORKS);
    }
    if (!cli.getWarmupIterations().hasValue()) {
      b.warmupIterations(DEFAULT_WARMUP_ITERATIONS);
    }
    if (!cli.getWarmupTime().hasValue()) {
      b.warmupTime(DEFAULT_ITERATION_TIME);
    }
    if (!cli.getMeasurementIterations().hasValue()) {
      b.measurementIterations(DEFAULT_MEASUREMENT_ITERATIONS);
    }
    if (!cli.getMeasurementTime().hasValue()) {
      b.measurementTime(DEFAULT_ITERATION_TIME);
    }
    return b.build();
  }

  /**
   * Renders, for every group of results that differ only in their {@code impl} parameter, each
   * implementation's time per operation relative to the baseline's; empty when there is no such
   * group.
   */
  static String ratios(Collection<RunResult> results) {
    Map<String, List<RunResult>> groups = new LinkedHashMap<>();
    for (RunResult r : results) {
      BenchmarkParams p = r.getParams();
      if (p.getParam(IMPL_PARAM) != null) {
        groups.computeIfAbsent(groupKey(p), k -> new ArrayList<>()).add(r);
      }
    }
    StringBuilder out = new StringBuilder();
    for (List<RunResult> group : groups.values()) {
      BenchmarkParams first = group.get(0).getParams();
      String baselineImpl = baselineImpl(first.getBenchmark());
      RunResult baseline = null;
      for (RunResult r : group) {
        if (r.getParams().getParam(IMPL_PARAM).equals(baselineImpl)) {
          baseline = r;
        }
      }
      if (baseline == null) {
        continue;
      }
      out.append(String.format(Locale.ROOT, "%n%s%s%n", shortName(first), otherParams(first)));
      out.append(
          String.format(
              Locale.ROOT, "  %-20s %24s %14s %12s%n", IMPL_PARAM, "score", "time ratio", "B/op"));
      for (RunResult r : group) {
        Result<?> s = r.getPrimaryResult();
        out.append(
            String.format(
                Locale.ROOT,
                "  %-20s %10.3f ± %-11s %14s %12s%n",
                r.getParams().getParam(IMPL_PARAM),
                s.getScore(),
                String.format(Locale.ROOT, "%.3f %s", s.getScoreError(), s.getScoreUnit()),
                String.format(Locale.ROOT, "%.2fx", timeRatio(r, baseline)),
                allocation(r)));
      }
    }
    if (out.length() == 0) {
      return "";
    }
    return "Time per operation relative to the baseline impl (the first value of its @Param),"
        + " within this run;\non a shared machine only such ratios are meaningful."
        + " B/op needs -prof gc.\n"
        + out;
  }

  private static String groupKey(BenchmarkParams p) {
    return p.getBenchmark() + '|' + p.getMode() + '|' + p.getThreads() + '|' + otherParams(p);
  }

  private static String otherParams(BenchmarkParams p) {
    Map<String, String> params = new TreeMap<>();
    for (String k : p.getParamsKeys()) {
      if (!k.equals(IMPL_PARAM)) {
        params.put(k, p.getParam(k));
      }
    }
    return String.format(
        Locale.ROOT,
        " [%s, threads=%d%s]",
        p.getMode().shortLabel(),
        p.getThreads(),
        params(params));
  }

  private static String params(Map<String, String> params) {
    StringBuilder sb = new StringBuilder();
    params.forEach((k, v) -> sb.append(", ").append(k).append('=').append(v));
    return sb.toString();
  }

  private static String shortName(BenchmarkParams p) {
    String name = p.getBenchmark();
    int method = name.lastIndexOf('.');
    int type = name.lastIndexOf('.', method - 1);
    return name.substring(type + 1);
  }

  /** The first value of {@code @Param} on the benchmark class's {@code impl} field. */
  static String baselineImpl(String benchmark) {
    String className = benchmark.substring(0, benchmark.lastIndexOf('.'));
    try {
      Class<?> type = Class.forName(className, false, BenchMain.class.getClassLoader());
      for (Class<?> t = type; t != null; t = t.getSuperclass()) {
        for (java.lang.reflect.Field f : t.getDeclaredFields()) {
          Param param = f.getAnnotation(Param.class);
          if (f.getName().equals(IMPL_PARAM) && param != null && param.value().length > 0) {
            return param.value()[0];
          }
        }
      }
    } catch (ClassNotFoundException | LinkageError e) {
      // No baseline: the ratio table skips this benchmark.
    }
    return "";
  }

  /** How many times the baseline's time one operation of {@code r} takes. */
  private static double timeRatio(RunResult r, RunResult baseline) {
    double score = r.getPrimaryResult().getScore();
    double base = baseline.getPrimaryResult().getScore();
    // Throughput is operations per time unit: the time ratio is its inverse.
    return r.getParams().getMode() == Mode.Throughput ? base / score : score / base;
  }

  private static String allocation(RunResult r) {
    @Nullable Result<?> alloc = null;
    for (Map.Entry<String, Result> e : r.getSecondaryResults().entrySet()) {
      if (e.getKey().endsWith("gc.alloc.rate.norm")) {
        alloc = e.getValue();
      }
    }
    return alloc == null ? "-" : String.format(Locale.ROOT, "%.1f", alloc.getScore());
  }
}
