package dev.hitbox.core.spi;

/**
 * Compresses envelope payloads. The envelope records {@link #id()}; a payload written with a
 * compressor that is not configured is a miss.
 *
 * <p>Implementations must be thread-safe.
 */
public interface Compressor {

  /** The compressor's id in the envelope; {@code 0} means "not compressed". */
  byte id();

  /** Compresses {@code data}. */
  byte[] compress(byte[] data);

  /**
   * Decompresses a payload.
   *
   * @param originalLength the length before compression, as recorded in the envelope
   * @throws RuntimeException of any kind when the bytes do not parse; counted as a miss
   */
  byte[] decompress(byte[] data, int offset, int length, int originalLength);

  /** No compression. */
  static Compressor none() {
    return NoCompressor.INSTANCE;
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
