package dev.hitbox.memcached;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The keys of the generation records. None can equal a {@link dev.hitbox.core.KeyFormat} key: a
 * URL-encoded key has a number after its first colon, a hashed one 64 hex digits, and Bitcode's
 * Base64 has no colon at all.
 */
final class MetaKeys {
  static final String NAMESPACE_PREFIX = "hitbox:gen:ns:";
  static final String TAG_PREFIX = "hitbox:gen:tag:";
  static final int MAX_KEY_LENGTH = 250;

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private MetaKeys() {}

  /** {@code hitbox:gen:ns:NAME}; namespaces are at most 128 characters of [A-Za-z0-9_.-]. */
  static String namespace(String namespace) {
    return NAMESPACE_PREFIX + namespace;
  }

  /**
   * {@code hitbox:gen:tag:} and the tag with every character outside {@code [A-Za-z0-9._~:-]}
   * percent-encoded (as UTF-8, a lone surrogate as {@code %uXXXX}), which keeps different tags
   * apart; when that is longer than Memcached's 250 bytes, {@code #} and the SHA-256 of the encoded
   * tag.
   */
  static String tag(String tag) {
    StringBuilder sb = new StringBuilder(TAG_PREFIX.length() + tag.length() + 8).append(TAG_PREFIX);
    for (int i = 0; i < tag.length(); i++) {
      char c = tag.charAt(i);
      if (c >= 'a' && c <= 'z'
          || c >= 'A' && c <= 'Z'
          || c >= '0' && c <= '9'
          || c == '.'
          || c == '_'
          || c == '~'
          || c == ':'
          || c == '-') {
        sb.append(c);
      } else if (Character.isHighSurrogate(c)
          && i + 1 < tag.length()
          && Character.isLowSurrogate(tag.charAt(i + 1))) {
        percent(tag.substring(i, i + 2), sb);
        i++;
      } else if (Character.isSurrogate(c)) {
        sb.append("%u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf]);
        sb.append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
      } else {
        percent(String.valueOf(c), sb);
      }
    }
    if (sb.length() <= MAX_KEY_LENGTH) {
      return sb.toString();
    }
    return TAG_PREFIX + "#" + sha256Hex(sb.substring(TAG_PREFIX.length()));
  }

  private static void percent(String s, StringBuilder sb) {
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      sb.append('%').append(HEX[b >> 4 & 0xf]).append(HEX[b & 0xf]);
    }
  }

  private static String sha256Hex(String s) {
    byte[] d;
    try {
      d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    StringBuilder sb = new StringBuilder(64);
    for (byte b : d) {
      sb.append(HEX[b >> 4 & 0xf]).append(HEX[b & 0xf]);
    }
    return sb.toString();
  }
}
