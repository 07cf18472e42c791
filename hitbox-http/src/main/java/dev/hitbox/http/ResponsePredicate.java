package dev.hitbox.http;

import static java.util.Objects.requireNonNull;

import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.spi.CachePredicate;
import dev.hitbox.http.internal.Jq;
import dev.hitbox.http.internal.Regexes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Which responses may be cached: by status, header fields and body. Combine them with {@link #and},
 * {@link #or}, {@link #negate}, {@link #allOf}, {@link #anyOf} and {@link #not}; a {@link
 * #builder()} joins what it is given with And. Immutable and thread-safe.
 *
 * <pre>{@code
 * ResponsePredicate ok = ResponsePredicate.builder()
 *     .statusClass(StatusClass.SUCCESS)
 *     .header(Operation.contains("content-type", "json"))
 *     .build();
 * }</pre>
 *
 * <p>{@link HttpCache} applies its own safety rules on top (no {@code Set-Cookie}, {@code private}
 * or {@code no-store} responses unless the endpoint opts in, never a {@code 206} or {@code 304}).
 * Body predicates see the body only when it is buffered: a body over the response limit passes
 * none.
 */
public abstract class ResponsePredicate implements CachePredicate<HttpResponse> {
  private final String description;

  ResponsePredicate(String description) {
    this.description = description;
  }

  /** Whether evaluating this needs the body in memory. */
  abstract boolean readsBody();

  // ---------------------------------------------------------------- leaves

  /**
   * The status is {@code code} (YAML {@code Status: 200}).
   *
   * @throws ConfigurationException if not in {@code 100..599}
   */
  public static ResponsePredicate status(int code) {
    checkCode(code);
    return leaf("Status(" + code + ")", false, r -> r.status() == code);
  }

  /**
   * The status is one of {@code codes} (YAML {@code Status: [200, 201]} or {@code {in: [...]}}).
   *
   * @throws ConfigurationException if none is given or one is not in {@code 100..599}
   */
  public static ResponsePredicate statusIn(int... codes) {
    requireNonNull(codes, "codes");
    if (codes.length == 0) {
      throw new ConfigurationException("status in: [] (expected: at least one status)");
    }
    Set<Integer> set = new LinkedHashSet<>();
    for (int c : codes) {
      set.add(checkCode(c));
    }
    Set<Integer> codeSet = Set.copyOf(set);
    return leaf("Status(in " + set + ")", false, r -> codeSet.contains(r.status()));
  }

  /**
   * The status is in {@code from..to}, both included (YAML {@code Status: {range: [200, 299]}}).
   *
   * @throws ConfigurationException if either is not in {@code 100..599} or {@code from > to}
   */
  public static ResponsePredicate statusRange(int from, int to) {
    checkCode(from);
    checkCode(to);
    if (from > to) {
      throw new ConfigurationException(
          "status range: [" + from + ", " + to + "] (expected: from <= to)");
    }
    return leaf(
        "Status(" + from + ".." + to + ")", false, r -> r.status() >= from && r.status() <= to);
  }

  /**
   * The status is in {@code statusClass} (YAML {@code Status: Success}, {@code Redirect}, {@code
   * ClientError}, {@code ServerError}).
   */
  public static ResponsePredicate statusClass(StatusClass statusClass) {
    requireNonNull(statusClass, "statusClass");
    return leaf("Status(" + statusClass + ")", false, r -> statusClass.contains(r.status()));
  }

  private static int checkCode(int code) {
    if (code < 100 || code > 599) {
      throw new ConfigurationException("status: " + code + " (expected: 100..599)");
    }
    return code;
  }

  /** A header field passes {@code operation} (YAML {@code Header: {name: ...}}). */
  public static ResponsePredicate header(Operation operation) {
    requireNonNull(operation, "operation");
    return leaf(
        "Header(" + operation + ")", false, r -> operation.test(r.headers().all(operation.name())));
  }

  /** Shorthand for {@code header(Operation.eq(name, value))}. */
  public static ResponsePredicate header(String name, String value) {
    return header(Operation.eq(name, value));
  }

  /**
   * The body is at most {@code maxBytes} long (YAML {@code Body: {limit: 1048576}}).
   *
   * @throws ConfigurationException if negative
   */
  public static ResponsePredicate bodyLimit(long maxBytes) {
    if (maxBytes < 0) {
      throw new ConfigurationException("body limit: " + maxBytes + " (expected: >= 0)");
    }
    return leaf(
        "Body(limit " + maxBytes + ")", true, r -> BodyChecks.withinLimit(r.body(), maxBytes));
  }

  /** The body contains {@code text} in UTF-8 (YAML {@code Body: {contains: text}}). */
  public static ResponsePredicate bodyContains(String text) {
    byte[] needle = requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8);
    return leaf("Body(contains " + text + ")", true, r -> BodyChecks.contains(r.body(), needle));
  }

  /**
   * The body, as UTF-8 text, matches {@code regex} somewhere (YAML {@code Body: {regex: ...}}).
   *
   * @throws ConfigurationException if the regex does not compile
   */
  public static ResponsePredicate bodyRegex(String regex) {
    Pattern p = Regexes.compile("body regex", requireNonNull(regex, "regex"));
    return leaf("Body(regex " + regex + ")", true, r -> BodyChecks.matches(r.body(), p));
  }

  /**
   * The body is JSON and the jq {@code expression} yields only true values (YAML {@code Body: {jq:
   * 'length > 0'}}). A body that is not JSON, or an expression that fails on it, does not pass.
   *
   * @throws ConfigurationException if the expression does not parse
   */
  public static ResponsePredicate bodyJq(String expression) {
    Jq jq = Jq.compile("body jq", requireNonNull(expression, "expression"));
    return leaf("Body(jq " + expression + ")", true, r -> BodyChecks.jq(r.body(), jq));
  }

  /** Passes every response. */
  public static ResponsePredicate always() {
    return leaf("Always", false, r -> true);
  }

  /** Adapts a predicate of any kind; it sees the body as the integration gave it. */
  public static ResponsePredicate of(CachePredicate<? super HttpResponse> predicate) {
    requireNonNull(predicate, "predicate");
    if (predicate instanceof ResponsePredicate p) {
      return p;
    }
    return new ResponsePredicate(predicate.toString()) {
      @Override
      boolean readsBody() {
        return false;
      }

      @Override
      public CompletionStage<Boolean> test(HttpResponse subject) {
        return predicate.test(subject);
      }
    };
  }

  // ---------------------------------------------------------------- combinators

  /** Passes when every one of {@code predicates} passes (none: always); stops at the first no. */
  @SafeVarargs
  public static ResponsePredicate allOf(CachePredicate<? super HttpResponse>... predicates) {
    return allOf(listOf(predicates));
  }

  /** Passes when every one of {@code predicates} passes (none: always); stops at the first no. */
  public static ResponsePredicate allOf(
      List<? extends CachePredicate<? super HttpResponse>> predicates) {
    List<ResponsePredicate> ps = adapt(predicates);
    if (ps.size() == 1) {
      return ps.get(0);
    }
    return combined("And" + ps, ps, r -> Combinators.all(ps, r, 0));
  }

  /** Passes when any of {@code predicates} passes (none: never); stops at the first yes. */
  @SafeVarargs
  public static ResponsePredicate anyOf(CachePredicate<? super HttpResponse>... predicates) {
    return anyOf(listOf(predicates));
  }

  /** Passes when any of {@code predicates} passes (none: never); stops at the first yes. */
  public static ResponsePredicate anyOf(
      List<? extends CachePredicate<? super HttpResponse>> predicates) {
    List<ResponsePredicate> ps = adapt(predicates);
    if (ps.size() == 1) {
      return ps.get(0);
    }
    return combined("Or" + ps, ps, r -> Combinators.any(ps, r, 0));
  }

  /** Passes when {@code predicate} does not (YAML {@code Not: {...}}). */
  public static ResponsePredicate not(CachePredicate<? super HttpResponse> predicate) {
    ResponsePredicate p = of(predicate);
    return combined("Not(" + p + ")", List.of(p), r -> p.test(r).thenApply(ok -> !ok));
  }

  /** Passes when this and {@code other} pass; {@code other} is not consulted if this fails. */
  @Override
  public ResponsePredicate and(CachePredicate<? super HttpResponse> other) {
    return allOf(List.of(this, of(requireNonNull(other, "other"))));
  }

  /** Passes when this or {@code other} passes; {@code other} is not consulted if this passes. */
  @Override
  public ResponsePredicate or(CachePredicate<? super HttpResponse> other) {
    return anyOf(List.of(this, of(requireNonNull(other, "other"))));
  }

  /** Passes when this does not. */
  @Override
  public ResponsePredicate negate() {
    return not(this);
  }

  /** Starts a builder whose predicates are joined with And. */
  public static Builder builder() {
    return new Builder();
  }

  /** A readable form, e.g. {@code And[Status(SUCCESS), Header(content-type contains json)]}. */
  @Override
  public String toString() {
    return description;
  }

  @SafeVarargs
  private static List<CachePredicate<? super HttpResponse>> listOf(
      CachePredicate<? super HttpResponse>... predicates) {
    requireNonNull(predicates, "predicates");
    List<CachePredicate<? super HttpResponse>> list = new ArrayList<>(predicates.length);
    for (CachePredicate<? super HttpResponse> p : predicates) {
      list.add(p);
    }
    return list;
  }

  private static List<ResponsePredicate> adapt(
      List<? extends CachePredicate<? super HttpResponse>> predicates) {
    List<ResponsePredicate> out = new ArrayList<>(predicates.size());
    for (CachePredicate<? super HttpResponse> p : predicates) {
      out.add(of(requireNonNull(p, "predicate")));
    }
    return List.copyOf(out);
  }

  private static ResponsePredicate combined(
      String description,
      List<ResponsePredicate> children,
      java.util.function.Function<HttpResponse, CompletionStage<Boolean>> test) {
    boolean body = children.stream().anyMatch(ResponsePredicate::readsBody);
    return new ResponsePredicate(description) {
      @Override
      boolean readsBody() {
        return body;
      }

      @Override
      public CompletionStage<Boolean> test(HttpResponse subject) {
        return test.apply(subject);
      }
    };
  }

  private static ResponsePredicate leaf(
      String description, boolean readsBody, Predicate<HttpResponse> test) {
    return new ResponsePredicate(description) {
      @Override
      boolean readsBody() {
        return readsBody;
      }

      @Override
      public CompletionStage<Boolean> test(HttpResponse subject) {
        return Combinators.of(test.test(subject));
      }
    };
  }

  /**
   * Builds a {@link ResponsePredicate} that passes when all its parts pass. Each method validates
   * at once, like the static factory of the same name. Not thread-safe.
   */
  public static final class Builder {
    private final List<ResponsePredicate> parts = new ArrayList<>();

    private Builder() {}

    /** Adds {@link ResponsePredicate#status}. */
    public Builder status(int code) {
      return add(ResponsePredicate.status(code));
    }

    /** Adds {@link ResponsePredicate#statusIn}. */
    public Builder statusIn(int... codes) {
      return add(ResponsePredicate.statusIn(codes));
    }

    /** Adds {@link ResponsePredicate#statusRange}. */
    public Builder statusRange(int from, int to) {
      return add(ResponsePredicate.statusRange(from, to));
    }

    /** Adds {@link ResponsePredicate#statusClass}. */
    public Builder statusClass(StatusClass statusClass) {
      return add(ResponsePredicate.statusClass(statusClass));
    }

    /** Adds {@link ResponsePredicate#header(Operation)}. */
    public Builder header(Operation operation) {
      return add(ResponsePredicate.header(operation));
    }

    /** Adds {@link ResponsePredicate#header(String, String)}. */
    public Builder header(String name, String value) {
      return add(ResponsePredicate.header(name, value));
    }

    /** Adds {@link ResponsePredicate#bodyLimit}. */
    public Builder bodyLimit(long maxBytes) {
      return add(ResponsePredicate.bodyLimit(maxBytes));
    }

    /** Adds {@link ResponsePredicate#bodyContains}. */
    public Builder bodyContains(String text) {
      return add(ResponsePredicate.bodyContains(text));
    }

    /** Adds {@link ResponsePredicate#bodyRegex}. */
    public Builder bodyRegex(String regex) {
      return add(ResponsePredicate.bodyRegex(regex));
    }

    /** Adds {@link ResponsePredicate#bodyJq}. */
    public Builder bodyJq(String expression) {
      return add(ResponsePredicate.bodyJq(expression));
    }

    /** Adds any predicate, e.g. an {@link ResponsePredicate#anyOf} tree. */
    public Builder and(CachePredicate<? super HttpResponse> predicate) {
      return add(of(predicate));
    }

    private Builder add(ResponsePredicate p) {
      parts.add(p);
      return this;
    }

    /** Makes the predicate: the And of everything added ({@link #always()} if nothing was). */
    public ResponsePredicate build() {
      return parts.isEmpty() ? always() : allOf(List.copyOf(parts));
    }
  }
}
