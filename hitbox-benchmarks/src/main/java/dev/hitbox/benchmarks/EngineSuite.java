package dev.hitbox.benchmarks;

import dev.hitbox.benchmarks.JmhRuns.Score;
import dev.hitbox.benchmarks.engine.EnginePathBenchmark;
import dev.hitbox.benchmarks.report.Chart;
import dev.hitbox.benchmarks.report.Machine;
import dev.hitbox.benchmarks.report.Report;
import dev.hitbox.benchmarks.report.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * {@code engine}: the hit, miss and stale paths of Hitbox against raw Caffeine and Spring Cache on
 * Caffeine ({@link EnginePathBenchmark}), on 1, 2 and all cores, with the allocation per read;
 * Hitbox with and without Micrometer metrics.
 */
final class EngineSuite implements Suite {
  static final List<String> IMPLS =
      List.of("caffeine_raw", "spring_cacheable", "hitbox_cache", "hitbox_cache_micrometer");
  static final List<String> PATHS = List.of("hit", "miss", "stale");

  @Override
  public String name() {
    return "engine";
  }

  @Override
  public String description() {
    return "hit / miss / stale path: Hitbox (with and without Micrometer) vs raw Caffeine vs Spring"
        + " @Cacheable, 1, 2, all cores";
  }

  @Override
  public Report run(SuiteOptions options) throws Exception {
    TreeSet<Integer> threadCounts = new TreeSet<>(List.of(1, 2, Machine.cores()));
    Report report =
        Report.start(name(), "Engine: hit, miss and stale paths", options.command(name()));
    List<Score> scores = new ArrayList<>();
    for (int threads : threadCounts) {
      System.err.printf(Locale.ROOT, "engine: %d thread(s)...%n", threads);
      scores.addAll(
          JmhRuns.run(
              options
                  .jmh(new OptionsBuilder())
                  .include(EnginePathBenchmark.class.getName() + ".read")
                  .threads(threads)
                  .addProfiler(GCProfiler.class)));
    }
    report.finish();
    report.intro(
        "Throughput of one read (`"
            + options.jmhSummary()
            + "`, `-prof gc`) through each implementation, on "
            + threadCounts
            + " threads of "
            + Machine.cores()
            + " cores. The time ratio is raw Caffeine's throughput divided by the"
            + " implementation's: how many times longer one read takes than with raw Caffeine, in"
            + " the same run. Allocation is `gc.alloc.rate.norm` with one thread. Each path:"
            + " `hit` reads 10,000 cached entries in random order (a load fails the trial);"
            + " `miss` reads keys never seen, through a loader that answers at once, into a cache"
            + " bounded to 10,000 entries; `stale` reads entries past their 1 ms freshness, which"
            + " answers the old value and refreshes in the background (Caffeine"
            + " `refreshAfterWrite`, Spring with a cache loader, Hitbox `OFFLOAD_REVALIDATE`)."
            + " `hitbox_cache_micrometer` is `hitbox_cache` with hitbox-micrometer's"
            + " `MicrometerCacheListener` on a `PrometheusMeterRegistry` as the cache's listener:"
            + " the difference between the two rows is what metrics cost.");
    List<String> header = new ArrayList<>(List.of("path", "impl"));
    for (int t : threadCounts) {
      header.add(t + " thread" + (t == 1 ? "" : "s") + ", reads/s");
      header.add("time vs raw");
    }
    header.add("B/read (1 thread)");
    Table table = Table.of("", header.toArray(String[]::new));
    List<String> categories = new ArrayList<>();
    for (String path : PATHS) {
      for (int t : threadCounts) {
        categories.add(path + ", " + t + " thread" + (t == 1 ? "" : "s"));
      }
    }
    Chart chart =
        Chart.of("Reads per second (higher is better, log scale)", "reads/s", categories)
            .logarithmic();
    List<List<Double>> series = new ArrayList<>();
    for (String impl : IMPLS) {
      series.add(new ArrayList<>());
    }
    for (String path : PATHS) {
      for (int k = 0; k < IMPLS.size(); k++) {
        String impl = IMPLS.get(k);
        List<Object> row = new ArrayList<>(List.of("`" + path + "`", "`" + impl + "`"));
        double alloc = -1;
        for (int t : threadCounts) {
          @Nullable Score s = score(scores, impl, path, t);
          @Nullable Score raw = score(scores, IMPLS.get(0), path, t);
          row.add(s == null ? "failed" : Table.count(s.score()) + " ± " + Table.count(s.error()));
          row.add(s == null || raw == null ? "-" : Table.ratio(raw.score() / s.score()));
          series.get(k).add(s == null ? 0.0 : s.score());
          if (t == 1 && s != null) {
            alloc = s.bytesPerOp();
          }
        }
        row.add(alloc < 0 ? "-" : Table.count(alloc));
        table.row(row.toArray());
      }
    }
    for (int k = 0; k < IMPLS.size(); k++) {
      chart.series(IMPLS.get(k), series.get(k));
    }
    report.table(table).chart(chart);
    @Nullable Score hit = score(scores, "hitbox_cache", "hit", 1);
    @Nullable Score rawHit = score(scores, "caffeine_raw", "hit", 1);
    @Nullable Score springHit = score(scores, "spring_cacheable", "hit", 1);
    @Nullable Score meteredHit = score(scores, "hitbox_cache_micrometer", "hit", 1);
    if (hit != null && rawHit != null) {
      double ratio = rawHit.score() / hit.score();
      report.note(
          String.format(
              Locale.ROOT,
              "**Target: a Hitbox hit takes at most 2x the time of a raw Caffeine hit. Measured"
                  + " (1 thread): %s, %s.**%s",
              Table.ratio(ratio),
              ratio <= 2 ? "met" : "missed",
              springHit == null
                  ? ""
                  : " Spring `@Cacheable` on the same Caffeine: "
                      + Table.ratio(rawHit.score() / springHit.score())
                      + "."));
    }
    if (hit != null && meteredHit != null && rawHit != null) {
      report.note(
          String.format(
              Locale.ROOT,
              "Metrics on a hit (1 thread): `hitbox_cache_micrometer` takes %s the time of raw"
                  + " Caffeine, `hitbox_cache` %s: %+,.0f ns per hit for `MicrometerCacheListener`"
                  + " on a Prometheus registry.",
              Table.ratio(rawHit.score() / meteredHit.score()),
              Table.ratio(rawHit.score() / hit.score()),
              1e9 / meteredHit.score() - 1e9 / hit.score()));
    }
    return report;
  }

  private static @Nullable Score score(List<Score> scores, String impl, String path, int threads) {
    return JmhRuns.find(scores, "read", threads, "impl", impl, "path", path);
  }
}
