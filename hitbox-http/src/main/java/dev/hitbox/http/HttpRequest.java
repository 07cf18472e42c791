package dev.hitbox.http;

import static java.util.Objects.requireNonNull;

import dev.hitbox.http.internal.QueryString;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A neutral HTTP request: method, URI, header fields and body. Server and client integrations adapt
 * their own request types to it. Immutable (the body may be a stream read once) and thread-safe.
 *
 * <pre>{@code
 * HttpRequest request = HttpRequest.builder()
 *     .method("GET")
 *     .uri("/v1/authors/123/books/456?page=1")
 *     .header("Accept-Language", "en")
 *     .build();
 * }</pre>
 */
public final class HttpRequest {
  private final String method;
  private final URI uri;
  private final HttpHeaders headers;
  private final HttpBody body;
  private volatile @Nullable QueryString query;

  /**
   * What {@link HttpCache} noted about the client's request this one was made from ({@link
   * #HEAD_AS_GET}, {@link #NO_REUSE}); kept by {@code withHeaders} / {@code withBody}, not part of
   * equality, never shown to users.
   */
  private final int marks;

  /** A {@code HEAD} looked up as a {@code GET}: the method here is {@code GET}. */
  static final int HEAD_AS_GET = 1;

  /** The client asked not to be answered from the cache (request {@code no-cache}). */
  static final int NO_REUSE = 2;

  private HttpRequest(String method, URI uri, HttpHeaders headers, HttpBody body) {
    this(method, uri, headers, body, 0);
  }

  private HttpRequest(String method, URI uri, HttpHeaders headers, HttpBody body, int marks) {
    this.method = method;
    this.uri = uri;
    this.headers = headers;
    this.body = body;
    this.marks = marks;
  }

  /** Starts a builder for a {@code GET} request. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A {@code GET} request without header fields.
   *
   * @throws IllegalArgumentException if the URI does not parse
   */
  public static HttpRequest get(String uri) {
    return builder().uri(uri).build();
  }

  /** A builder that starts with this request's parts. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.method = method;
    b.uri = uri;
    b.headers = headers.toBuilder();
    b.body = body;
    return b;
  }

  /** The method, in upper case: {@code GET}, {@code POST}... */
  public String method() {
    return method;
  }

  /** The URI as given: origin form ({@code /a?b}) for servers, absolute for clients. */
  public URI uri() {
    return uri;
  }

  /** The raw (still percent-encoded) path; {@code /} when the URI has none. */
  public String path() {
    String p = uri.getRawPath();
    return p == null || p.isEmpty() ? "/" : p;
  }

  /** The raw (still percent-encoded) query string, or {@code null} when there is none. */
  public @Nullable String rawQuery() {
    return uri.getRawQuery();
  }

  /**
   * The decoded values of the query parameter {@code name}, in order; empty if absent. {@code
   * ?a=1&a=2} gives {@code [1, 2]}; {@code ?a} gives {@code [""]}.
   */
  public List<String> queryAll(String name) {
    requireNonNull(name, "name");
    return queryString().all(name);
  }

  /** The first decoded value of the query parameter {@code name}, or {@code null}. */
  public @Nullable String query(String name) {
    List<String> all = queryAll(name);
    return all.isEmpty() ? null : all.get(0);
  }

  /** The decoded names of the query parameters, distinct, in order of first appearance. */
  public List<String> queryNames() {
    return queryString().names();
  }

  private QueryString queryString() {
    QueryString q = query;
    if (q == null) {
      q = QueryString.parse(uri.getRawQuery());
      query = q;
    }
    return q;
  }

  /** The header fields. */
  public HttpHeaders headers() {
    return headers;
  }

  /** The body; {@link HttpBody#empty()} when there is none. */
  public HttpBody body() {
    return body;
  }

  /** A copy with other header fields. */
  public HttpRequest withHeaders(HttpHeaders headers) {
    return new HttpRequest(method, uri, requireNonNull(headers, "headers"), body, marks);
  }

  /** A copy with another body. */
  public HttpRequest withBody(HttpBody body) {
    return new HttpRequest(method, uri, headers, requireNonNull(body, "body"), marks);
  }

  boolean has(int mark) {
    return (marks & mark) != 0;
  }

  /** A copy with another method (upper case, checked by the caller) and marks. */
  HttpRequest with(String method, int marks) {
    return new HttpRequest(method, uri, headers, body, marks);
  }

  int marks() {
    return marks;
  }

  /** Whether {@code o} has the same method, URI, header fields and body. */
  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof HttpRequest r
        && method.equals(r.method)
        && uri.equals(r.uri)
        && headers.equals(r.headers)
        && body.equals(r.body);
  }

  @Override
  public int hashCode() {
    return Objects.hash(method, uri, headers, body);
  }

  @Override
  public String toString() {
    return "HttpRequest{" + method + ' ' + uri + ", " + headers + ", " + body + '}';
  }

  /** Builds an {@link HttpRequest}; setters validate at once. Not thread-safe. */
  public static final class Builder {
    private String method = "GET";
    private @Nullable URI uri;
    private HttpHeaders.Builder headers = HttpHeaders.builder();
    private HttpBody body = HttpBody.empty();

    private Builder() {}

    /**
     * Sets the method (default {@code GET}); it is kept in upper case.
     *
     * @throws IllegalArgumentException if it is not an HTTP token
     */
    public Builder method(String method) {
      this.method = checkMethod(method);
      return this;
    }

    /**
     * Sets the URI from its text, e.g. {@code /a/b?c=d} or {@code https://host/a}.
     *
     * @throws IllegalArgumentException if it does not parse
     */
    public Builder uri(String uri) {
      requireNonNull(uri, "uri");
      try {
        this.uri = new URI(uri);
      } catch (java.net.URISyntaxException e) {
        throw new IllegalArgumentException(
            "uri: \"" + uri + "\" (expected: a URI; " + e.getReason() + ")", e);
      }
      return this;
    }

    /** Sets the URI. */
    public Builder uri(URI uri) {
      this.uri = requireNonNull(uri, "uri");
      return this;
    }

    /**
     * Adds a header field.
     *
     * @throws IllegalArgumentException if the name or the value is not valid
     */
    public Builder header(String name, String value) {
      headers.add(name, value);
      return this;
    }

    /** Replaces all header fields. */
    public Builder headers(HttpHeaders headers) {
      this.headers = requireNonNull(headers, "headers").toBuilder();
      return this;
    }

    /** Sets the body (default none). */
    public Builder body(HttpBody body) {
      this.body = requireNonNull(body, "body");
      return this;
    }

    /** Sets the body to these bytes (copied). */
    public Builder body(byte[] body) {
      return body(HttpBody.ofBytes(body));
    }

    /** Sets the body to {@code text} in UTF-8. */
    public Builder body(String text) {
      return body(HttpBody.ofString(text));
    }

    /**
     * Makes the request.
     *
     * @throws IllegalStateException if no URI was set
     */
    public HttpRequest build() {
      URI u = uri;
      if (u == null) {
        throw new IllegalStateException("uri is not set (expected: a URI such as /path?query)");
      }
      return new HttpRequest(method, u, headers.build(), body);
    }

    private static String checkMethod(String method) {
      requireNonNull(method, "method");
      if (method.isEmpty()) {
        throw new IllegalArgumentException("method: \"\" (expected: a token such as GET)");
      }
      for (int i = 0; i < method.length(); i++) {
        char c = method.charAt(i);
        if (!isTchar(c)) {
          throw new IllegalArgumentException(
              "method: \"" + method + "\" (expected: a token such as GET)");
        }
      }
      return method.toUpperCase(java.util.Locale.ROOT);
    }
  }

  static boolean isTchar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }
}
