package dev.hitbox.proxy.demo;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Shows how far a run is, on standard error. On a terminal one line is redrawn in place ({@code
 * [#####.....] 45% hitbox measuring 12,345 requests}); elsewhere (CI logs, pipes) a line is printed
 * when each phase starts and ends. Used from the thread that runs the demo only.
 */
abstract class Progress {
  /** Shows nothing. */
  static final Progress NONE = new Progress() {};

  /** Starts a phase; the returned ticks report its progress. */
  LoadPhase.Ticks phase(int index, int phases, String name, DemoOptions options) {
    return (stage, fraction, requests) -> {};
  }

  /** A phase has ended. */
  void phaseDone(PhaseResult result) {}

  /** The run has ended. */
  void done() {}

  /** The redrawn line, for a terminal. */
  static Progress terminal(PrintStream err) {
    return new Terminal(err);
  }

  /** A line per phase start and end, for logs. */
  static Progress lines(PrintStream err) {
    return new Lines(err);
  }

  static String summary(PhaseResult r) {
    return String.format(
        Locale.ROOT,
        "%s: %,d requests measured in %s",
        r.name(),
        r.requests(),
        Report.time(r.measured()));
  }

  private static final class Terminal extends Progress {
    private static final int WIDTH = 30;
    private final PrintStream err;
    private int drawn;

    Terminal(PrintStream err) {
      this.err = err;
    }

    @Override
    LoadPhase.Ticks phase(int index, int phases, String name, DemoOptions options) {
      return (stage, fraction, requests) -> {
        double overall = (index + fraction) / phases;
        int filled = (int) Math.round(overall * WIDTH);
        String line =
            String.format(
                Locale.ROOT,
                "[%s%s] %3d%%  %s, %s  %,d requests",
                "#".repeat(filled),
                ".".repeat(WIDTH - filled),
                (int) Math.floor(overall * 100),
                name,
                stage,
                requests);
        draw(line);
      };
    }

    @Override
    void phaseDone(PhaseResult result) {
      clear();
      err.println(summary(result));
      err.flush();
    }

    @Override
    void done() {
      clear();
    }

    private void draw(String line) {
      // Pad with spaces over a longer previous line rather than relying on ANSI escapes.
      err.print('\r' + line + " ".repeat(Math.max(0, drawn - line.length())));
      err.flush();
      drawn = line.length();
    }

    private void clear() {
      if (drawn > 0) {
        err.print('\r' + " ".repeat(drawn) + '\r');
        err.flush();
        drawn = 0;
      }
    }
  }

  private static final class Lines extends Progress {
    private final PrintStream err;

    Lines(PrintStream err) {
      this.err = err;
    }

    @Override
    LoadPhase.Ticks phase(int index, int phases, String name, DemoOptions options) {
      err.printf(
          Locale.ROOT,
          "phase %d/%d, %s: %s warm-up + %s measured...%n",
          index + 1,
          phases,
          name,
          Report.time(options.warmUp()),
          Report.time(options.duration()));
      err.flush();
      return (stage, fraction, requests) -> {};
    }

    @Override
    void phaseDone(PhaseResult result) {
      err.println(summary(result));
      err.flush();
    }
  }
}
