package dev.hitbox.benchmarks.formats;

import dev.hitbox.core.spi.Compressor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Compresses and decompresses the JSON encoding of the small and the large value with every
 * compressor at its default level (JSON, since that is what HTTP bodies mostly are). Sizes: {@link
 * FormatSizes}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CompressionBenchmark {
  @Param({"Gzip", "Zstd", "Lz4"})
  String compressor;

  @Param({"small", "large"})
  String size;

  private Compressor c;
  private byte[] raw;
  private byte[] packed;

  /** Encodes the value as JSON and compresses it once. */
  @Setup
  public void setUp() {
    c = Samples.compressor(compressor);
    raw = Samples.codec("Json", size).encode(Samples.value(size));
    packed = c.compress(raw);
  }

  /** Compresses the payload. */
  @Benchmark
  public byte[] compress() {
    return c.compress(raw);
  }

  /** Decompresses the payload. */
  @Benchmark
  public byte[] decompress() {
    return c.decompress(packed, 0, packed.length, raw.length);
  }
}
