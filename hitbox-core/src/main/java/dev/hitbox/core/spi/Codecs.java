package dev.hitbox.core.spi;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The codecs core ships: pass-through bytes and UTF-8 strings. */
final class Codecs {
  /** Format id of the pass-through bytes format. */
  static final byte BYTES_ID = 1;

  /** Format id of the UTF-8 string format. */
  static final byte UTF8_ID = 2;

  static final ValueCodec<byte[]> BYTES =
      new ValueCodec<>() {
        @Override
        public byte formatId() {
          return BYTES_ID;
        }

        @Override
        public byte[] encode(byte[] value) {
          return value;
        }

        @Override
        public byte[] decode(byte[] bytes, int offset, int length) {
          return Arrays.copyOfRange(bytes, offset, offset + length);
        }

        @Override
        public String toString() {
          return "Bytes";
        }
      };

  static final ValueCodec<String> UTF8 =
      new ValueCodec<>() {
        @Override
        public byte formatId() {
          return UTF8_ID;
        }

        @Override
        public byte[] encode(String value) {
          return value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public boolean immutableValues() {
          return true;
        }

        @Override
        public String decode(byte[] bytes, int offset, int length) {
          return new String(bytes, offset, length, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
          return "Utf8";
        }
      };

  static <T> ValueCodec<T> withSchemaVersion(ValueCodec<T> codec, int version) {
    if (version < 0) {
      throw new dev.hitbox.core.ConfigurationException(
          "schema_version: " + version + " (expected: >= 0)");
    }
    ValueCodec<T> base = codec instanceof SchemaVersioned<T> v ? v.codec : codec;
    return new SchemaVersioned<>(base, version);
  }

  /** Another codec with its own schema version. */
  private static final class SchemaVersioned<T> implements ValueCodec<T> {
    final ValueCodec<T> codec;
    private final int version;

    SchemaVersioned(ValueCodec<T> codec, int version) {
      this.codec = codec;
      this.version = version;
    }

    @Override
    public byte formatId() {
      return codec.formatId();
    }

    @Override
    public int schemaVersion() {
      return version;
    }

    @Override
    public boolean immutableValues() {
      return codec.immutableValues();
    }

    @Override
    public byte[] encode(T value) {
      return codec.encode(value);
    }

    @Override
    public T decode(byte[] bytes, int offset, int length) {
      return codec.decode(bytes, offset, length);
    }

    @Override
    public String toString() {
      return codec + "(schema " + version + ")";
    }
  }

  private Codecs() {}
}
