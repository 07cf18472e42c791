package dev.hitbox.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One part of the cache key from an {@code extractors:} list, as read from YAML and validated.
 * Protocol-neutral data: the HTTP module maps each record to its extractor, in list order.
 *
 * <table>
 *   <caption>YAML and the records it becomes</caption>
 *   <tr><th>YAML</th><th>record</th></tr>
 *   <tr><td>{@code Method:}</td><td>{@link Method}</td></tr>
 *   <tr><td>{@code Path: "/v1/authors/{author_id}"}</td><td>{@link Path}</td></tr>
 *   <tr><td>{@code Query: page}, {@code {name: page, value: regex, transforms: [...]}}</td>
 *       <td>{@link Query}</td></tr>
 *   <tr><td>{@code Query: {starts: utm_}}</td><td>{@link QueryStarts}</td></tr>
 *   <tr><td>{@code Header: X-Api-Key}, {@code {name: Authorization, value: "Bearer (.+)",
 *       transforms: [hash]}}</td><td>{@link Header}</td></tr>
 *   <tr><td>{@code Header: {starts: x-custom-}}</td><td>{@link HeaderStarts}</td></tr>
 *   <tr><td>{@code Body: {jq: ".user.id"}}</td><td>{@link BodyJq}</td></tr>
 *   <tr><td>{@code Body: {hash: true}}</td><td>{@link BodyHash}</td></tr>
 *   <tr><td>{@code Body: {regex: "(?<user>u\d+)"}}</td><td>{@link BodyRegex}</td></tr>
 * </table>
 *
 * <p>All records are immutable and compare by value.
 */
public sealed interface ExtractorConfig
    permits ExtractorConfig.Method,
        ExtractorConfig.Path,
        ExtractorConfig.Query,
        ExtractorConfig.QueryStarts,
        ExtractorConfig.Header,
        ExtractorConfig.HeaderStarts,
        ExtractorConfig.BodyJq,
        ExtractorConfig.BodyHash,
        ExtractorConfig.BodyRegex {

  /** What is done to an extracted value before it goes into the key, in list order. */
  enum Transform {
    /** {@code hash}: the SHA-256 of the value, in hex. */
    HASH,
    /** {@code lowercase}. */
    LOWERCASE,
    /** {@code uppercase}. */
    UPPERCASE
  }

  /** The request method, as the part {@code method}. */
  record Method() implements ExtractorConfig {}

  /**
   * The {@code {name}} parameters of {@code template}, each as a part named after it. Same template
   * grammar as {@link PredicateConfig.Path}.
   */
  record Path(String template) implements ExtractorConfig {
    /** Checks for null. */
    public Path {
      requireNonNull(template, "template");
    }
  }

  /**
   * The query parameter {@code name} as a part of that name (empty when absent).
   *
   * @param value a Java regex: when set, the part is its first group (or the whole match when it
   *     has none) of the parameter's value; {@code null} for the whole value
   */
  record Query(String name, @Nullable String value, List<Transform> transforms)
      implements ExtractorConfig {
    /** Copies the list. */
    public Query {
      requireNonNull(name, "name");
      transforms = List.copyOf(transforms);
    }
  }

  /**
   * Every query parameter whose name starts with {@code prefix}, each as a part, sorted by name.
   */
  record QueryStarts(String prefix, List<Transform> transforms) implements ExtractorConfig {
    /** Copies the list. */
    public QueryStarts {
      requireNonNull(prefix, "prefix");
      transforms = List.copyOf(transforms);
    }
  }

  /**
   * The header {@code name} (case-insensitive) as a part of that name (empty when absent).
   *
   * @param value a Java regex: when set, the part is its first group (or the whole match when it
   *     has none) of the header's value; {@code null} for the whole value
   */
  record Header(String name, @Nullable String value, List<Transform> transforms)
      implements ExtractorConfig {
    /** Copies the list. */
    public Header {
      requireNonNull(name, "name");
      transforms = List.copyOf(transforms);
    }
  }

  /** Every header whose name starts with {@code prefix} (case-insensitive), each as a part. */
  record HeaderStarts(String prefix, List<Transform> transforms) implements ExtractorConfig {
    /** Copies the list. */
    public HeaderStarts {
      requireNonNull(prefix, "prefix");
      transforms = List.copyOf(transforms);
    }
  }

  /** The result of the jq {@code expression} on the JSON body, as the part {@code body}. */
  record BodyJq(String expression, List<Transform> transforms) implements ExtractorConfig {
    /** Copies the list. */
    public BodyJq {
      requireNonNull(expression, "expression");
      transforms = List.copyOf(transforms);
    }
  }

  /** The SHA-256 of the whole body, as the part {@code body}. */
  record BodyHash() implements ExtractorConfig {}

  /**
   * The matches of the Java regex {@code pattern} in the body: each named group as a part of its
   * name, or, without named groups, the first group (or the whole match) as the part {@code body}.
   */
  record BodyRegex(String pattern, List<Transform> transforms) implements ExtractorConfig {
    /** Copies the list. */
    public BodyRegex {
      requireNonNull(pattern, "pattern");
      transforms = List.copyOf(transforms);
    }
  }
}
