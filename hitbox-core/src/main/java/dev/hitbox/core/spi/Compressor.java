package dev.hitbox.core.spi;

/**
 * Compresses envelope payloads. The envelope records {@link #id()}; a payload written with a
 * compressor that is not configured is a miss.
 *
 * <p>Ids 0 to 15 are reserved for Hitbox's own compressors: {@code 0} none, {@code 1} Gzip, {@code
 * 2} Zstd, {@code 3} Lz4 (the last two in {@code hitbox-formats}).
 *
 * <p>Implementations must be thread-safe.
 *
 * <pre>{@code
 * Compressor gzip = Compressor.gzip(6);
 * }</pre>
 */
public interface Compressor {

  /** The compressor's id in the envelope; {@code 0} means "not compressed". */
  byte id();

  /** Compresses {@code data}. */
  byte[] compress(byte[] data);

  /**
   * Decompresses a payload.
   *
   * <p>{@code originalLength} comes from stored bytes that may be corrupt or hostile: an
   * implementation must not allocate it blindly, and must fail when the payload does not decompress
   * to exactly that many bytes.
   *
   * @param originalLength the length before compression, as recorded in the envelope
   * @throws RuntimeException of any kind when the bytes do not parse; counted as a miss
   */
  byte[] decompress(byte[] data, int offset, int length, int originalLength);

  /** No compression. */
  static Compressor none() {
    return NoCompressor.INSTANCE;
  }

  /** Gzip (JDK built-in) at the default level 6. */
  static Compressor gzip() {
    return GzipCompressor.of(GzipCompressor.DEFAULT_LEVEL);
  }

  /**
   * Gzip (JDK built-in) at {@code level}: 0 (stored) to 9 (smallest).
   *
   * @throws dev.hitbox.core.ConfigurationException if the level is out of range, e.g. {@code "gzip
   *     level: 10 (expected: 0..9)"}
   */
  static Compressor gzip(int level) {
    return GzipCompressor.of(level);
  }
}

enum NoCompressor implements Compressor {
  INSTANCE;

  @Override
  public byte id() {
    return 0;
  }

  @Override
  public byte[] compress(byte[] data) {
    return data;
  }

  @Override
  public byte[] decompress(byte[] data, int offset, int length, int originalLength) {
    return java.util.Arrays.copyOfRange(data, offset, offset + length);
  }

  @Override
  public String toString() {
    return "None";
  }
}
