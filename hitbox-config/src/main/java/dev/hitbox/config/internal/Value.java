package dev.hitbox.config.internal;

import dev.hitbox.config.ConfigException;
import dev.hitbox.core.ConfigurationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One YAML node at a key path, read as the type a setting expects. Every failure is a {@link
 * ConfigException} naming the path, the position, the value as written and what is expected.
 */
public final class Value {
  /** The longest duration accepted: 100 years, far from any overflow of epoch milliseconds. */
  public static final Duration MAX_DURATION = Duration.ofDays(36_500);

  private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]{1,18}");
  private static final Pattern DURATION = Pattern.compile("([0-9]{1,15})(ms|s|m|h|d)?");
  private static final Pattern SIZE = Pattern.compile("([0-9]{1,15}) ?(B|KB|MB|GB|KiB|MiB|GiB)?");
  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]+");
  private static final int MAX_SHOWN = 80;

  private final Source source;
  private final String path;
  private final YamlNode node;

  /** A value at {@code path} ({@code ""} for the document root). */
  public Value(Source source, String path, YamlNode node) {
    this.source = source;
    this.path = path;
    this.node = node;
  }

  /** The source of the document. */
  public Source source() {
    return source;
  }

  /** The key path, e.g. {@code endpoints[0].policy}. */
  public String path() {
    return path.isEmpty() ? ConfigException.DOCUMENT : path;
  }

  /** The key path, {@code ""} for the document root. */
  String rawPath() {
    return path;
  }

  /** The node. */
  public YamlNode node() {
    return node;
  }

  /** Whether this is YAML's null (nothing after the colon, {@code ~} or {@code null}). */
  public boolean isNull() {
    return node instanceof YamlNode.Scalar s && s.isNull();
  }

  /** Whether this is a scalar other than null. */
  public boolean isScalar() {
    return node instanceof YamlNode.Scalar s && !s.isNull();
  }

  /** Whether this is a mapping. */
  public boolean isMapping() {
    return node instanceof YamlNode.Mapping;
  }

  /** Whether this is a sequence. */
  public boolean isSequence() {
    return node instanceof YamlNode.Sequence;
  }

  /** The scalar as written, before substitution; only for scalars. */
  public String raw() {
    return node instanceof YamlNode.Scalar s ? s.value() : "";
  }

  /**
   * The scalar's text with {@code ${VAR}} substituted.
   *
   * @throws ConfigException unless this is a scalar other than null, or if a variable is missing
   */
  public String text(String expected) {
    if (!isScalar()) {
      throw invalid(expected);
    }
    try {
      return Substitution.apply(raw(), source.environment());
    } catch (Substitution.Failure f) {
      throw problem(display() + " (" + f.getMessage() + ")");
    }
  }

  /** The text, which must not be blank. */
  public String nonBlank(String expected) {
    String s = text(expected);
    if (s.isBlank()) {
      throw invalid(expected);
    }
    return s;
  }

  /** An integer in {@code [min, max]}. */
  public long integer(long min, long max, String expected) {
    String s = text(expected);
    if (!INTEGER.matcher(s).matches()) {
      throw invalid(expected);
    }
    long v = Long.parseLong(s);
    if (v < min || v > max) {
      throw invalid(expected);
    }
    return v;
  }

  /**
   * A duration: an integer number of seconds, or a number with a unit {@code ms}, {@code s}, {@code
   * m}, {@code h} or {@code d}, at least {@code min} and at most {@link #MAX_DURATION}.
   */
  public Duration duration(Duration min, String expected) {
    Matcher m = DURATION.matcher(text(expected));
    if (!m.matches()) {
      throw invalid(expected);
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    long limit =
        switch (unit) {
          case "ms" -> MAX_DURATION.toMillis();
          case "s" -> MAX_DURATION.toSeconds();
          case "m" -> MAX_DURATION.toMinutes();
          case "h" -> MAX_DURATION.toHours();
          default -> MAX_DURATION.toDays();
        };
    if (n > limit) {
      throw invalid(expected + ", at most 100 years");
    }
    Duration d =
        switch (unit) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
    if (d.compareTo(min) < 0) {
      throw invalid(expected);
    }
    return d;
  }

  /** {@code true} or {@code false}. */
  public boolean bool(String expected) {
    String s = text(expected);
    switch (s) {
      case "true", "True", "TRUE":
        return true;
      case "false", "False", "FALSE":
        return false;
      default:
        throw invalid(expected);
    }
  }

  /**
   * A byte size of at least {@code min}: an integer number of bytes, or a number with a unit {@code
   * KB}, {@code MB}, {@code GB} (powers of 1000) or {@code KiB}, {@code MiB}, {@code GiB} (powers
   * of 1024).
   */
  public long bytes(long min, String expected) {
    Matcher m = SIZE.matcher(text(expected));
    if (!m.matches()) {
      throw invalid(expected);
    }
    long n = Long.parseLong(m.group(1));
    long unit =
        m.group(2) == null
            ? 1
            : switch (m.group(2)) {
              case "KB" -> 1000L;
              case "MB" -> 1000L * 1000;
              case "GB" -> 1000L * 1000 * 1000;
              case "KiB" -> 1024L;
              case "MiB" -> 1024L * 1024;
              case "GiB" -> 1024L * 1024 * 1024;
              default -> 1L;
            };
    if (n > Long.MAX_VALUE / unit || n * unit < min) {
      throw invalid(expected);
    }
    return n * unit;
  }

  /** One of {@code allowed}, compared exactly. */
  public String oneOf(List<String> allowed) {
    String expected = "one of: " + String.join(", ", allowed);
    String s = text(expected);
    if (allowed.contains(s)) {
      return s;
    }
    for (String a : allowed) {
      if (a.equalsIgnoreCase(s)) {
        throw invalid(expected + "; names are case-sensitive, did you mean " + a + "?");
      }
    }
    throw invalid(expected);
  }

  /** This mapping's keys. */
  public Fields fields(String expected) {
    if (!(node instanceof YamlNode.Mapping m)) {
      throw invalid(expected);
    }
    return new Fields(this, m);
  }

  /** This sequence's items. */
  public List<Value> list(String expected) {
    if (!(node instanceof YamlNode.Sequence s)) {
      throw invalid(expected);
    }
    List<Value> out = new ArrayList<>(s.items().size());
    for (int i = 0; i < s.items().size(); i++) {
      out.add(new Value(source, path + "[" + i + "]", s.items().get(i)));
    }
    return out;
  }

  /** This sequence's items, or this value alone when it is not a sequence. */
  public List<Value> listOrOne() {
    return isSequence() ? list("a list") : List.of(this);
  }

  /** An error: this value, and what is expected instead. */
  public ConfigException invalid(String expected) {
    return problem(display() + " (expected: " + expected + ")");
  }

  /** An error at this value with the given reason. */
  public ConfigException problem(String reason) {
    return new ConfigException(source.name(), path(), node.line(), node.column(), reason);
  }

  /**
   * An error at this value from a builder's {@link ConfigurationException}, whose message ends with
   * {@code (expected: ...)}; the value shown is this one as written.
   */
  public ConfigException wrap(ConfigurationException e) {
    if (e instanceof ConfigException c) {
      return c;
    }
    String message = String.valueOf(e.getMessage());
    int open = message.lastIndexOf(" (expected");
    if (open >= 0 && message.endsWith(")")) {
      String head = message.substring(0, open);
      String expected = message.substring(open + 2, message.length() - 1);
      String shown = display();
      boolean sameValue = isScalar() && head.endsWith(": " + raw());
      return problem(shown + " (" + (sameValue ? "" : head + "; ") + expected + ")");
    }
    return problem(display() + " (" + message + ")");
  }

  /** The value as shown in messages: quoted text as written, or its kind. */
  public String display() {
    if (node instanceof YamlNode.Scalar s) {
      if (s.isNull()) {
        return "an empty value";
      }
      String v = s.value();
      if (v.length() > MAX_SHOWN) {
        v = v.substring(0, MAX_SHOWN) + "...";
      }
      return '"' + escape(v) + '"';
    }
    return node instanceof YamlNode.Mapping ? "a mapping" : "a list";
  }

  /** Escapes quotes, backslashes and control characters for a message. */
  public static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f) {
        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** The path of {@code key} under {@code path}: {@code a.b}, or {@code a["odd key"]}. */
  public static String child(String path, String key) {
    if (PLAIN_KEY.matcher(key).matches()) {
      return path.isEmpty() ? key : path + "." + key;
    }
    return path + "[\"" + escape(key) + "\"]";
  }
}
