package dev.hitbox.benchmarks;

import dev.hitbox.benchmarks.JmhRuns.Score;
import dev.hitbox.benchmarks.formats.CompressionBenchmark;
import dev.hitbox.benchmarks.formats.FormatBenchmark;
import dev.hitbox.benchmarks.formats.FormatSizes;
import dev.hitbox.benchmarks.report.Chart;
import dev.hitbox.benchmarks.report.Report;
import dev.hitbox.benchmarks.report.Table;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * {@code formats}: encode and decode time and encoded size of every value format ({@link
 * FormatBenchmark}), and compress and decompress time and size of every compressor ({@link
 * CompressionBenchmark}), for a small and a large value.
 */
final class FormatsSuite implements Suite {
  static final List<String> FORMATS = List.of("Bincode", "Fory", "Json", "MessagePack", "Cbor");
  static final List<String> COMPRESSORS = List.of("Gzip", "Zstd", "Lz4");
  static final List<String> SIZES = List.of("small", "large");

  @Override
  public String name() {
    return "formats";
  }

  @Override
  public String description() {
    return "value formats and compressors: encode / decode time and size";
  }

  @Override
  public Report run(SuiteOptions options) throws Exception {
    Report report = Report.start(name(), "Formats and compression", options.command(name()));
    List<Score> scores =
        JmhRuns.run(
            options
                .jmh(new OptionsBuilder())
                .include(FormatBenchmark.class.getName() + "\\.")
                .include(CompressionBenchmark.class.getName() + "\\.")
                .threads(1));
    report.finish();
    report.intro(
        "Average time of one operation (`"
            + options.jmhSummary()
            + "`, one thread), through the same `ValueCodec` / `Compressor` the engine uses. The"
            + " small value is a user record with an address (a few hundred bytes), the large one"
            + " a catalog of 300 items; compressors work on the JSON encoding, at their default"
            + " level. Sizes are exact. `Fory` is the candidate Bincode was measured against (see"
            + " `docs/formats.md`).");
    Table formats =
        Table.of(
            "Value formats:",
            "format",
            "small: encode",
            "decode",
            "bytes",
            "large: encode",
            "decode",
            "bytes");
    List<Double> encodeLarge = new ArrayList<>();
    List<Double> decodeLarge = new ArrayList<>();
    for (String f : FORMATS) {
      List<Object> row = new ArrayList<>(List.of(f));
      for (String size : SIZES) {
        double enc = micros(scores, "encode", "format", f, size);
        double dec = micros(scores, "decode", "format", f, size);
        row.add(time(enc));
        row.add(time(dec));
        row.add(Table.count(FormatSizes.encodedSize(f, size)));
        if (size.equals("large")) {
          encodeLarge.add(enc);
          decodeLarge.add(dec);
        }
      }
      formats.row(row.toArray());
    }
    Table compressors =
        Table.of(
            "Compressors (on the JSON encoding):",
            "compressor",
            "small: compress",
            "decompress",
            "bytes",
            "large: compress",
            "decompress",
            "bytes");
    compressors.row(
        "none",
        "-",
        "-",
        Table.count(FormatSizes.encodedSize("Json", "small")),
        "-",
        "-",
        Table.count(FormatSizes.encodedSize("Json", "large")));
    List<Double> compressLarge = new ArrayList<>();
    List<Double> decompressLarge = new ArrayList<>();
    for (String c : COMPRESSORS) {
      List<Object> row = new ArrayList<>(List.of(c));
      for (String size : SIZES) {
        double comp = micros(scores, "compress", "compressor", c, size);
        double decomp = micros(scores, "decompress", "compressor", c, size);
        row.add(time(comp));
        row.add(time(decomp));
        row.add(Table.count(FormatSizes.compressedSize(c, size)));
        if (size.equals("large")) {
          compressLarge.add(comp);
          decompressLarge.add(decomp);
        }
      }
      compressors.row(row.toArray());
    }
    report.table(formats).table(compressors);
    report.chart(
        Chart.of("Large value: time per operation, µs (lower is better)", "µs", FORMATS)
            .series("encode", encodeLarge)
            .series("decode", decodeLarge));
    report.chart(
        Chart.of("Large value's JSON: time per operation, µs (lower is better)", "µs", COMPRESSORS)
            .series("compress", compressLarge)
            .series("decompress", decompressLarge));
    return report;
  }

  private static double micros(
      List<Score> scores, String method, String param, String value, String size) {
    @Nullable Score s = JmhRuns.find(scores, method, 0, param, value, "size", size);
    return s == null ? -1 : s.score();
  }

  private static String time(double micros) {
    return micros < 0 ? "failed" : Table.nanos(micros * 1000);
  }
}
