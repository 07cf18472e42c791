package dev.hitbox.http.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** A parsed query string: decoded names and values in order. Immutable. */
public final class QueryString {
  private static final QueryString EMPTY = new QueryString(List.of());

  /** Alternating decoded names and values. */
  private final List<String> fields;

  private QueryString(List<String> fields) {
    this.fields = fields;
  }

  /**
   * Parses a raw query ({@code a=1&b=%20x&c}). {@code +} is a space; a malformed percent escape is
   * kept as it is rather than rejected.
   */
  public static QueryString parse(@Nullable String raw) {
    if (raw == null || raw.isEmpty()) {
      return EMPTY;
    }
    List<String> fields = new ArrayList<>();
    for (String pair : raw.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      fields.add(decode(name));
      fields.add(decode(value));
    }
    return new QueryString(List.copyOf(fields));
  }

  /** Percent-decodes {@code s} as UTF-8, {@code +} as a space; malformed input stays as it is. */
  public static String decode(String s) {
    if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
      return s;
    }
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  /** The values of {@code name}, in order. */
  public List<String> all(String name) {
    List<String> out = new ArrayList<>(1);
    for (int i = 0; i < fields.size(); i += 2) {
      if (fields.get(i).equals(name)) {
        out.add(fields.get(i + 1));
      }
    }
    return out;
  }

  /** The distinct names in order of first appearance. */
  public List<String> names() {
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < fields.size(); i += 2) {
      names.add(fields.get(i));
    }
    return List.copyOf(names);
  }
}
