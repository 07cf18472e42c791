package dev.hitbox.formats;

/**
 * Walks one MessagePack value without decoding it, to check every declared length against the bytes
 * there are before the parser allocates for it: msgpack-core allocates a string's declared length
 * up front, so five corrupt bytes could otherwise claim two gigabytes. Also rejects bytes after the
 * value, which the parser cannot tell from a next value. Linear in the input.
 */
final class MessagePackScan {
  private MessagePackScan() {}

  /**
   * Checks {@code bytes[offset, offset + length)}.
   *
   * @throws IllegalArgumentException when a length runs past the end, a byte is not MessagePack, or
   *     bytes follow the value
   */
  static void check(byte[] bytes, int offset, int length) {
    int p = offset;
    int end = offset + length;
    long pending = 1;
    while (pending > 0) {
      if (p >= end) {
        throw new IllegalArgumentException("MessagePack value truncated");
      }
      int b = bytes[p++] & 0xff;
      pending--;
      long skip = 0;
      long items = 0;
      if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3) {
        // fixint, nil, booleans: the byte itself
      } else if (b <= 0x8f) {
        items = 2L * (b & 0x0f);
      } else if (b <= 0x9f) {
        items = b & 0x0f;
      } else if (b <= 0xbf) {
        skip = b & 0x1f;
      } else {
        switch (b) {
          case 0xc4, 0xd9 -> skip = unsigned(bytes, p, 1, end);
          case 0xc5, 0xda -> skip = unsigned(bytes, p, 2, end);
          case 0xc6, 0xdb -> skip = unsigned(bytes, p, 4, end);
          case 0xc7 -> skip = unsigned(bytes, p, 1, end) + 1;
          case 0xc8 -> skip = unsigned(bytes, p, 2, end) + 1;
          case 0xc9 -> skip = unsigned(bytes, p, 4, end) + 1;
          case 0xca, 0xce, 0xd2 -> skip = 4;
          case 0xcb, 0xcf, 0xd3 -> skip = 8;
          case 0xcc, 0xd0 -> skip = 1;
          case 0xcd, 0xd1 -> skip = 2;
          case 0xd4 -> skip = 2;
          case 0xd5 -> skip = 3;
          case 0xd6 -> skip = 5;
          case 0xd7 -> skip = 9;
          case 0xd8 -> skip = 17;
          case 0xdc -> items = unsigned(bytes, p, 2, end);
          case 0xdd -> items = unsigned(bytes, p, 4, end);
          case 0xde -> items = 2 * unsigned(bytes, p, 2, end);
          case 0xdf -> items = 2 * unsigned(bytes, p, 4, end);
          default -> throw new IllegalArgumentException("not MessagePack: byte 0xc1");
        }
        p += lengthBytes(b);
      }
      if (skip > end - p) {
        throw new IllegalArgumentException("MessagePack length " + skip + " runs past the end");
      }
      p += (int) skip;
      pending += items;
      if (pending > end - p) {
        throw new IllegalArgumentException("MessagePack holds more items than bytes");
      }
    }
    if (p != end) {
      throw new IllegalArgumentException((end - p) + " bytes after the MessagePack value");
    }
  }

  /** How many length bytes follow the type byte {@code b}. */
  private static int lengthBytes(int b) {
    return switch (b) {
      case 0xc4, 0xd9, 0xc7 -> 1;
      case 0xc5, 0xda, 0xc8, 0xdc, 0xde -> 2;
      case 0xc6, 0xdb, 0xc9, 0xdd, 0xdf -> 4;
      default -> 0;
    };
  }

  private static long unsigned(byte[] bytes, int p, int n, int end) {
    if (n > end - p) {
      throw new IllegalArgumentException("MessagePack value truncated");
    }
    long v = 0;
    for (int i = 0; i < n; i++) {
      v = v << 8 | (bytes[p + i] & 0xff);
    }
    return v;
  }
}
