package dev.hitbox.benchmarks.formats;

import dev.hitbox.core.spi.ValueCodec;
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
 * Encodes and decodes a small and a large value with every value format, through the same {@link
 * ValueCodec} adapter the engine uses. {@code Fory} is the candidate Bincode was measured against.
 * Sizes: {@link FormatSizes}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FormatBenchmark {
  @Param({"Bincode", "Fory", "Json", "MessagePack", "Cbor"})
  String format;

  @Param({"small", "large"})
  String size;

  private ValueCodec<Object> codec;
  private Object value;
  private byte[] encoded;

  /** Builds the codec and encodes the value once. */
  @Setup
  public void setUp() {
    codec = Samples.codec(format, size);
    value = Samples.value(size);
    encoded = codec.encode(value);
    if (!codec.decode(encoded, 0, encoded.length).equals(value)) {
      throw new IllegalStateException(format + " does not round-trip");
    }
  }

  /** Encodes the value. */
  @Benchmark
  public byte[] encode() {
    return codec.encode(value);
  }

  /** Decodes the value. */
  @Benchmark
  public Object decode() {
    return codec.decode(encoded, 0, encoded.length);
  }
}
