package dev.hitbox.http.internal;

import dev.hitbox.http.HttpHeaders;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The directives of {@code Cache-Control} header fields (RFC 9111 section 5.2): names in lower
 * case, values unquoted, {@code ""} for a directive without a value. Immutable.
 */
public final class CacheControl {
  private static final CacheControl EMPTY = new CacheControl(Map.of());

  private final Map<String, String> directives;

  private CacheControl(Map<String, String> directives) {
    this.directives = directives;
  }

  /** The directives of every {@code Cache-Control} field of {@code headers}. */
  public static CacheControl of(HttpHeaders headers) {
    List<String> elements = headers.elements("Cache-Control");
    if (elements.isEmpty()) {
      return EMPTY;
    }
    Map<String, String> d = new HashMap<>();
    for (String e : elements) {
      int eq = e.indexOf('=');
      String name = (eq < 0 ? e : e.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
      String value = eq < 0 ? "" : unquote(e.substring(eq + 1).trim());
      d.putIfAbsent(name, value);
    }
    return new CacheControl(Map.copyOf(d));
  }

  private static String unquote(String v) {
    if (v.length() >= 2 && v.charAt(0) == '"' && v.charAt(v.length() - 1) == '"') {
      return v.substring(1, v.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
    }
    return v;
  }

  /** Whether the directive is present, with or without a value. */
  public boolean has(String directive) {
    return directives.containsKey(directive);
  }

  /**
   * The directive's value as delta-seconds, or {@code -1} if absent or not a non-negative integer.
   * Values too large for a {@code long} saturate (RFC 9111 section 1.2.2).
   */
  public long seconds(String directive) {
    String v = directives.get(directive);
    if (v == null || v.isEmpty()) {
      return -1;
    }
    for (int i = 0; i < v.length(); i++) {
      if (v.charAt(i) < '0' || v.charAt(i) > '9') {
        return -1;
      }
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  /** The directive names present, for diagnostics. */
  public List<String> names() {
    return new ArrayList<>(directives.keySet());
  }
}
