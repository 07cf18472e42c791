package dev.hitbox.http;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * HTTP header fields: an ordered multimap whose lookups ignore the case of names. Names and values
 * keep the case and order they were given in, so a cached response is written back exactly as the
 * upstream sent it. Immutable and thread-safe.
 *
 * <pre>{@code
 * HttpHeaders h = HttpHeaders.of("Content-Type", "application/json", "Vary", "Accept-Language");
 * h.first("content-type");   // "application/json"
 * h.with("Vary", "Accept");  // a copy with a second Vary field
 * }</pre>
 */
public final class HttpHeaders {
  private static final HttpHeaders EMPTY = new HttpHeaders(new String[0]);

  /** Alternating names and values. */
  private final String[] fields;

  private HttpHeaders(String[] fields) {
    this.fields = fields;
  }

  /** No header fields. */
  public static HttpHeaders empty() {
    return EMPTY;
  }

  /**
   * Header fields from alternating names and values: {@code of("Accept", "text/html", "Accept",
   * "application/json")}.
   *
   * @throws IllegalArgumentException if the count is odd or a name or value is not valid
   */
  public static HttpHeaders of(String... namesAndValues) {
    requireNonNull(namesAndValues, "namesAndValues");
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException(
          "namesAndValues: " + namesAndValues.length + " strings (expected: an even number)");
    }
    Builder b = builder();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      b.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return b.build();
  }

  /** Header fields from a map of names to values, in the map's iteration order. */
  public static HttpHeaders of(Map<String, ? extends List<String>> map) {
    requireNonNull(map, "map");
    Builder b = builder();
    map.forEach((name, values) -> values.forEach(v -> b.add(name, v)));
    return b.build();
  }

  /** Starts an empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts with these fields. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.fields.addAll(Arrays.asList(fields));
    return b;
  }

  /** The number of fields (a name that occurs twice counts twice). */
  public int size() {
    return fields.length / 2;
  }

  /** Whether there are no fields. */
  public boolean isEmpty() {
    return fields.length == 0;
  }

  /**
   * The name of the field at {@code index}, as given.
   *
   * @throws IndexOutOfBoundsException unless {@code 0 <= index < size()}
   */
  public String name(int index) {
    return fields[checkIndex(index) * 2];
  }

  /**
   * The value of the field at {@code index}.
   *
   * @throws IndexOutOfBoundsException unless {@code 0 <= index < size()}
   */
  public String value(int index) {
    return fields[checkIndex(index) * 2 + 1];
  }

  private int checkIndex(int index) {
    if (index < 0 || index >= size()) {
      throw new IndexOutOfBoundsException("index: " + index + " (expected: 0.." + size() + ")");
    }
    return index;
  }

  /** Whether a field named {@code name} (in any case) is present. */
  public boolean contains(String name) {
    return first(name) != null;
  }

  /** The value of the first field named {@code name} (in any case), or {@code null}. */
  public @Nullable String first(String name) {
    requireNonNull(name, "name");
    for (int i = 0; i < fields.length; i += 2) {
      if (fields[i].equalsIgnoreCase(name)) {
        return fields[i + 1];
      }
    }
    return null;
  }

  /** The values of every field named {@code name} (in any case), in order; empty if none. */
  public List<String> all(String name) {
    requireNonNull(name, "name");
    List<String> out = null;
    for (int i = 0; i < fields.length; i += 2) {
      if (fields[i].equalsIgnoreCase(name)) {
        if (out == null) {
          out = new ArrayList<>(2);
        }
        out.add(fields[i + 1]);
      }
    }
    return out == null ? List.of() : Collections.unmodifiableList(out);
  }

  /**
   * The values of every field named {@code name} joined with {@code ", "} (how HTTP combines
   * repeated fields), or {@code null} if there is none.
   */
  public @Nullable String joined(String name) {
    List<String> all = all(name);
    return all.isEmpty() ? null : String.join(", ", all);
  }

  /**
   * The comma-separated elements of every field named {@code name}, trimmed, empty ones dropped:
   * {@code Vary: Accept, Accept-Language} gives {@code [Accept, Accept-Language]}. Commas inside
   * quoted strings do not split.
   */
  public List<String> elements(String name) {
    List<String> out = new ArrayList<>();
    for (String v : all(name)) {
      splitElements(v, out);
    }
    return out;
  }

  static void splitElements(String v, List<String> out) {
    int start = 0;
    boolean quoted = false;
    for (int i = 0; i <= v.length(); i++) {
      char c = i < v.length() ? v.charAt(i) : ',';
      if (c == '"' && (i == 0 || v.charAt(i - 1) != '\\')) {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        String e = v.substring(start, i).trim();
        if (!e.isEmpty()) {
          out.add(e);
        }
        start = i + 1;
      }
    }
  }

  /**
   * The distinct names, in order of first appearance, each as first given. Two names that differ
   * only in case are one name.
   */
  public List<String> names() {
    Map<String, String> seen = new LinkedHashMap<>();
    for (int i = 0; i < fields.length; i += 2) {
      seen.putIfAbsent(fields[i].toLowerCase(Locale.ROOT), fields[i]);
    }
    return List.copyOf(seen.values());
  }

  /** Calls {@code action} with each field's name and value, in order. */
  public void forEach(BiConsumer<String, String> action) {
    requireNonNull(action, "action");
    for (int i = 0; i < fields.length; i += 2) {
      action.accept(fields[i], fields[i + 1]);
    }
  }

  /** A copy with the field {@code name: value} added at the end. */
  public HttpHeaders with(String name, String value) {
    return toBuilder().add(name, value).build();
  }

  /** A copy in which {@code name: value} replaces every field named {@code name}. */
  public HttpHeaders set(String name, String value) {
    return toBuilder().set(name, value).build();
  }

  /** A copy without the fields named {@code name}; this object if there are none. */
  public HttpHeaders without(String name) {
    return contains(name) ? toBuilder().remove(name).build() : this;
  }

  /** Whether {@code o} has the same fields, in the same order, names in the same case. */
  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof HttpHeaders h && Arrays.equals(fields, h.fields);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(fields);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("HttpHeaders{");
    for (int i = 0; i < fields.length; i += 2) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(fields[i]).append(": ").append(fields[i + 1]);
    }
    return sb.append('}').toString();
  }

  /**
   * Builds {@link HttpHeaders}; every name and value is checked when added. Not thread-safe.
   *
   * <p>A name must be non-empty and hold no whitespace, control characters or {@code ':'}; a value
   * must hold no CR, LF or NUL, so a header can never be split into two.
   */
  public static final class Builder {
    private final List<String> fields = new ArrayList<>();

    private Builder() {}

    /**
     * Adds a field at the end.
     *
     * @throws IllegalArgumentException if the name or the value is not valid
     */
    public Builder add(String name, String value) {
      fields.add(checkName(name));
      fields.add(checkValue(name, value));
      return this;
    }

    /** Replaces every field named {@code name} (in any case) with one {@code name: value}. */
    public Builder set(String name, String value) {
      checkName(name);
      checkValue(name, value);
      int at = -1;
      for (int i = 0; i < fields.size(); i += 2) {
        if (fields.get(i).equalsIgnoreCase(name)) {
          at = i;
          break;
        }
      }
      remove(name);
      if (at < 0 || at > fields.size()) {
        fields.add(name);
        fields.add(value);
      } else {
        fields.add(at, value);
        fields.add(at, name);
      }
      return this;
    }

    /** Removes every field named {@code name} (in any case). */
    public Builder remove(String name) {
      requireNonNull(name, "name");
      for (int i = fields.size() - 2; i >= 0; i -= 2) {
        if (fields.get(i).equalsIgnoreCase(name)) {
          fields.remove(i + 1);
          fields.remove(i);
        }
      }
      return this;
    }

    /** Adds every field of {@code headers} at the end. */
    public Builder addAll(HttpHeaders headers) {
      requireNonNull(headers, "headers");
      fields.addAll(Arrays.asList(headers.fields));
      return this;
    }

    /** Makes the immutable headers. */
    public HttpHeaders build() {
      return fields.isEmpty() ? EMPTY : new HttpHeaders(fields.toArray(new String[0]));
    }

    private static String checkName(String name) {
      requireNonNull(name, "name");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("header name: \"\" (expected: a token)");
      }
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        if (c <= ' ' || c == ':' || c >= 0x7f) {
          throw new IllegalArgumentException(
              "header name: \""
                  + escape(name)
                  + "\" (expected: no whitespace, control characters or ':')");
        }
      }
      return name;
    }

    private static String checkValue(String name, String value) {
      requireNonNull(value, "value");
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c == '\r' || c == '\n' || c == 0) {
          throw new IllegalArgumentException(
              "header " + name + ": \"" + escape(value) + "\" (expected: no CR, LF or NUL)");
        }
      }
      return value;
    }

    private static String escape(String s) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c < ' ' || c == 0x7f) {
          sb.append(String.format("\\x%02x", (int) c));
        } else {
          sb.append(c);
        }
      }
      return sb.toString();
    }
  }
}
