package dev.hitbox.proxy;

import dev.hitbox.core.CacheKey;
import dev.hitbox.core.KeyPart;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a key's {@linkplain CacheKey#text() text form} back into its parts, so that an operator can
 * invalidate the key they see in logs or in a pattern's matches: {@code author_id=42&page=1}.
 */
final class KeyText {
  private KeyText() {}

  /**
   * The parts of {@code text}: {@code &} separates parts, the first raw {@code =} separates a
   * part's name from its value, a part without one is unnamed, {@code %xx} and {@code %uxxxx} are
   * escapes.
   *
   * @throws IllegalArgumentException if an escape is malformed
   */
  static List<KeyPart> parse(String text) {
    List<KeyPart> parts = new ArrayList<>();
    if (text.isEmpty()) {
      return parts;
    }
    for (String part : text.split("&", -1)) {
      if (part.equals("=")) {
        parts.add(KeyPart.of("", ""));
        continue;
      }
      int eq = part.indexOf('=');
      if (eq < 0) {
        parts.add(KeyPart.of("", unescape(part)));
      } else {
        parts.add(KeyPart.of(unescape(part.substring(0, eq)), unescape(part.substring(eq + 1))));
      }
    }
    return parts;
  }

  private static String unescape(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '%') {
        sb.append(c);
        continue;
      }
      int digits = i + 1 < s.length() && s.charAt(i + 1) == 'u' ? 4 : 2;
      int from = digits == 4 ? i + 2 : i + 1;
      if (from + digits > s.length()) {
        throw new IllegalArgumentException("key: \"" + s + "\" (expected: %xx or %uxxxx escapes)");
      }
      try {
        sb.append((char) Integer.parseInt(s.substring(from, from + digits), 16));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "key: \"" + s + "\" (expected: %xx or %uxxxx escapes)", e);
      }
      i = from + digits - 1;
    }
    return sb.toString();
  }
}
