package dev.hitbox.core.spi;

import dev.hitbox.core.ConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** Gzip through {@code java.util.zip}: id 1, levels 0..9. */
final class GzipCompressor implements Compressor {
  static final byte ID = 1;
  static final int DEFAULT_LEVEL = 6;
  static final int MIN_LEVEL = 0;
  static final int MAX_LEVEL = 9;

  private final int level;

  private GzipCompressor(int level) {
    this.level = level;
  }

  static GzipCompressor of(int level) {
    if (level < MIN_LEVEL || level > MAX_LEVEL) {
      throw new ConfigurationException(
          "gzip level: " + level + " (expected: " + MIN_LEVEL + ".." + MAX_LEVEL + ")");
    }
    return new GzipCompressor(level);
  }

  @Override
  public byte id() {
    return ID;
  }

  @Override
  public byte[] compress(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 32);
    try (GZIPOutputStream gz = new LeveledGzipOutputStream(out, level)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  @Override
  public byte[] decompress(byte[] data, int offset, int length, int originalLength) {
    if (originalLength < 0) {
      throw new IllegalArgumentException("original length " + originalLength);
    }
    // Grow towards originalLength instead of allocating it up front: the length comes from
    // stored bytes and may be a lie.
    byte[] buf = new byte[Math.min(originalLength, Math.max(8192, length * 4))];
    int n = 0;
    try (GZIPInputStream in =
        new GZIPInputStream(new ByteArrayInputStream(data, offset, length), 4096)) {
      while (true) {
        if (n == buf.length) {
          if (n == originalLength) {
            if (in.read() != -1) {
              throw new IllegalArgumentException(
                  "gzip payload longer than " + originalLength + " bytes");
            }
            return buf;
          }
          buf = Arrays.copyOf(buf, (int) Math.min(originalLength, n * 2L));
        }
        int r = in.read(buf, n, buf.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (n != originalLength) {
      throw new IllegalArgumentException(
          "gzip payload of " + n + " bytes (expected: " + originalLength + ")");
    }
    return buf;
  }

  @Override
  public String toString() {
    return "Gzip(" + level + ")";
  }

  /** {@link GZIPOutputStream} does not take a level; its deflater does. */
  private static final class LeveledGzipOutputStream extends GZIPOutputStream {
    LeveledGzipOutputStream(ByteArrayOutputStream out, int level) throws IOException {
      super(out, 8192);
      def.setLevel(level);
    }
  }
}
