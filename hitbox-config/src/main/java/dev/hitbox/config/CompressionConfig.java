package dev.hitbox.config;

import static java.util.Objects.requireNonNull;

import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.spi.Compressor;
import dev.hitbox.formats.Compressors;
import java.util.OptionalInt;

/**
 * How stored payloads are compressed: {@code compression: {type: Zstd, level: 3, threshold: 512}}.
 *
 * @param type {@code Zstd}, {@code Gzip}, {@code Lz4} or {@code None}
 * @param level the level, empty for the type's default (Zstd -7..22, default 3; Gzip 0..9, default
 *     6; Lz4 and None have none)
 * @param threshold payloads smaller than this many bytes are stored uncompressed (the endpoint's
 *     {@code compressionThreshold}, default 512)
 */
public record CompressionConfig(String type, OptionalInt level, int threshold) {
  /** The default threshold, 512 bytes. */
  public static final int DEFAULT_THRESHOLD = 512;

  /** No compression. */
  public static final CompressionConfig NONE =
      new CompressionConfig("None", OptionalInt.empty(), DEFAULT_THRESHOLD);

  /**
   * Validates the type, level and threshold.
   *
   * @throws ConfigurationException for an unknown type, a level out of range or a negative
   *     threshold
   */
  public CompressionConfig {
    requireNonNull(type, "type");
    requireNonNull(level, "level");
    if (level.isPresent()) {
      Compressors.byName(type, level.getAsInt());
    } else {
      Compressors.byName(type);
    }
    if (threshold < 0) {
      throw new ConfigurationException("threshold: " + threshold + " (expected: >= 0)");
    }
  }

  /** A new compressor of this type and level. */
  public Compressor compressor() {
    return level.isPresent()
        ? Compressors.byName(type, level.getAsInt())
        : Compressors.byName(type);
  }
}
