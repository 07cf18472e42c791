package dev.hitbox.benchmarks.formats;

import dev.hitbox.core.spi.Compressor;
import dev.hitbox.core.spi.ValueCodec;
import java.util.List;

/** Prints the encoded size of the benchmark values per format and per compressor, as Markdown. */
public final class FormatSizes {
  private FormatSizes() {}

  /** Prints the tables. */
  public static void main(String[] args) {
    List<String> formats = List.of("Bincode", "Fory", "Json", "MessagePack", "Cbor");
    List<String> compressors = List.of("None", "Gzip", "Zstd", "Lz4");
    System.out.println("| format | small (bytes) | large (bytes) |");
    System.out.println("|---|---:|---:|");
    for (String f : formats) {
      System.out.printf(
          "| %s | %d | %d |%n", f, encode(f, "small").length, encode(f, "large").length);
    }
    System.out.println();
    System.out.println("| compressor (JSON payload) | small (bytes) | large (bytes) |");
    System.out.println("|---|---:|---:|");
    for (String c : compressors) {
      Compressor compressor = Samples.compressor(c);
      System.out.printf(
          "| %s | %d | %d |%n",
          compressor,
          compressor.compress(encode("Json", "small")).length,
          compressor.compress(encode("Json", "large")).length);
    }
  }

  /** The size in bytes of the {@code size} value encoded with {@code format}. */
  public static int encodedSize(String format, String size) {
    return encode(format, size).length;
  }

  /** The size in bytes of the {@code size} value's JSON compressed with {@code compressor}. */
  public static int compressedSize(String compressor, String size) {
    return Samples.compressor(compressor).compress(encode("Json", size)).length;
  }

  private static byte[] encode(String format, String size) {
    ValueCodec<Object> codec = Samples.codec(format, size);
    return codec.encode(Samples.value(size));
  }
}
