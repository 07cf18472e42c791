package dev.hitbox.formats;

import static java.util.Objects.requireNonNull;

import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.spi.Compressor;

/**
 * The compressors of stored payloads.
 *
 * <table>
 *   <caption>Compressors</caption>
 *   <tr><th>name</th><th>id</th><th>levels (default)</th><th>what</th></tr>
 *   <tr><td>{@code Zstd}</td><td>2</td><td>-7..22 (3)</td><td>best ratio for its speed</td></tr>
 *   <tr><td>{@code Gzip}</td><td>1</td><td>0..9 (6)</td><td>JDK built-in, everywhere</td></tr>
 *   <tr><td>{@code Lz4}</td><td>3</td><td>none</td><td>fastest, larger output</td></tr>
 * </table>
 *
 * <p>Payloads smaller than the engine's compression threshold (default 512 bytes) are stored
 * uncompressed whatever the compressor. Every compressor is thread-safe.
 *
 * <pre>{@code
 * HitboxCache.builder("users", Formats.bincode(User.class)).compressor(Compressors.zstd(3));
 * }</pre>
 */
public final class Compressors {
  private Compressors() {}

  /** Zstandard at the default level 3. */
  public static Compressor zstd() {
    return new ZstdCompressor(ZstdCompressor.DEFAULT_LEVEL);
  }

  /**
   * Zstandard at {@code level}: -7 (fastest) to 22 (smallest).
   *
   * @throws ConfigurationException if the level is out of range, e.g. {@code "zstd level: 23
   *     (expected: -7..22)"}
   */
  public static Compressor zstd(int level) {
    if (level < ZstdCompressor.MIN_LEVEL || level > ZstdCompressor.MAX_LEVEL) {
      throw new ConfigurationException(
          "zstd level: "
              + level
              + " (expected: "
              + ZstdCompressor.MIN_LEVEL
              + ".."
              + ZstdCompressor.MAX_LEVEL
              + ")");
    }
    return new ZstdCompressor(level);
  }

  /** LZ4 (block format, fast compressor). */
  public static Compressor lz4() {
    return Lz4Compressor.INSTANCE;
  }

  /** Gzip at the default level 6; the same as {@link Compressor#gzip()}. */
  public static Compressor gzip() {
    return Compressor.gzip();
  }

  /**
   * Gzip at {@code level}, 0..9; the same as {@link Compressor#gzip(int)}.
   *
   * @throws ConfigurationException if the level is out of range
   */
  public static Compressor gzip(int level) {
    return Compressor.gzip(level);
  }

  /** No compression. */
  public static Compressor none() {
    return Compressor.none();
  }

  /**
   * The compressor named {@code type} in configuration ({@code Zstd}, {@code Gzip}, {@code Lz4} or
   * {@code None}) at its default level.
   *
   * @throws ConfigurationException for unknown names
   */
  public static Compressor byName(String type) {
    requireNonNull(type, "type");
    switch (type) {
      case "Zstd":
        return zstd();
      case "Gzip":
        return gzip();
      case "Lz4":
        return lz4();
      case "None":
        return none();
      default:
        throw unknown(type);
    }
  }

  /**
   * The compressor named {@code type} in configuration at {@code level}.
   *
   * @throws ConfigurationException for unknown names, levels out of range, and a level for {@code
   *     Lz4} or {@code None}, which have none
   */
  public static Compressor byName(String type, int level) {
    requireNonNull(type, "type");
    switch (type) {
      case "Zstd":
        return zstd(level);
      case "Gzip":
        return gzip(level);
      case "Lz4":
      case "None":
        throw new ConfigurationException(
            type.toLowerCase(java.util.Locale.ROOT) + " level: " + level + " (expected: no level)");
      default:
        throw unknown(type);
    }
  }

  private static ConfigurationException unknown(String type) {
    return new ConfigurationException(
        "compression type: " + type + " (expected one of: Zstd, Gzip, Lz4, None)");
  }
}
