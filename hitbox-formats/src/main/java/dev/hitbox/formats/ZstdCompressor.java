package dev.hitbox.formats;

import com.github.luben.zstd.Zstd;
import dev.hitbox.core.spi.Compressor;

/** Zstandard through zstd-jni: id 2, levels -7..22. Thread-safe. */
final class ZstdCompressor implements Compressor {
  static final byte ID = 2;
  static final int MIN_LEVEL = -7;
  static final int MAX_LEVEL = 22;
  static final int DEFAULT_LEVEL = 3;

  private final int level;

  ZstdCompressor(int level) {
    this.level = level;
  }

  @Override
  public byte id() {
    return ID;
  }

  @Override
  public byte[] compress(byte[] data) {
    return Zstd.compress(data, level);
  }

  @Override
  public byte[] decompress(byte[] data, int offset, int length, int originalLength) {
    // The frame header records the content size: check it before allocating anything.
    long size = Zstd.getFrameContentSize(data, offset, length);
    if (size != originalLength) {
      throw new IllegalArgumentException(
          "zstd frame of " + size + " bytes (expected: " + originalLength + ")");
    }
    byte[] out = new byte[originalLength];
    long n = Zstd.decompressByteArray(out, 0, originalLength, data, offset, length);
    if (Zstd.isError(n) || n != originalLength) {
      throw new IllegalArgumentException(
          "zstd payload does not decompress: " + (Zstd.isError(n) ? Zstd.getErrorName(n) : n));
    }
    return out;
  }

  @Override
  public String toString() {
    return "Zstd(" + level + ")";
  }
}
