package dev.hitbox.http;

import static java.util.Objects.requireNonNull;

import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.spi.CachePredicate;
import dev.hitbox.http.internal.Jq;
import dev.hitbox.http.internal.PathPattern;
import dev.hitbox.http.internal.Regexes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Which requests may be cached: by method, path, header fields, query parameters and body. Combine
 * them with {@link #and}, {@link #or}, {@link #negate}, {@link #allOf}, {@link #anyOf} and {@link
 * #not}; a {@link #builder()} joins what it is given with And. Immutable and thread-safe.
 *
 * <pre>{@code
 * RequestPredicate authors = RequestPredicate.builder()
 *     .method("GET")
 *     .path("/api/authors/{id}")
 *     .header(Operation.eq("x-api-key", "secret123"))
 *     .build();
 * }</pre>
 *
 * <p>Body predicates see the body only when it is buffered: {@link HttpCache} reads it up to its
 * request body limit first. A body over the limit (or a stream) passes no body predicate.
 */
public abstract class RequestPredicate implements CachePredicate<HttpRequest> {
  private final String description;

  RequestPredicate(String description) {
    this.description = description;
  }

  /** Whether evaluating this needs the body in memory. */
  abstract boolean readsBody();

  // ---------------------------------------------------------------- leaves

  /**
   * The method is one of {@code methods} (YAML {@code Method: GET} or {@code Method: [GET, HEAD]}).
   *
   * @throws ConfigurationException if none is given or one is not a token
   */
  public static RequestPredicate method(String... methods) {
    requireNonNull(methods, "methods");
    if (methods.length == 0) {
      throw new ConfigurationException("method: [] (expected: at least one method such as GET)");
    }
    Set<String> set = new LinkedHashSet<>();
    for (String m : methods) {
      requireNonNull(m, "method");
      if (m.isEmpty() || !m.chars().allMatch(c -> HttpRequest.isTchar((char) c))) {
        throw new ConfigurationException("method: \"" + m + "\" (expected: a token such as GET)");
      }
      set.add(m.toUpperCase(Locale.ROOT));
    }
    Set<String> methodSet = Set.copyOf(set);
    return leaf("Method" + set, false, r -> methodSet.contains(r.method()));
  }

  /**
   * The path matches {@code pattern}, whose {@code {param}} placeholders match one path segment
   * each (YAML {@code Path: "/api/authors/{id}"}).
   *
   * @throws ConfigurationException if the pattern is not valid
   */
  public static RequestPredicate path(String pattern) {
    PathPattern p = PathPattern.compile(requireNonNull(pattern, "pattern"));
    return leaf("Path(" + pattern + ")", false, r -> p.match(r.path()) != null);
  }

  /** A header field passes {@code operation} (YAML {@code Header: {name: ...}}). */
  public static RequestPredicate header(Operation operation) {
    requireNonNull(operation, "operation");
    return leaf(
        "Header(" + operation + ")", false, r -> operation.test(r.headers().all(operation.name())));
  }

  /** Shorthand for {@code header(Operation.eq(name, value))}. */
  public static RequestPredicate header(String name, String value) {
    return header(Operation.eq(name, value));
  }

  /** A query parameter passes {@code operation} (YAML {@code Query: {name: ...}}). */
  public static RequestPredicate query(Operation operation) {
    requireNonNull(operation, "operation");
    return leaf(
        "Query(" + operation + ")", false, r -> operation.test(r.queryAll(operation.name())));
  }

  /** Shorthand for {@code query(Operation.eq(name, value))}. */
  public static RequestPredicate query(String name, String value) {
    return query(Operation.eq(name, value));
  }

  /**
   * The body is at most {@code maxBytes} long (YAML {@code Body: {limit: 1048576}}).
   *
   * @throws ConfigurationException if negative
   */
  public static RequestPredicate bodyLimit(long maxBytes) {
    if (maxBytes < 0) {
      throw new ConfigurationException("body limit: " + maxBytes + " (expected: >= 0)");
    }
    return leaf(
        "Body(limit " + maxBytes + ")", true, r -> BodyChecks.withinLimit(r.body(), maxBytes));
  }

  /** The body contains {@code text} in UTF-8 (YAML {@code Body: {contains: text}}). */
  public static RequestPredicate bodyContains(String text) {
    byte[] needle = requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8);
    return leaf("Body(contains " + text + ")", true, r -> BodyChecks.contains(r.body(), needle));
  }

  /**
   * The body, as UTF-8 text, matches {@code regex} somewhere (YAML {@code Body: {regex: ...}}).
   *
   * @throws ConfigurationException if the regex does not compile
   */
  public static RequestPredicate bodyRegex(String regex) {
    Pattern p = Regexes.compile("body regex", requireNonNull(regex, "regex"));
    return leaf("Body(regex " + regex + ")", true, r -> BodyChecks.matches(r.body(), p));
  }

  /**
   * The body is JSON and the jq {@code expression} yields only true values (YAML {@code Body: {jq:
   * '.kind == "query"'}}). A body that is not JSON, or an expression that fails on it, does not
   * pass.
   *
   * @throws ConfigurationException if the expression does not parse
   */
  public static RequestPredicate bodyJq(String expression) {
    Jq jq = Jq.compile("body jq", requireNonNull(expression, "expression"));
    return leaf("Body(jq " + expression + ")", true, r -> BodyChecks.jq(r.body(), jq));
  }

  /** Passes every request. */
  public static RequestPredicate always() {
    return leaf("Always", false, r -> true);
  }

  /** Adapts a predicate of any kind; it sees the body as the integration gave it. */
  public static RequestPredicate of(CachePredicate<? super HttpRequest> predicate) {
    requireNonNull(predicate, "predicate");
    if (predicate instanceof RequestPredicate p) {
      return p;
    }
    return new RequestPredicate(predicate.toString()) {
      @Override
      boolean readsBody() {
        return false;
      }

      @Override
      public CompletionStage<Boolean> test(HttpRequest subject) {
        return predicate.test(subject);
      }
    };
  }

  // ---------------------------------------------------------------- combinators

  /** Passes when every one of {@code predicates} passes (none: always); stops at the first no. */
  @SafeVarargs
  public static RequestPredicate allOf(CachePredicate<? super HttpRequest>... predicates) {
    return allOf(listOf(predicates));
  }

  /** Passes when every one of {@code predicates} passes (none: always); stops at the first no. */
  public static RequestPredicate allOf(
      List<? extends CachePredicate<? super HttpRequest>> predicates) {
    List<RequestPredicate> ps = adapt(predicates);
    if (ps.size() == 1) {
      return ps.get(0);
    }
    return combined("And" + ps, ps, r -> Combinators.all(ps, r, 0));
  }

  /** Passes when any of {@code predicates} passes (none: never); stops at the first yes. */
  @SafeVarargs
  public static RequestPredicate anyOf(CachePredicate<? super HttpRequest>... predicates) {
    return anyOf(listOf(predicates));
  }

  /** Passes when any of {@code predicates} passes (none: never); stops at the first yes. */
  public static RequestPredicate anyOf(
      List<? extends CachePredicate<? super HttpRequest>> predicates) {
    List<RequestPredicate> ps = adapt(predicates);
    if (ps.size() == 1) {
      return ps.get(0);
    }
    return combined("Or" + ps, ps, r -> Combinators.any(ps, r, 0));
  }

  /** Passes when {@code predicate} does not (YAML {@code Not: {...}}). */
  public static RequestPredicate not(CachePredicate<? super HttpRequest> predicate) {
    RequestPredicate p = of(predicate);
    return combined("Not(" + p + ")", List.of(p), r -> p.test(r).thenApply(ok -> !ok));
  }

  /** Passes when this and {@code other} pass; {@code other} is not consulted if this fails. */
  @Override
  public RequestPredicate and(CachePredicate<? super HttpRequest> other) {
    return allOf(List.of(this, of(requireNonNull(other, "other"))));
  }

  /** Passes when this or {@code other} passes; {@code other} is not consulted if this passes. */
  @Override
  public RequestPredicate or(CachePredicate<? super HttpRequest> other) {
    return anyOf(List.of(this, of(requireNonNull(other, "other"))));
  }

  /** Passes when this does not. */
  @Override
  public RequestPredicate negate() {
    return not(this);
  }

  /** Starts a builder whose predicates are joined with And. */
  public static Builder builder() {
    return new Builder();
  }

  /** A readable form, e.g. {@code And[Method[GET], Path(/api/authors/{id})]}. */
  @Override
  public String toString() {
    return description;
  }

  @SafeVarargs
  private static List<CachePredicate<? super HttpRequest>> listOf(
      CachePredicate<? super HttpRequest>... predicates) {
    requireNonNull(predicates, "predicates");
    List<CachePredicate<? super HttpRequest>> list = new ArrayList<>(predicates.length);
    for (CachePredicate<? super HttpRequest> p : predicates) {
      list.add(p);
    }
    return list;
  }

  private static List<RequestPredicate> adapt(
      List<? extends CachePredicate<? super HttpRequest>> predicates) {
    List<RequestPredicate> out = new ArrayList<>(predicates.size());
    for (CachePredicate<? super HttpRequest> p : predicates) {
      out.add(of(requireNonNull(p, "predicate")));
    }
    return List.copyOf(out);
  }

  private static RequestPredicate combined(
      String description,
      List<RequestPredicate> children,
      java.util.function.Function<HttpRequest, CompletionStage<Boolean>> test) {
    boolean body = children.stream().anyMatch(RequestPredicate::readsBody);
    return new RequestPredicate(description) {
      @Override
      boolean readsBody() {
        return body;
      }

      @Override
      public CompletionStage<Boolean> test(HttpRequest subject) {
        return test.apply(subject);
      }
    };
  }

  private static RequestPredicate leaf(
      String description, boolean readsBody, Predicate<HttpRequest> test) {
    return new RequestPredicate(description) {
      @Override
      boolean readsBody() {
        return readsBody;
      }

      @Override
      public CompletionStage<Boolean> test(HttpRequest subject) {
        return Combinators.of(test.test(subject));
      }
    };
  }

  /**
   * Builds a {@link RequestPredicate} that passes when all its parts pass. Each method validates at
   * once, like the static factory of the same name. Not thread-safe.
   */
  public static final class Builder {
    private final List<RequestPredicate> parts = new ArrayList<>();

    private Builder() {}

    /** Adds {@link RequestPredicate#method}. */
    public Builder method(String... methods) {
      return add(RequestPredicate.method(methods));
    }

    /** Adds {@link RequestPredicate#path}. */
    public Builder path(String pattern) {
      return add(RequestPredicate.path(pattern));
    }

    /** Adds {@link RequestPredicate#header(Operation)}. */
    public Builder header(Operation operation) {
      return add(RequestPredicate.header(operation));
    }

    /** Adds {@link RequestPredicate#header(String, String)}. */
    public Builder header(String name, String value) {
      return add(RequestPredicate.header(name, value));
    }

    /** Adds {@link RequestPredicate#query(Operation)}. */
    public Builder query(Operation operation) {
      return add(RequestPredicate.query(operation));
    }

    /** Adds {@link RequestPredicate#query(String, String)}. */
    public Builder query(String name, String value) {
      return add(RequestPredicate.query(name, value));
    }

    /** Adds {@link RequestPredicate#bodyLimit}. */
    public Builder bodyLimit(long maxBytes) {
      return add(RequestPredicate.bodyLimit(maxBytes));
    }

    /** Adds {@link RequestPredicate#bodyContains}. */
    public Builder bodyContains(String text) {
      return add(RequestPredicate.bodyContains(text));
    }

    /** Adds {@link RequestPredicate#bodyRegex}. */
    public Builder bodyRegex(String regex) {
      return add(RequestPredicate.bodyRegex(regex));
    }

    /** Adds {@link RequestPredicate#bodyJq}. */
    public Builder bodyJq(String expression) {
      return add(RequestPredicate.bodyJq(expression));
    }

    /** Adds any predicate, e.g. an {@link RequestPredicate#anyOf} tree. */
    public Builder and(CachePredicate<? super HttpRequest> predicate) {
      return add(of(predicate));
    }

    private Builder add(RequestPredicate p) {
      parts.add(p);
      return this;
    }

    /** Makes the predicate: the And of everything added ({@link #always()} if nothing was). */
    public RequestPredicate build() {
      return parts.isEmpty() ? always() : allOf(List.copyOf(parts));
    }
  }
}
