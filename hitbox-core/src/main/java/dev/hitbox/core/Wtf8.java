package dev.hitbox.core;

import java.io.ByteArrayOutputStream;

/**
 * UTF-8 that also round-trips unpaired surrogates (WTF-8): a valid surrogate pair is one 4-byte
 * sequence as in UTF-8, a lone surrogate is the 3-byte sequence of its code unit. Unlike {@link
 * String#getBytes(java.nio.charset.Charset)}, which turns every lone surrogate into {@code ?}, this
 * maps different strings to different bytes, which key encodings need to stay injective.
 */
final class Wtf8 {
  private Wtf8() {}

  static void encode(String s, ByteArrayOutputStream out) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        out.write(c);
      } else if (c < 0x800) {
        out.write(0xc0 | c >> 6);
        out.write(0x80 | c & 0x3f);
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        out.write(0xf0 | cp >> 18);
        out.write(0x80 | cp >> 12 & 0x3f);
        out.write(0x80 | cp >> 6 & 0x3f);
        out.write(0x80 | cp & 0x3f);
      } else {
        out.write(0xe0 | c >> 12);
        out.write(0x80 | c >> 6 & 0x3f);
        out.write(0x80 | c & 0x3f);
      }
    }
  }

  /**
   * Decodes what {@link #encode} wrote.
   *
   * @throws IllegalArgumentException on bytes {@link #encode} never writes
   */
  static String decode(byte[] b, int offset, int length) {
    StringBuilder sb = new StringBuilder(length);
    int i = offset;
    int end = offset + length;
    while (i < end) {
      int b0 = b[i] & 0xff;
      if (b0 < 0x80) {
        sb.append((char) b0);
        i += 1;
      } else if (b0 >= 0xc2 && b0 < 0xe0) {
        sb.append((char) ((b0 & 0x1f) << 6 | cont(b, i + 1, end)));
        i += 2;
      } else if (b0 >= 0xe0 && b0 < 0xf0) {
        int c = (b0 & 0x0f) << 12 | cont(b, i + 1, end) << 6 | cont(b, i + 2, end);
        if (c < 0x800) {
          throw new IllegalArgumentException("overlong sequence at " + i);
        }
        if (Character.isHighSurrogate((char) c)
            && i + 3 < end
            && (b[i + 3] & 0xff) == 0xed
            && i + 4 < end
            && (b[i + 4] & 0xf0) == 0xb0) {
          // Encode writes a high surrogate followed by a low one as one 4-byte sequence.
          throw new IllegalArgumentException("surrogate pair split in two at " + i);
        }
        sb.append((char) c);
        i += 3;
      } else if (b0 >= 0xf0 && b0 < 0xf5) {
        int cp =
            (b0 & 0x07) << 18
                | cont(b, i + 1, end) << 12
                | cont(b, i + 2, end) << 6
                | cont(b, i + 3, end);
        if (cp < 0x10000 || cp > Character.MAX_CODE_POINT) {
          throw new IllegalArgumentException("bad 4-byte sequence at " + i);
        }
        sb.appendCodePoint(cp);
        i += 4;
      } else {
        throw new IllegalArgumentException("bad lead byte 0x" + Integer.toHexString(b0));
      }
    }
    return sb.toString();
  }

  private static int cont(byte[] b, int i, int end) {
    if (i >= end || (b[i] & 0xc0) != 0x80) {
      throw new IllegalArgumentException("truncated sequence at " + i);
    }
    return b[i] & 0x3f;
  }
}
