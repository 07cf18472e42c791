package dev.hitbox.proxy.demo;

import java.io.PrintStream;
import java.util.List;

/**
 * {@code ./hitbox demo}: the API-gateway case study in one process, no server needed. A simulated
 * catalog service with a p99 latency of about 450 ms is loaded by concurrent clients with Zipf key
 * popularity, first directly and then through a Hitbox cache (Caffeine, stale-while-revalidate,
 * dogpile prevention); a side-by-side table of measured latency, upstream calls, hit rate, stale
 * serves and dogpile waits follows. With {@code --http} the same runs over HTTP on loopback: the
 * service behind a JDK HTTP server, the cache in a running {@code HitboxProxy}. {@code ./hitbox
 * demo --help} lists the options.
 */
public final class Demo {
  private Demo() {}

  /**
   * Runs the demo and exits with status 0, or 2 when an option is not valid.
   *
   * @param args the options, such as {@code --duration 12s --clients 64 --keys 500}
   */
  public static void main(String[] args) {
    int status = run(args, System.out, System.err, System.console() != null);
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * Runs the demo: the configuration and the table go to {@code out}, progress and errors to {@code
   * err}.
   *
   * @param terminal whether {@code err} is a terminal, where the progress line is redrawn in place
   * @return the exit status: 0, or 2 when an option is not valid
   */
  static int run(String[] args, PrintStream out, PrintStream err, boolean terminal) {
    List<String> list = List.of(args);
    if (list.contains("--help") || list.contains("-h")) {
      out.print(DemoOptions.USAGE);
      return 0;
    }
    boolean http = list.contains("--http");
    DemoOptions options;
    try {
      options =
          DemoOptions.parse(list.stream().filter(a -> !a.equals("--http")).toArray(String[]::new));
    } catch (IllegalArgumentException e) {
      err.println("hitbox demo: " + e.getMessage());
      err.println("Run './hitbox demo --help' for the options.");
      return 2;
    }
    out.print(Report.config(options, http));
    out.flush();
    Progress progress = terminal ? Progress.terminal(err) : Progress.lines(err);
    Report report = http ? HttpDemoRun.run(options, progress) : DemoRun.run(options, progress);
    out.println();
    out.print(report.render());
    out.flush();
    return 0;
  }
}
