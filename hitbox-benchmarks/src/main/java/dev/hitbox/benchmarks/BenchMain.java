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
 * The entry point of {@code ./hitbox bench [name] [options]}.
 *
 * <ul>
 *   <li>With no arguments it lists the benchmark suites ({@code engine}, {@code dogpile}, {@code
 *       backends}, {@code formats}, {@code proxy}, {@code demo}).
 *   <li>A suite's name runs it: it compares implementations side by side in one run, prints its
 *       tables and writes them, with a PNG chart, to {@code docs/benchmarks/NAME.md} and {@code
 *       NAME.png}, and into the suite's section of {@code docs/benchmarks.md}. {@code all} runs
 *       every suite. The options are those of {@link SuiteOptions}.
 *   <li>Any other name is a regular expression, as for JMH, and runs the JMH benchmarks whose
 *       {@code Class.method} name contains a match: {@code ./hitbox bench HitPath}. Every other
 *       argument goes to JMH unchanged: {@code -prof gc}, {@code -p impl=caffeine_raw}, {@code -f
 *       3}, {@code -rf json}; {@code -h} lists them.
 * </ul>
 *
 * <p>For plain JMH runs, unless given on the command line, the run uses modest settings that fit a
 * 2-core machine: one fork, 5 warmup and 5 measurement iterations of 1 s each (the engine's hit
 * path needs a few seconds of C2 compilation on a busy 2-core machine). They override the
 * benchmarks' own annotations, so that {@code ./hitbox bench} always takes about the same time per
 * benchmark.
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
    System.setProperty("java.awt.headless", "true");
    if (args.length == 0) {
      System.out.print(list());
      return;
    }
    List<String> rest = List.of(args).subList(1, args.length);
    if (args[0].equals("all")) {
      System.exit(runSuites(SUITES, rest));
    }
    // one or more suite names, then their options
    List<Suite> chosen = new ArrayList<>();
    int k = 0;
    for (; k < args.length; k++) {
      Suite named = null;
      for (Suite suite : SUITES) {
        if (suite.name().equals(args[k])) {
          named = suite;
        }
      }
      if (named == null) {
        break;
      }
      chosen.add(named);
    }
    if (!chosen.isEmpty()) {
      System.exit(runSuites(chosen, List.of(args).subList(k, args.length)));
    }
    if (!args[0].startsWith("-") && args[0].matches("[a-z]+")) {
      System.err.print("hitbox bench: no benchmark named '" + args[0] + "'\n\n" + list());
      System.exit(2);
    }
    runJmh(args);
  }

  /** The suites of {@code ./hitbox bench NAME}, in the order {@code all} runs them. */
  static final List<Suite> SUITES =
      List.of(
          new EngineSuite(),
          new DogpileSuite(),
          new BackendsSuite(),
          new FormatsSuite(),
          new ProxySuite(),
          new DemoSuite());

  /** The usage text with every suite's name. */
  static String list() {
    StringBuilder sb = new StringBuilder();
    sb.append(
        "usage: ./hitbox bench NAME... [options] | all [options] | JMH_REGEX [jmh options]\n\n");
    sb.append("benchmarks (each writes docs/benchmarks/NAME.md and NAME.png):\n");
    for (Suite s : SUITES) {
      sb.append(String.format(Locale.ROOT, "  %-10s %s%n", s.name(), s.description()));
    }
    sb.append(
        String.format(Locale.ROOT, "  %-10s %s%n%n", "all", "every benchmark above, in turn"));
    sb.append(SuiteOptions.USAGE);
    sb.append(
        "\nAny other first argument is a JMH regular expression: ./hitbox bench HitPath -prof gc"
            + "\n(./hitbox bench -l lists the JMH benchmarks, -h JMH's options).\n");
    return sb.toString();
  }

  /** Runs {@code suites} in turn, writing each one's report; returns the exit status. */
  static int runSuites(List<Suite> suites, List<String> args) {
    // JMH refuses to start while another JMH run holds /tmp/jmh.lock; on a shared build machine
    // that is someone else's run, and the load average in every report tells of it.
    System.setProperty("jmh.ignoreLock", "true");
    SuiteOptions options;
    try {
      options = SuiteOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("hitbox bench: " + e.getMessage() + "\n\n" + SuiteOptions.USAGE);
      return 2;
    }
    for (Suite suite : suites) {
      if (!options.args().isEmpty() && !suite.takesExtraArgs()) {
        System.err.println(
            "hitbox bench "
                + suite.name()
                + ": unknown option(s) "
                + options.args()
                + "\n\n"
                + SuiteOptions.USAGE);
        return 2;
      }
    }
    int failed = 0;
    for (Suite suite : suites) {
      System.err.printf(
          Locale.ROOT,
          "%n== %s: %s (load %s)%n",
          suite.name(),
          suite.description(),
          dev.hitbox.benchmarks.report.Machine.load());
      try {
        dev.hitbox.benchmarks.report.Report report = suite.run(options).finish();
        System.out.println();
        System.out.println(report.markdown());
        for (java.nio.file.Path p : report.write(options.out(), options.index())) {
          System.err.println("wrote " + p);
        }
      } catch (Exception e) {
        failed++;
        System.err.println("hitbox bench " + suite.name() + " failed: " + e);
        e.printStackTrace();
      }
    }
    return failed == 0 ? 0 : 1;
  }

  /** The plain JMH run: a regular expression and JMH's options. */
  private static void runJmh(String[] args) throws IOException {
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
