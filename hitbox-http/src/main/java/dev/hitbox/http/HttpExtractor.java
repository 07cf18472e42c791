package dev.hitbox.http;

import static java.util.Objects.requireNonNull;

import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.KeyPart;
import dev.hitbox.core.spi.KeyExtractor;
import dev.hitbox.http.internal.Hashing;
import dev.hitbox.http.internal.Jq;
import dev.hitbox.http.internal.PathPattern;
import dev.hitbox.http.internal.Regexes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds cache key parts from a request: method, path parameters, query parameters, header fields
 * and body. Extractors chain with {@link #and} (or a {@link #builder()}): their parts, in order,
 * make one key. {@link #transform} hashes or changes the case of an extractor's values. Immutable
 * and thread-safe.
 *
 * <pre>{@code
 * HttpExtractor key = HttpExtractor.builder()
 *     .path("/v1/authors/{author_id}/books/{book_id}")
 *     .query("page")
 *     .header("Accept-Language")
 *     .build();
 * // GET /v1/authors/123/books/456?page=1, Accept-Language: en
 * //   -> author_id=123, book_id=456, page=1, Accept-Language=en
 * }</pre>
 *
 * <p>What is absent adds no part: a missing query parameter or header field, a jq expression with
 * no output, a body regex that does not match. Body extractors need the body in memory: {@link
 * HttpCache} reads it up to its request body limit and does not cache a request whose body is over
 * it.
 */
public abstract class HttpExtractor implements KeyExtractor<HttpRequest> {
  private final String description;

  HttpExtractor(String description) {
    this.description = description;
  }

  /** This extractor's parts, computed at once. */
  abstract List<KeyPart> parts(HttpRequest request);

  /** Whether this needs the body in memory. */
  abstract boolean readsBody();

  /** Whether {@link #parts} answers at once (false for adapted asynchronous extractors). */
  boolean sync() {
    return true;
  }

  @Override
  public CompletionStage<List<KeyPart>> extract(HttpRequest request) {
    return CompletableFuture.completedFuture(parts(requireNonNull(request, "request")));
  }

  // ---------------------------------------------------------------- leaves

  /** The method, as part {@code method} (YAML {@code Method:}). */
  public static HttpExtractor method() {
    return leaf("Method", false, r -> List.of(KeyPart.of("method", r.method())));
  }

  /**
   * The whole URI as given, as part {@code uri}: path and query for servers, and scheme and host
   * too for clients. {@link HttpCache} uses it when no extractor is set.
   */
  public static HttpExtractor uri() {
    return leaf("Uri", false, r -> List.of(KeyPart.of("uri", r.uri().toString())));
  }

  /**
   * The host, as part {@code host}: the URI's authority when it has one (clients), else the {@code
   * Host} header (servers), in lower case; nothing if neither is known.
   */
  public static HttpExtractor host() {
    return leaf(
        "Host",
        false,
        r -> {
          String h = r.uri().getRawAuthority();
          if (h == null) {
            h = r.headers().first("Host");
          }
          return h == null ? List.of() : List.of(KeyPart.of("host", h.toLowerCase(Locale.ROOT)));
        });
  }

  /**
   * The {@code {param}} values of the path, one part each named after its placeholder (YAML {@code
   * Path: "/v1/authors/{author_id}"}). A path that does not match gives one part {@code path} with
   * the whole raw path, so requests for other paths never share a key.
   *
   * @throws ConfigurationException if the pattern is not valid
   */
  public static HttpExtractor path(String pattern) {
    PathPattern p = PathPattern.compile(requireNonNull(pattern, "pattern"));
    return leaf(
        "Path(" + pattern + ")",
        false,
        r -> {
          Map<String, String> params = p.match(r.path());
          if (params == null) {
            return List.of(KeyPart.of("path", r.path()));
          }
          List<KeyPart> parts = new ArrayList<>(params.size());
          params.forEach((k, v) -> parts.add(KeyPart.of(k, v)));
          return parts;
        });
  }

  /**
   * The decoded values of query parameter {@code name}, one part each named {@code name} (YAML
   * {@code Query: page}).
   */
  public static HttpExtractor query(String name) {
    checkName("query", name);
    return leaf(
        "Query(" + name + ")",
        false,
        r -> {
          List<String> values = r.queryAll(name);
          List<KeyPart> parts = new ArrayList<>(values.size());
          for (String v : values) {
            parts.add(KeyPart.of(name, v));
          }
          return parts;
        });
  }

  /**
   * Every query parameter whose name starts with {@code prefix}, sorted by name (YAML {@code Query:
   * {starts: utm_}}).
   */
  public static HttpExtractor queryPrefix(String prefix) {
    checkName("query prefix", prefix);
    return leaf(
        "Query(starts " + prefix + ")",
        false,
        r -> {
          List<String> names = new ArrayList<>();
          for (String n : r.queryNames()) {
            if (n.startsWith(prefix)) {
              names.add(n);
            }
          }
          names.sort(Comparator.naturalOrder());
          List<KeyPart> parts = new ArrayList<>();
          for (String n : names) {
            for (String v : r.queryAll(n)) {
              parts.add(KeyPart.of(n, v));
            }
          }
          return parts;
        });
  }

  /**
   * The values of header field {@code name}, one part each named {@code name} as given here (YAML
   * {@code Header: Accept-Language}).
   */
  public static HttpExtractor header(String name) {
    checkName("header", name);
    return leaf(
        "Header(" + name + ")",
        false,
        r -> {
          List<String> values = r.headers().all(name);
          List<KeyPart> parts = new ArrayList<>(values.size());
          for (String v : values) {
            parts.add(KeyPart.of(name, v));
          }
          return parts;
        });
  }

  /**
   * What {@code valueRegex} finds in each value of header field {@code name} (YAML {@code Header:
   * {name: Authorization, value: "Bearer (.+)"}}): one part per named group {@code (?<name>...)},
   * else group 1 as part {@code name}, else the whole match. A value the regex does not match is
   * taken whole, so that different values never share a key; add {@link Transform#HASH} for
   * secrets.
   *
   * @throws ConfigurationException if the regex does not compile
   */
  public static HttpExtractor header(String name, String valueRegex) {
    checkName("header", name);
    Pattern p = Regexes.compile("header " + name + " value", requireNonNull(valueRegex, "regex"));
    List<String> groups = Regexes.groupNames(p);
    return leaf(
        "Header(" + name + " ~ /" + valueRegex + "/)",
        false,
        r -> {
          List<KeyPart> parts = new ArrayList<>();
          for (String v : r.headers().all(name)) {
            Matcher m = p.matcher(v);
            if (!m.find()) {
              parts.add(KeyPart.of(name, v));
            } else {
              captured(m, groups, name, parts);
            }
          }
          return parts;
        });
  }

  /**
   * Every header field whose name starts with {@code prefix} (ignoring case), one part per value
   * named by the lower-case header name, sorted by name (YAML {@code Header: {starts: x-custom-}}).
   */
  public static HttpExtractor headerPrefix(String prefix) {
    checkName("header prefix", prefix);
    String lower = prefix.toLowerCase(Locale.ROOT);
    return leaf(
        "Header(starts " + prefix + ")",
        false,
        r -> {
          List<String> names = new ArrayList<>();
          for (String n : r.headers().names()) {
            String l = n.toLowerCase(Locale.ROOT);
            if (l.startsWith(lower)) {
              names.add(l);
            }
          }
          names.sort(Comparator.naturalOrder());
          List<KeyPart> parts = new ArrayList<>();
          for (String n : names) {
            for (String v : r.headers().all(n)) {
              parts.add(KeyPart.of(n, v));
            }
          }
          return parts;
        });
  }

  /**
   * The SHA-256 of the whole body, as part {@code body} (YAML {@code Body: {hash: true}}).
   *
   * <p>Throws {@link IllegalStateException} from {@link #extract} if the body is not buffered.
   */
  public static HttpExtractor bodyHash() {
    return leaf("Body(hash)", true, r -> List.of(KeyPart.of("body", Hashing.sha256(buffered(r)))));
  }

  /**
   * The outputs of the jq {@code expression} on the JSON body, one part each named by the
   * expression (YAML {@code Body: {jq: ".user.id"}}): a string's text, any other value's compact
   * JSON; {@code null} outputs are dropped. Besides jq's builtins, {@code hash} gives the SHA-256
   * of its input: {@code .query | hash}. A body that is not JSON adds no part.
   *
   * @throws ConfigurationException if the expression does not parse
   */
  public static HttpExtractor bodyJq(String expression) {
    Jq jq = Jq.compile("body jq", requireNonNull(expression, "expression"));
    return leaf(
        "Body(jq " + expression + ")",
        true,
        r -> {
          List<KeyPart> parts = new ArrayList<>(1);
          for (String v : jq.values(buffered(r))) {
            parts.add(KeyPart.of(expression, v));
          }
          return parts;
        });
  }

  /**
   * What {@code regex} first finds in the body as UTF-8 text (YAML {@code Body: {regex:
   * "(?<user>u\\d+)"}}): one part per named group, else group 1, else the whole match, as part
   * {@code body}. A body it does not match adds no part.
   *
   * @throws ConfigurationException if the regex does not compile
   */
  public static HttpExtractor bodyRegex(String regex) {
    Pattern p = Regexes.compile("body regex", requireNonNull(regex, "regex"));
    List<String> groups = Regexes.groupNames(p);
    return leaf(
        "Body(regex " + regex + ")",
        true,
        r -> {
          Matcher m = p.matcher(new String(buffered(r), java.nio.charset.StandardCharsets.UTF_8));
          List<KeyPart> parts = new ArrayList<>();
          if (m.find()) {
            captured(m, groups, "body", parts);
          }
          return parts;
        });
  }

  /** An extractor from a function of the request (it sees the body as the integration gave it). */
  public static HttpExtractor of(KeyExtractor<? super HttpRequest> extractor) {
    requireNonNull(extractor, "extractor");
    if (extractor instanceof HttpExtractor e) {
      return e;
    }
    return new Custom(extractor);
  }

  private static void captured(Matcher m, List<String> groups, String name, List<KeyPart> out) {
    if (!groups.isEmpty()) {
      for (String g : groups) {
        String v = m.group(g);
        if (v != null) {
          out.add(KeyPart.of(g, v));
        }
      }
    } else if (m.groupCount() >= 1) {
      String v = m.group(1);
      out.add(KeyPart.of(name, v == null ? "" : v));
    } else {
      out.add(KeyPart.of(name, m.group()));
    }
  }

  private static byte[] buffered(HttpRequest r) {
    HttpBody body = r.body();
    if (!body.isBuffered()) {
      throw new IllegalStateException(
          "body is a stream, not buffered (expected: read with HttpBody.readUpTo first)");
    }
    return body.buffer();
  }

  private static void checkName(String what, String name) {
    requireNonNull(name, what);
    if (name.isEmpty()) {
      throw new ConfigurationException(what + ": \"\" (expected: a name)");
    }
  }

  // ---------------------------------------------------------------- composition

  /**
   * This extractor with {@code transforms} applied, in order, to each of its values (YAML {@code
   * transforms: [hash]}).
   */
  public HttpExtractor transform(Transform... transforms) {
    requireNonNull(transforms, "transforms");
    if (transforms.length == 0) {
      return this;
    }
    List<Transform> ts = List.copyOf(Arrays.asList(transforms));
    HttpExtractor inner = this;
    return new HttpExtractor(description + ts) {
      @Override
      List<KeyPart> parts(HttpRequest request) {
        return apply(inner.parts(request), ts);
      }

      @Override
      boolean readsBody() {
        return inner.readsBody();
      }

      @Override
      boolean sync() {
        return inner.sync();
      }

      @Override
      public CompletionStage<List<KeyPart>> extract(HttpRequest request) {
        return inner.extract(request).thenApply(parts -> apply(parts, ts));
      }
    };
  }

  private static List<KeyPart> apply(List<KeyPart> parts, List<Transform> ts) {
    List<KeyPart> out = new ArrayList<>(parts.size());
    for (KeyPart p : parts) {
      String v = p.value();
      for (Transform t : ts) {
        v = t.apply(v);
      }
      out.add(KeyPart.of(p.name(), v));
    }
    return out;
  }

  /** This extractor's parts followed by {@code next}'s. */
  @Override
  public HttpExtractor and(KeyExtractor<? super HttpRequest> next) {
    return chain(List.of(this, of(requireNonNull(next, "next"))));
  }

  /** The parts of each of {@code extractors}, in order, as one key. */
  public static HttpExtractor chain(List<? extends KeyExtractor<? super HttpRequest>> extractors) {
    List<HttpExtractor> all = new ArrayList<>();
    for (KeyExtractor<? super HttpRequest> e : extractors) {
      HttpExtractor h = of(requireNonNull(e, "extractor"));
      if (h instanceof Chain c) {
        all.addAll(c.links);
      } else {
        all.add(h);
      }
    }
    return all.size() == 1 ? all.get(0) : new Chain(List.copyOf(all));
  }

  /** Starts a builder whose extractors are chained in the order they are added. */
  public static Builder builder() {
    return new Builder();
  }

  /** A readable form, e.g. {@code [Path(/a/{id}), Query(page)]}. */
  @Override
  public String toString() {
    return description;
  }

  private static HttpExtractor leaf(
      String description, boolean readsBody, Function<HttpRequest, List<KeyPart>> parts) {
    return new HttpExtractor(description) {
      @Override
      List<KeyPart> parts(HttpRequest request) {
        return parts.apply(request);
      }

      @Override
      boolean readsBody() {
        return readsBody;
      }
    };
  }

  private static final class Custom extends HttpExtractor {
    private final KeyExtractor<? super HttpRequest> delegate;

    Custom(KeyExtractor<? super HttpRequest> delegate) {
      super(delegate.toString());
      this.delegate = delegate;
    }

    @Override
    List<KeyPart> parts(HttpRequest request) {
      return delegate.extract(request).toCompletableFuture().join();
    }

    @Override
    boolean sync() {
      return false;
    }

    @Override
    boolean readsBody() {
      return false;
    }

    @Override
    public CompletionStage<List<KeyPart>> extract(HttpRequest request) {
      return delegate.extract(request);
    }
  }

  private static final class Chain extends HttpExtractor {
    private final List<HttpExtractor> links;

    Chain(List<HttpExtractor> links) {
      super(links.toString());
      this.links = links;
    }

    @Override
    List<KeyPart> parts(HttpRequest request) {
      List<KeyPart> out = new ArrayList<>();
      for (HttpExtractor e : links) {
        out.addAll(e.parts(request));
      }
      return out;
    }

    @Override
    boolean readsBody() {
      return links.stream().anyMatch(HttpExtractor::readsBody);
    }

    @Override
    boolean sync() {
      return links.stream().allMatch(HttpExtractor::sync);
    }

    @Override
    public CompletionStage<List<KeyPart>> extract(HttpRequest request) {
      if (sync()) {
        return super.extract(request);
      }
      CompletionStage<List<KeyPart>> acc = CompletableFuture.completedFuture(List.of());
      for (HttpExtractor e : links) {
        acc =
            acc.thenCompose(
                sofar ->
                    e.extract(request)
                        .thenApply(
                            more -> {
                              List<KeyPart> all = new ArrayList<>(sofar);
                              all.addAll(more);
                              return all;
                            }));
      }
      return acc;
    }
  }

  /**
   * Builds an {@link HttpExtractor} chain; each method validates at once like the static factory of
   * the same name, and takes optional {@link Transform}s for its values. Not thread-safe.
   */
  public static final class Builder {
    private final List<HttpExtractor> links = new ArrayList<>();

    private Builder() {}

    /** Adds {@link HttpExtractor#method()}. */
    public Builder method() {
      return add(HttpExtractor.method());
    }

    /** Adds {@link HttpExtractor#uri()}. */
    public Builder uri() {
      return add(HttpExtractor.uri());
    }

    /** Adds {@link HttpExtractor#host()}. */
    public Builder host() {
      return add(HttpExtractor.host());
    }

    /** Adds {@link HttpExtractor#path}. */
    public Builder path(String pattern, Transform... transforms) {
      return add(HttpExtractor.path(pattern).transform(transforms));
    }

    /** Adds {@link HttpExtractor#query}. */
    public Builder query(String name, Transform... transforms) {
      return add(HttpExtractor.query(name).transform(transforms));
    }

    /** Adds {@link HttpExtractor#queryPrefix}. */
    public Builder queryPrefix(String prefix, Transform... transforms) {
      return add(HttpExtractor.queryPrefix(prefix).transform(transforms));
    }

    /** Adds {@link HttpExtractor#header(String)}. */
    public Builder header(String name, Transform... transforms) {
      return add(HttpExtractor.header(name).transform(transforms));
    }

    /** Adds {@link HttpExtractor#header(String, String)}. */
    public Builder header(String name, String valueRegex, Transform... transforms) {
      return add(HttpExtractor.header(name, valueRegex).transform(transforms));
    }

    /** Adds {@link HttpExtractor#headerPrefix}. */
    public Builder headerPrefix(String prefix, Transform... transforms) {
      return add(HttpExtractor.headerPrefix(prefix).transform(transforms));
    }

    /** Adds {@link HttpExtractor#bodyHash()}. */
    public Builder bodyHash() {
      return add(HttpExtractor.bodyHash());
    }

    /** Adds {@link HttpExtractor#bodyJq}. */
    public Builder bodyJq(String expression, Transform... transforms) {
      return add(HttpExtractor.bodyJq(expression).transform(transforms));
    }

    /** Adds {@link HttpExtractor#bodyRegex}. */
    public Builder bodyRegex(String regex, Transform... transforms) {
      return add(HttpExtractor.bodyRegex(regex).transform(transforms));
    }

    /** Adds any extractor. */
    public Builder and(KeyExtractor<? super HttpRequest> extractor) {
      return add(of(extractor));
    }

    private Builder add(HttpExtractor e) {
      links.add(e);
      return this;
    }

    /**
     * Makes the chain.
     *
     * @throws ConfigurationException if nothing was added
     */
    public HttpExtractor build() {
      if (links.isEmpty()) {
        throw new ConfigurationException(
            "extractors: [] (expected: at least one, e.g. Path or Query)");
      }
      return chain(links);
    }
  }
}
