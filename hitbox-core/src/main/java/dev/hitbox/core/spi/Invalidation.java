package dev.hitbox.core.spi;

import static java.util.Objects.requireNonNull;

import dev.hitbox.core.CacheKey;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What an {@link InvalidationBus} carries: one key, a pattern in a namespace, or a tag, that other
 * instances must drop from their local tier. Immutable.
 */
public final class Invalidation {

  /** The kinds of invalidation. */
  public enum Kind {
    /** One key was written or removed. */
    KEY,
    /** The keys of a namespace matching a glob were removed. */
    PATTERN,
    /** The entries with a tag were removed. */
    TAG
  }

  private final Kind kind;
  private final @Nullable CacheKey key;
  private final @Nullable String namespace;
  private final @Nullable String pattern;
  private final @Nullable String tag;

  private Invalidation(
      Kind kind,
      @Nullable CacheKey key,
      @Nullable String namespace,
      @Nullable String pattern,
      @Nullable String tag) {
    this.kind = kind;
    this.key = key;
    this.namespace = namespace;
    this.pattern = pattern;
    this.tag = tag;
  }

  /** The entry under {@code key} changed. */
  public static Invalidation key(CacheKey key) {
    return new Invalidation(Kind.KEY, requireNonNull(key, "key"), null, null, null);
  }

  /** The entries of {@code namespace} whose key text matches {@code pattern} were removed. */
  public static Invalidation pattern(String namespace, String pattern) {
    return new Invalidation(
        Kind.PATTERN,
        null,
        requireNonNull(namespace, "namespace"),
        requireNonNull(pattern, "pattern"),
        null);
  }

  /** The entries tagged {@code tag} were removed. */
  public static Invalidation tag(String tag) {
    return new Invalidation(Kind.TAG, null, null, null, requireNonNull(tag, "tag"));
  }

  /** The kind. */
  public Kind kind() {
    return kind;
  }

  /**
   * The key, for {@link Kind#KEY}.
   *
   * @throws IllegalStateException for the other kinds
   */
  public CacheKey key() {
    return present(key);
  }

  /**
   * The namespace, for {@link Kind#PATTERN}.
   *
   * @throws IllegalStateException for the other kinds
   */
  public String namespace() {
    return present(namespace);
  }

  /**
   * The glob pattern, for {@link Kind#PATTERN}.
   *
   * @throws IllegalStateException for the other kinds
   */
  public String pattern() {
    return present(pattern);
  }

  /**
   * The tag, for {@link Kind#TAG}.
   *
   * @throws IllegalStateException for the other kinds
   */
  public String tag() {
    return present(tag);
  }

  private <T> T present(@Nullable T value) {
    if (value == null) {
      throw new IllegalStateException("not part of a " + kind + " invalidation");
    }
    return value;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Invalidation i
        && kind == i.kind
        && Objects.equals(key, i.key)
        && Objects.equals(namespace, i.namespace)
        && Objects.equals(pattern, i.pattern)
        && Objects.equals(tag, i.tag);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, key, namespace, pattern, tag);
  }

  @Override
  public String toString() {
    return switch (kind) {
      case KEY -> "Invalidation{key " + key + '}';
      case PATTERN -> "Invalidation{pattern " + namespace + ' ' + pattern + '}';
      case TAG -> "Invalidation{tag " + tag + '}';
    };
  }
}
