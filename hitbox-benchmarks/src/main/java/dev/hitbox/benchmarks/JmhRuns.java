package dev.hitbox.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;

/** Runs JMH from a suite and reads its results. */
final class JmhRuns {
  private JmhRuns() {}

  /** One measured benchmark: its parameters, score, error and allocation per operation. */
  record Score(
      String method,
      Map<String, String> params,
      int threads,
      double score,
      double error,
      String unit,
      double bytesPerOp) {
    String param(String key) {
      String v = params.get(key);
      return v == null ? "" : v;
    }
  }

  /** Runs the benchmarks that {@code builder} selects. */
  static List<Score> run(ChainedOptionsBuilder builder) throws RunnerException {
    Collection<RunResult> results = new Runner(builder.build()).run();
    List<Score> scores = new ArrayList<>();
    for (RunResult r : results) {
      var p = r.getParams();
      Map<String, String> params = new java.util.TreeMap<>();
      for (String k : p.getParamsKeys()) {
        params.put(k, p.getParam(k));
      }
      String name = p.getBenchmark();
      Result<?> primary = r.getPrimaryResult();
      scores.add(
          new Score(
              name.substring(name.lastIndexOf('.') + 1),
              params,
              p.getThreads(),
              primary.getScore(),
              primary.getScoreError(),
              primary.getScoreUnit(),
              allocation(r)));
    }
    return scores;
  }

  /** {@code gc.alloc.rate.norm} when run with the GC profiler, else -1. */
  private static double allocation(RunResult r) {
    @Nullable Result<?> alloc = null;
    for (Map.Entry<String, Result> e : r.getSecondaryResults().entrySet()) {
      if (e.getKey().endsWith("gc.alloc.rate.norm")) {
        alloc = e.getValue();
      }
    }
    return alloc == null ? -1 : alloc.getScore();
  }

  /** The first score whose method and parameters match. */
  static @Nullable Score find(List<Score> scores, String method, int threads, String... params) {
    outer:
    for (Score s : scores) {
      if (!s.method().equals(method) || (threads > 0 && s.threads() != threads)) {
        continue;
      }
      for (int i = 0; i + 1 < params.length; i += 2) {
        if (!s.param(params[i]).equals(params[i + 1])) {
          continue outer;
        }
      }
      return s;
    }
    return null;
  }
}
