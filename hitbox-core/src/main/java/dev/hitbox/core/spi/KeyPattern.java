package dev.hitbox.core.spi;

/**
 * The glob patterns of pattern invalidation, for backends that match keys themselves: {@code *}
 * matches any run of characters (also none), {@code ?} exactly one, and {@code \} makes the next
 * character literal. Linear-time matching with backtracking only to the last star, so hostile
 * patterns cannot blow up.
 */
public final class KeyPattern {
  private KeyPattern() {}

  /** Whether a key's {@link dev.hitbox.core.CacheKey#text() text} matches {@code pattern}. */
  public static boolean matches(String pattern, String text) {
    int p = 0;
    int t = 0;
    int starP = -1;
    int starT = -1;
    while (t < text.length()) {
      if (p < pattern.length()) {
        char c = pattern.charAt(p);
        if (c == '*') {
          starP = ++p;
          starT = t;
          continue;
        }
        if (c == '\\' && p + 1 < pattern.length()) {
          if (pattern.charAt(p + 1) == text.charAt(t)) {
            p += 2;
            t++;
            continue;
          }
        } else if (c == '?' || c == text.charAt(t)) {
          p++;
          t++;
          continue;
        }
      }
      if (starP < 0) {
        return false;
      }
      p = starP;
      t = ++starT;
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }
}
