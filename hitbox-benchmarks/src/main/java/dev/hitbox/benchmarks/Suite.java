package dev.hitbox.benchmarks;

import dev.hitbox.benchmarks.report.Report;

/**
 * One benchmark of {@code ./hitbox bench NAME}: it compares implementations side by side in one run
 * and returns the tables and charts that {@link BenchMain} writes to {@code docs/benchmarks/}.
 */
interface Suite {
  /** The name on the command line, which also names the generated files. */
  String name();

  /** One line for the list that {@code ./hitbox bench} prints. */
  String description();

  /** Whether options that {@link SuiteOptions} does not know go to this suite (else an error). */
  default boolean takesExtraArgs() {
    return false;
  }

  /** Runs the benchmark, printing progress to standard error. */
  Report run(SuiteOptions options) throws Exception;
}
