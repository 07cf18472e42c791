package dev.hitbox.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The options every suite takes. The defaults keep a run short (JMH: 1 fork, 2 warmup and 3
 * measurement iterations of 1 s; load tests: 2 s warm-up and 3 s measured per variant); {@code
 * --long} multiplies them for figures worth publishing.
 */
record SuiteOptions(
    boolean longRun,
    int forks,
    int warmupIterations,
    int iterations,
    int iterationSeconds,
    int warmupSeconds,
    int seconds,
    Path out,
    @Nullable Path index,
    List<String> args,
    List<String> given) {

  static final String USAGE =
      """
      options (every suite):
        --long          longer runs: JMH -f 2 -wi 5 -i 5, load tests 5 s warm-up + 10 s measured
        -f N            JMH forks (default 1)
        -wi N           JMH warmup iterations (default 2)
        -i N            JMH measurement iterations (default 3)
        -r SECONDS      JMH iteration time, warmup and measurement (default 1)
        --warmup S      load tests: warm-up seconds per variant (default 2)
        --seconds S     load tests: measured seconds per variant (default 3)
        --out DIR       where NAME.md and NAME.png go (default docs/benchmarks)
        --no-index      do not update docs/benchmarks.md
      demo passes other options to ./hitbox demo (--duration 30s, --clients 128);
      proxy takes the knobs of hitbox-benchmarks/scripts/proxy-vs-nginx.sh as NAME=VALUE
      (DURATION=30s CONNECTIONS=128 ROUNDS=3 SERVERS="hitbox nginx").
      """;

  /**
   * Parses the options after the suite's name.
   *
   * @throws IllegalArgumentException naming the option that is unknown or has a bad value
   */
  static SuiteOptions parse(List<String> args) {
    boolean longRun = args.contains("--long");
    int forks = longRun ? 2 : 1;
    int wi = longRun ? 5 : 2;
    int i = longRun ? 5 : 3;
    int r = 1;
    int warmup = longRun ? 5 : 2;
    int seconds = longRun ? 10 : 3;
    Path out = Path.of("docs", "benchmarks");
    @Nullable Path index = Path.of("docs", "benchmarks.md");
    List<String> rest = new ArrayList<>();
    for (int k = 0; k < args.size(); k++) {
      String a = args.get(k);
      switch (a) {
        case "--long" -> {}
        case "--no-index" -> index = null;
        case "-f" -> forks = positive(args, ++k, a);
        case "-wi" -> wi = positive(args, ++k, a);
        case "-i" -> i = positive(args, ++k, a);
        case "-r" -> r = positive(args, ++k, a);
        case "--warmup" -> warmup = positive(args, ++k, a);
        case "--seconds" -> seconds = positive(args, ++k, a);
        case "--out" -> out = Path.of(value(args, ++k, a));
        default -> rest.add(a);
      }
    }
    return new SuiteOptions(
        longRun,
        forks,
        wi,
        i,
        r,
        warmup,
        seconds,
        out,
        index,
        List.copyOf(rest),
        List.copyOf(args));
  }

  /** The command line that runs {@code suite} with these options. */
  String command(String suite) {
    return ("./hitbox bench " + suite + " " + String.join(" ", given)).trim();
  }

  /** Applies the JMH settings to {@code builder}. */
  ChainedOptionsBuilder jmh(ChainedOptionsBuilder builder) {
    return builder
        .forks(forks)
        .warmupIterations(warmupIterations)
        .measurementIterations(iterations)
        .warmupTime(TimeValue.seconds(iterationSeconds))
        .measurementTime(TimeValue.seconds(iterationSeconds));
  }

  /** The JMH settings as command line options, for the report. */
  String jmhSummary() {
    return "JMH -f "
        + forks
        + " -wi "
        + warmupIterations
        + " -i "
        + iterations
        + " -r "
        + iterationSeconds
        + "s";
  }

  private static String value(List<String> args, int k, String name) {
    if (k >= args.size()) {
      throw new IllegalArgumentException(name + ": missing value");
    }
    return args.get(k);
  }

  private static int positive(List<String> args, int k, String name) {
    String v = value(args, k, name);
    try {
      int n = Integer.parseInt(v);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new IllegalArgumentException(name + ": " + v + " (expected: an integer > 0)");
  }
}
