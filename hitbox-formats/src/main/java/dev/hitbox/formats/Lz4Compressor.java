package dev.hitbox.formats;

import dev.hitbox.core.spi.Compressor;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/** LZ4 blocks through lz4-java: id 3. Thread-safe. */
final class Lz4Compressor implements Compressor {
  static final byte ID = 3;
  static final Lz4Compressor INSTANCE = new Lz4Compressor();

  /** An LZ4 block cannot expand data by more than this factor. */
  private static final long MAX_RATIO = 255;

  private final LZ4Compressor compressor;
  private final LZ4SafeDecompressor decompressor;

  private Lz4Compressor() {
    LZ4Factory factory = LZ4Factory.fastestInstance();
    this.compressor = factory.fastCompressor();
    // The safe decompressor checks every offset against the input: stored bytes may be corrupt.
    this.decompressor = factory.safeDecompressor();
  }

  @Override
  public byte id() {
    return ID;
  }

  @Override
  public byte[] compress(byte[] data) {
    return compressor.compress(data);
  }

  @Override
  public byte[] decompress(byte[] data, int offset, int length, int originalLength) {
    if (originalLength < 0 || originalLength > MAX_RATIO * length + 16) {
      throw new IllegalArgumentException(
          "lz4 block of " + length + " bytes cannot hold " + originalLength);
    }
    byte[] out = new byte[originalLength];
    int n = decompressor.decompress(data, offset, length, out, 0, originalLength);
    if (n != originalLength) {
      throw new IllegalArgumentException(
          "lz4 payload of " + n + " bytes (expected: " + originalLength + ")");
    }
    return out;
  }

  @Override
  public String toString() {
    return "Lz4";
  }
}
