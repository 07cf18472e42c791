package dev.hitbox.core.spi;

/**
 * Turns values of one type into bytes and back, for backends that store bytes. The engine wraps the
 * bytes in an envelope that records {@link #formatId()} and {@link #schemaVersion()}: bytes written
 * by another format or schema version are a miss, never decoded.
 *
 * <p>Implementations must be thread-safe.
 *
 * @param <T> the value type
 */
public interface ValueCodec<T> {

  /** The format's id in the envelope (0-15 are reserved for Hitbox's own formats). */
  byte formatId();

  /**
   * The schema version of the user's type. Bump it when the type changes incompatibly: entries
   * written with another version become misses.
   */
  default int schemaVersion() {
    return 0;
  }

  /** Encodes a value. */
  byte[] encode(T value);

  /**
   * Decodes a value.
   *
   * @throws RuntimeException of any kind when the bytes do not parse; the engine counts it as a
   *     miss
   */
  T decode(byte[] bytes, int offset, int length);

  /** Bytes as they are: for callers that already hold bytes. */
  static ValueCodec<byte[]> bytes() {
    return Codecs.BYTES;
  }

  /** Strings as UTF-8. */
  static ValueCodec<String> utf8() {
    return Codecs.UTF8;
  }
}
