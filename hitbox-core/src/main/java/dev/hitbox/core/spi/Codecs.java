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
        public String decode(byte[] bytes, int offset, int length) {
          return new String(bytes, offset, length, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
          return "Utf8";
        }
      };

  private Codecs() {}
}
