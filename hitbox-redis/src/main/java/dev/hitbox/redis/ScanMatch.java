package dev.hitbox.redis;

import dev.hitbox.core.CacheKey;
import dev.hitbox.core.KeyFormat;
import dev.hitbox.core.spi.KeyPattern;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Pattern invalidation's two filters: the {@code SCAN MATCH} glob that lets Redis skip keys that
 * cannot match (a superset of the matching keys), and the exact test on each key it returns.
 */
final class ScanMatch {
  private ScanMatch() {}

  /**
   * The {@code SCAN MATCH} glob for keys of {@code namespace} that may match {@code pattern}.
   *
   * <p>For {@code UrlEncoded} keys ({@code namespace:version:text}) it is {@code namespace:*:}
   * followed by the pattern's literal beginning, as far as the key text and its URL encoding agree
   * on it (printable ASCII but {@code %}), and a star. For {@code Bitcode} it is the key's binary
   * prefix (marker, length, namespace) and a star.
   */
  static byte[] glob(KeyFormat format, String namespace, String pattern) {
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(namespace.length() + pattern.length() + 8);
    if (format.name().equals(KeyFormat.URL_ENCODED.name())) {
      out.writeBytes(namespace.getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(":*:".getBytes(StandardCharsets.US_ASCII));
      for (int i = 0; i < pattern.length(); i++) {
        char c = pattern.charAt(i);
        if (c == '*' || c == '?' || c == '\\' || c == '%' || c <= 0x20 || c >= 0x7f) {
          break;
        }
        if (c == '[' || c == ']' || c == '^' || c == '-') {
          out.write('\\');
        }
        out.write(c);
      }
    } else {
      // The encoding of a key with no parts starts with exactly the bytes of the namespace
      // prefix: marker, varint length, namespace.
      byte[] empty =
          format
              .withMaxLength(Integer.MAX_VALUE)
              .encode(CacheKey.of(namespace, 0, java.util.List.of()));
      int prefixLength = empty.length - 2; // version 0 and part count 0 are one byte each
      for (int i = 0; i < prefixLength; i++) {
        byte b = empty[i];
        if (b == '*' || b == '?' || b == '[' || b == ']' || b == '\\' || b == '^' || b == '-') {
          out.write('\\');
        }
        out.write(b);
      }
    }
    out.write('*');
    return out.toByteArray();
  }

  /** Whether the stored key belongs to {@code namespace} and its text matches {@code pattern}. */
  static boolean matches(KeyFormat format, byte[] stored, String namespace, String pattern) {
    CacheKey key = decode(format, stored);
    return key != null
        && key.namespace().equals(namespace)
        && KeyPattern.matches(pattern, key.text());
  }

  private static @Nullable CacheKey decode(KeyFormat format, byte[] stored) {
    try {
      return format.decode(stored);
    } catch (IllegalArgumentException e) {
      return null; // not a key of this format: a tag index key or someone else's
    }
  }
}
