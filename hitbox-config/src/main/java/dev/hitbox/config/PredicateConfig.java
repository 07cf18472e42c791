package dev.hitbox.config;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One HTTP cacheability rule from a {@code request:} or {@code response:} list, as read from YAML
 * and validated. Protocol-neutral data: the HTTP module maps each record to its predicate. A list
 * of rules means all of them must hold ({@link And}).
 *
 * <table>
 *   <caption>YAML and the records it becomes</caption>
 *   <tr><th>YAML</th><th>record</th></tr>
 *   <tr><td>{@code Method: GET}, {@code Method: [GET, HEAD]}</td><td>{@link Method}</td></tr>
 *   <tr><td>{@code Path: "/v1/authors/{author_id}"}</td><td>{@link Path}</td></tr>
 *   <tr><td>{@code Query: {page: 1, status: [a, b], debug: {exist: true}}}</td><td>one {@link
 *       Query} per parameter (an {@link And} when more than one)</td></tr>
 *   <tr><td>{@code Header: {accept: {contains: json}}}</td><td>one {@link Header} per
 *       header</td></tr>
 *   <tr><td>{@code Body: {jq: ...}}, {@code {contains: ...}}, {@code {regex: ...}}, {@code {limit:
 *       ...}}</td><td>{@link BodyJq}, {@link BodyContains}, {@link BodyRegex}, {@link
 *       BodyLimit}</td></tr>
 *   <tr><td>{@code Status: 200}, {@code [200, 201]}, {@code {range: [200, 299]}}, {@code
 *       Success}</td><td>{@link Status}</td></tr>
 *   <tr><td>{@code And: [...]}, {@code Or: [...]}, {@code Not: {...}}</td><td>{@link And}, {@link
 *       Or}, {@link Not}</td></tr>
 * </table>
 *
 * <p>All records are immutable and compare by value.
 */
public sealed interface PredicateConfig
    permits PredicateConfig.Method,
        PredicateConfig.Path,
        PredicateConfig.Query,
        PredicateConfig.Header,
        PredicateConfig.BodyJq,
        PredicateConfig.BodyContains,
        PredicateConfig.BodyRegex,
        PredicateConfig.BodyLimit,
        PredicateConfig.Status,
        PredicateConfig.And,
        PredicateConfig.Or,
        PredicateConfig.Not {

  /** How a {@link Query} parameter or a {@link Header} is matched. */
  enum Operation {
    /** {@code name: value} or {@code {eq: value}}: equal to the one value (headers: any value). */
    EQ,
    /** {@code name: [a, b]} or {@code {in: [a, b]}}: equal to one of the values. */
    IN,
    /** {@code {exist: true}}: present, whatever the value; no values. */
    EXIST,
    /** {@code {contains: text}}: the value contains the one text. */
    CONTAINS,
    /** {@code {regex: pattern}}: the value matches the one Java regex somewhere (find). */
    REGEX
  }

  /**
   * The request method is one of {@code methods} (case-sensitive, e.g. {@code GET}).
   *
   * @param methods one or more method names
   */
  record Method(List<String> methods) implements PredicateConfig {
    /** Copies the list. */
    public Method {
      methods = List.copyOf(methods);
    }
  }

  /**
   * The request path matches {@code template}: literal segments and {@code {name}} parameters, each
   * matching one non-empty segment, e.g. {@code /v1/authors/{author_id}}.
   */
  record Path(String template) implements PredicateConfig {
    /** Checks for null. */
    public Path {
      requireNonNull(template, "template");
    }
  }

  /**
   * The query parameter {@code name} matches: see {@link Operation} for what {@code values} holds.
   */
  record Query(String name, Operation operation, List<String> values) implements PredicateConfig {
    /** Copies the list. */
    public Query {
      requireNonNull(name, "name");
      requireNonNull(operation, "operation");
      values = List.copyOf(values);
    }
  }

  /**
   * The header {@code name} (compared case-insensitively; given in lower case) matches: see {@link
   * Operation} for what {@code values} holds.
   */
  record Header(String name, Operation operation, List<String> values) implements PredicateConfig {
    /** Copies the list. */
    public Header {
      requireNonNull(name, "name");
      requireNonNull(operation, "operation");
      values = List.copyOf(values);
    }
  }

  /** The body, parsed as JSON, makes the jq {@code expression} true. */
  record BodyJq(String expression) implements PredicateConfig {
    /** Checks for null. */
    public BodyJq {
      requireNonNull(expression, "expression");
    }
  }

  /** The body, as UTF-8 text, contains {@code text}. */
  record BodyContains(String text) implements PredicateConfig {
    /** Checks for null. */
    public BodyContains {
      requireNonNull(text, "text");
    }
  }

  /** The body, as UTF-8 text, matches the Java regex {@code pattern} somewhere (find). */
  record BodyRegex(String pattern) implements PredicateConfig {
    /** Checks for null. */
    public BodyRegex {
      requireNonNull(pattern, "pattern");
    }
  }

  /** The body is at most {@code bytes} long; a longer body is not cacheable. */
  record BodyLimit(long bytes) implements PredicateConfig {}

  /**
   * The response status is in one of {@code ranges}. {@code Status: 200} is one range of one code;
   * {@code Success} is {@code 200..299}, {@code Informational} {@code 100..199}, {@code Redirect}
   * {@code 300..399}, {@code ClientError} {@code 400..499}, {@code ServerError} {@code 500..599}.
   */
  record Status(List<Range> ranges) implements PredicateConfig {
    /** Copies the list. */
    public Status {
      ranges = List.copyOf(ranges);
    }

    /** Whether {@code code} is in one of the ranges. */
    public boolean matches(int code) {
      for (Range r : ranges) {
        if (code >= r.min() && code <= r.max()) {
          return true;
        }
      }
      return false;
    }

    /** The status codes from {@code min} to {@code max}, both included. */
    public record Range(int min, int max) {}
  }

  /** All of {@code all} hold. */
  record And(List<PredicateConfig> all) implements PredicateConfig {
    /** Copies the list. */
    public And {
      all = List.copyOf(all);
    }
  }

  /** At least one of {@code any} holds. */
  record Or(List<PredicateConfig> any) implements PredicateConfig {
    /** Copies the list. */
    public Or {
      any = List.copyOf(any);
    }
  }

  /** {@code predicate} does not hold. */
  record Not(PredicateConfig predicate) implements PredicateConfig {
    /** Checks for null. */
    public Not {
      requireNonNull(predicate, "predicate");
    }
  }
}
