package dev.hitbox.core.spi;

/**
 * Turns values of one type into bytes and back, for backends that store bytes. The engine wraps the
 * bytes in an envelope that records {@link #formatId()} and {@link #schemaVersion()}: bytes written
 * by another format or schema version are a miss, never decoded.
 *
 * <p>Core ships {@link #bytes()} and {@link #utf8()}; {@code hitbox-formats} adds Bincode, Json,
 * MessagePack and Cbor. Format ids 0 to 15 are reserved for Hitbox's own formats (1 Bytes, 2 Utf8,
 * 3 Json, 4 MessagePack, 5 Cbor, 6 Bincode); a codec of your own takes another id.
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

  /**
   * This codec with another schema version of the user's type, for when the type changed
   * incompatibly: entries written with the old version become misses instead of failing to decode.
   *
   * <pre>{@code
   * ValueCodec<User> users = Formats.json(User.class).withSchemaVersion(2);
   * }</pre>
   *
   * @throws dev.hitbox.core.ConfigurationException if {@code version} is negative
   */
  default ValueCodec<T> withSchemaVersion(int version) {
    return Codecs.withSchemaVersion(this, version);
  }

  /**
   * Whether every value this codec decodes is immutable (a {@code String}, a record of immutable
   * fields), so that one decoded instance may be handed to every caller. Default {@code false}.
   *
   * <p>When {@code true}, an endpoint on an {@link InProcessBackend} keeps the decoded value beside
   * the stored entry and answers repeated hits with that same instance, as if {@code
   * shareDecodedValues(true)} were set on the endpoint. Return {@code true} only if no caller can
   * change a decoded value: {@link #bytes()} returns {@code false} (an array is mutable, each
   * caller gets its own copy), {@link #utf8()} returns {@code true}.
   */
  default boolean immutableValues() {
    return false;
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
