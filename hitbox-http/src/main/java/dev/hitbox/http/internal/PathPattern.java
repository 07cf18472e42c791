package dev.hitbox.http.internal;

import dev.hitbox.core.ConfigurationException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A path with {@code {param}} placeholders: {@code /v1/authors/{author_id}/books/{book_id}}. A
 * placeholder matches one non-empty path segment (or part of one: {@code /files/{name}.json}); the
 * rest must match literally. Matching is on the raw path; parameter values are percent-decoded.
 * Immutable and thread-safe.
 */
public final class PathPattern {
  private static final Pattern PARAM = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_.-]*)}");

  private final String text;
  private final Pattern regex;
  private final List<String> names;

  private PathPattern(String text, Pattern regex, List<String> names) {
    this.text = text;
    this.regex = regex;
    this.names = names;
  }

  /**
   * Compiles a pattern.
   *
   * @throws ConfigurationException if it does not start with {@code /}, has a malformed or repeated
   *     placeholder
   */
  public static PathPattern compile(String text) {
    if (!text.startsWith("/")) {
      throw new ConfigurationException("path: \"" + text + "\" (expected: starts with /)");
    }
    StringBuilder re = new StringBuilder();
    List<String> names = new ArrayList<>();
    Matcher m = PARAM.matcher(text);
    int at = 0;
    while (m.find()) {
      re.append(literal(text.substring(at, m.start()), text));
      String name = m.group(1);
      if (names.contains(name)) {
        throw new ConfigurationException(
            "path: \"" + text + "\" has {" + name + "} twice (expected: distinct names)");
      }
      names.add(name);
      re.append("([^/]+)");
      at = m.end();
    }
    re.append(literal(text.substring(at), text));
    return new PathPattern(text, Pattern.compile(re.toString()), List.copyOf(names));
  }

  private static String literal(String s, String text) {
    if (s.indexOf('{') >= 0 || s.indexOf('}') >= 0) {
      throw new ConfigurationException(
          "path: \""
              + text
              + "\" (expected: placeholders like {name}, name of letters, digits, _ . -)");
    }
    return s.isEmpty() ? "" : Pattern.quote(s);
  }

  /** The parameter names, in order. */
  public List<String> names() {
    return names;
  }

  /** The decoded parameters of {@code rawPath}, or {@code null} if it does not match. */
  public @Nullable Map<String, String> match(String rawPath) {
    Matcher m = regex.matcher(rawPath);
    if (!m.matches()) {
      return null;
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      params.put(names.get(i), decodePath(m.group(i + 1)));
    }
    return params;
  }

  /** Percent-decodes a path segment as UTF-8 ({@code +} stays a plus); malformed escapes stay. */
  public static String decodePath(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length()) {
        int h = hex(s.charAt(i + 1));
        int l = hex(s.charAt(i + 2));
        if (h >= 0 && l >= 0) {
          out.write(h << 4 | l);
          i += 2;
          continue;
        }
      }
      byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
      if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
        b = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
        i++;
      }
      out.write(b, 0, b.length);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  @Override
  public String toString() {
    return text;
  }
}
