package dev.hitbox.core;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The identity of a cache entry: a namespace (the endpoint or cache name), a schema version and an
 * ordered list of {@link KeyPart parts}.
 *
 * <p>Two keys are equal when namespace, version and parts are equal. Their {@linkplain #text() text
 * form} is injective: parts are escaped, never just joined, so two different part lists never
 * render the same. Immutable and thread-safe.
 *
 * <pre>{@code
 * CacheKey key = CacheKey.builder("authors").part("author_id", "42").part("page", "1").build();
 * key.text();      // "author_id=42&page=1"
 * key.toString();  // "authors:0:author_id=42&page=1"
 * CacheKey.of("users", "user:42").text(); // "user:42"
 * }</pre>
 */
public final class CacheKey {
  private static final int MAX_NAMESPACE_LENGTH = 128;

  private final String namespace;
  private final int version;
  private final List<KeyPart> parts;
  private final int hash;
  private @Nullable String text;

  private CacheKey(String namespace, int version, List<KeyPart> parts) {
    this.namespace = namespace;
    this.version = version;
    this.parts = parts;
    this.hash = (namespace.hashCode() * 31 + version) * 31 + parts.hashCode();
  }

  /**
   * A key of the application-cache form: one unnamed part holding {@code key}.
   *
   * @throws ConfigurationException if the namespace is not valid
   */
  public static CacheKey of(String namespace, String key) {
    requireNonNull(key, "key");
    return new CacheKey(checkNamespace(namespace), 0, List.of(new KeyPart("", key)));
  }

  /**
   * A key with the given parts.
   *
   * @throws ConfigurationException if the namespace is not valid
   */
  public static CacheKey of(String namespace, int version, List<KeyPart> parts) {
    checkVersion(version);
    return new CacheKey(checkNamespace(namespace), version, List.copyOf(parts));
  }

  /** Starts a key in the given namespace. */
  public static Builder builder(String namespace) {
    return new Builder(checkNamespace(namespace));
  }

  /**
   * Checks a namespace: 1 to 128 characters of {@code [A-Za-z0-9_.-]}.
   *
   * @return the namespace
   * @throws ConfigurationException naming the bad value
   */
  public static String checkNamespace(String namespace) {
    requireNonNull(namespace, "namespace");
    boolean ok = !namespace.isEmpty() && namespace.length() <= MAX_NAMESPACE_LENGTH;
    for (int i = 0; ok && i < namespace.length(); i++) {
      char c = namespace.charAt(i);
      ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '-'
              || c == '.';
    }
    if (!ok) {
      throw new ConfigurationException(
          "namespace: \""
              + namespace
              + "\" (expected: 1 to "
              + MAX_NAMESPACE_LENGTH
              + " characters of A-Z a-z 0-9 _ - .)");
    }
    return namespace;
  }

  private static int checkVersion(int version) {
    if (version < 0) {
      throw new ConfigurationException("version: " + version + " (expected: >= 0)");
    }
    return version;
  }

  /** The namespace: the endpoint or cache this key belongs to. */
  public String namespace() {
    return namespace;
  }

  /** The schema version of the values stored under this key. */
  public int version() {
    return version;
  }

  /** The parts, in order. */
  public List<KeyPart> parts() {
    return parts;
  }

  /**
   * The readable, injective text form of the parts, which pattern invalidation matches against. An
   * unnamed part renders as its value, a named part as {@code name=value}; parts are joined with
   * {@code &}. The characters {@code % & =} and control characters are percent-encoded ({@code
   * %xx}), lone surrogates as {@code %uxxxx}, so the text is also valid UTF-8.
   */
  public String text() {
    String t = text;
    if (t == null) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < parts.size(); i++) {
        if (i > 0) {
          sb.append('&');
        }
        KeyPart part = parts.get(i);
        if (!part.name().isEmpty()) {
          escape(part.name(), sb);
          sb.append('=');
          escape(part.value(), sb);
        } else if (part.value().isEmpty()) {
          // Every part renders non-empty, so [] and [("", "")] differ; a raw '=' at the start
          // of a part appears nowhere else.
          sb.append('=');
        } else {
          escape(part.value(), sb);
        }
      }
      t = sb.toString();
      text = t;
    }
    return t;
  }

  private static void escape(String s, StringBuilder sb) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c) && !pairedSurrogate(s, i)) {
        // A lone surrogate has no UTF-8 form; encoded as bytes it would turn into '?' and
        // collide with a real '?'. "%u" never comes from the two-hex-digit escape below.
        sb.append("%u").append(String.format("%04x", (int) c));
      } else if (Character.isHighSurrogate(c)) {
        sb.append(c).append(s.charAt(++i));
      } else if (c == '%' || c == '&' || c == '=' || c < 0x20 || c == 0x7f) {
        sb.append('%')
            .append(Character.forDigit(c >> 4 & 0xf, 16))
            .append(Character.forDigit(c & 0xf, 16));
      } else {
        sb.append(c);
      }
    }
  }

  private static boolean pairedSurrogate(String s, int i) {
    char c = s.charAt(i);
    return Character.isHighSurrogate(c)
        && i + 1 < s.length()
        && Character.isLowSurrogate(s.charAt(i + 1));
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    return o instanceof CacheKey k
        && hash == k.hash
        && version == k.version
        && namespace.equals(k.namespace)
        && parts.equals(k.parts);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  /** {@code namespace:version:text}. */
  @Override
  public String toString() {
    return namespace + ':' + version + ':' + text();
  }

  /** Builds a {@link CacheKey}; not thread-safe. */
  public static final class Builder {
    private final String namespace;
    private int version;
    private final List<KeyPart> parts = new ArrayList<>(4);

    private Builder(String namespace) {
      this.namespace = namespace;
    }

    /** Sets the schema version (default 0). */
    public Builder version(int version) {
      this.version = checkVersion(version);
      return this;
    }

    /** Appends a part. */
    public Builder part(String name, String value) {
      parts.add(new KeyPart(name, value));
      return this;
    }

    /** Appends parts. */
    public Builder parts(List<KeyPart> more) {
      parts.addAll(more);
      return this;
    }

    /** Builds the key. */
    public CacheKey build() {
      return new CacheKey(namespace, version, List.copyOf(parts));
    }
  }
}
