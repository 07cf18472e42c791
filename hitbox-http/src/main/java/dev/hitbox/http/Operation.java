package dev.hitbox.http;

import static java.util.Objects.requireNonNull;

import dev.hitbox.core.ConfigurationException;
import dev.hitbox.http.internal.Regexes;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A test on a named header field or query parameter, for {@link RequestPredicate#header}, {@link
 * RequestPredicate#query} and {@link ResponsePredicate#header}. Header names ignore case, query
 * names do not. A field that occurs more than once matches if any of its values does. Immutable and
 * thread-safe.
 *
 * <pre>{@code
 * Operation.eq("x-api-key", "secret123")       // YAML: x-api-key: secret123
 * Operation.in("status", "active", "pending")  // status: [active, pending]
 * Operation.exist("debug")                     // debug: {exist: true}
 * Operation.contains("content-type", "json")   // content-type: {contains: json}
 * Operation.regex("x-v", "^v\\d+")             // x-v: {regex: '^v\d+'}
 * }</pre>
 */
public final class Operation {

  /** What an {@link Operation} tests. */
  public enum Kind {
    /** A value equals the given one. */
    EQ,
    /** The field is present, whatever its value. */
    EXIST,
    /** A value is one of the given ones. */
    IN,
    /** A value contains the given text. */
    CONTAINS,
    /** A value matches the regular expression somewhere ({@link java.util.regex.Matcher#find}). */
    REGEX
  }

  private final Kind kind;
  private final String name;
  private final List<String> values;
  private final @Nullable Pattern pattern;

  private Operation(Kind kind, String name, List<String> values, @Nullable Pattern pattern) {
    this.kind = kind;
    this.name = name;
    this.values = values;
    this.pattern = pattern;
  }

  /**
   * A value of {@code name} equals {@code value} exactly.
   *
   * @throws ConfigurationException if the name is empty
   */
  public static Operation eq(String name, String value) {
    return new Operation(Kind.EQ, checkName(name), List.of(requireNonNull(value, "value")), null);
  }

  /**
   * {@code name} is present.
   *
   * @throws ConfigurationException if the name is empty
   */
  public static Operation exist(String name) {
    return new Operation(Kind.EXIST, checkName(name), List.of(), null);
  }

  /**
   * A value of {@code name} is one of {@code values}.
   *
   * @throws ConfigurationException if the name or the list of values is empty
   */
  public static Operation in(String name, String... values) {
    return in(name, List.of(requireNonNull(values, "values")));
  }

  /**
   * A value of {@code name} is one of {@code values}.
   *
   * @throws ConfigurationException if the name or the list of values is empty
   */
  public static Operation in(String name, Collection<String> values) {
    checkName(name);
    if (values.isEmpty()) {
      throw new ConfigurationException(name + " in: [] (expected: at least one value)");
    }
    return new Operation(Kind.IN, name, List.copyOf(values), null);
  }

  /**
   * A value of {@code name} contains {@code text}.
   *
   * @throws ConfigurationException if the name is empty
   */
  public static Operation contains(String name, String text) {
    return new Operation(
        Kind.CONTAINS, checkName(name), List.of(requireNonNull(text, "text")), null);
  }

  /**
   * A value of {@code name} matches {@code regex} somewhere; anchor it with {@code ^...$} to match
   * the whole value.
   *
   * @throws ConfigurationException if the name is empty or the regex does not compile
   */
  public static Operation regex(String name, String regex) {
    checkName(name);
    Pattern p = Regexes.compile(name + " regex", requireNonNull(regex, "regex"));
    return new Operation(Kind.REGEX, name, List.of(regex), p);
  }

  private static String checkName(String name) {
    requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new ConfigurationException("name: \"\" (expected: a header or parameter name)");
    }
    return name;
  }

  /** What is tested. */
  public Kind kind() {
    return kind;
  }

  /** The header or parameter name. */
  public String name() {
    return name;
  }

  /** The value(s) compared with: one for EQ, CONTAINS and REGEX, several for IN, none for EXIST. */
  public List<String> values() {
    return values;
  }

  /** Whether {@code present} (the values of the field, empty when it is absent) passes. */
  boolean test(List<String> present) {
    if (present.isEmpty()) {
      return false;
    }
    for (String v : present) {
      boolean ok =
          switch (kind) {
            case EXIST -> true;
            case EQ -> v.equals(values.get(0));
            case IN -> values.contains(v);
            case CONTAINS -> v.contains(values.get(0));
            case REGEX -> requireNonNull(pattern).matcher(v).find();
          };
      if (ok) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return switch (kind) {
      case EXIST -> name + " exists";
      case EQ -> name + " = " + values.get(0);
      case IN -> name + " in " + values;
      case CONTAINS -> name + " contains " + values.get(0);
      case REGEX -> name + " ~ /" + values.get(0) + "/";
    };
  }
}
