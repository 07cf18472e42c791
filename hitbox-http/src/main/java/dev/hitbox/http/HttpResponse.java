package dev.hitbox.http;

import static java.util.Objects.requireNonNull;

import dev.hitbox.core.spi.ValueCodec;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A neutral HTTP response: status, header fields and body. A response served from the cache has the
 * status, header fields (in order, names in their case) and body bytes the upstream sent, except
 * the hop-by-hop fields ({@code Connection}, {@code Keep-Alive}, {@code Transfer-Encoding} and the
 * like), plus the cache status fields {@link HttpCache} adds. Immutable (the body may be a stream
 * read once) and thread-safe.
 *
 * <pre>{@code
 * HttpResponse ok = HttpResponse.builder()
 *     .status(200)
 *     .header("Content-Type", "application/json")
 *     .body("{\"id\":42}")
 *     .build();
 * }</pre>
 */
public final class HttpResponse {
  private final int status;
  private final HttpHeaders headers;
  private final HttpBody body;

  /**
   * The request header values the response was selected by ({@code Vary}): alternating lower-case
   * names and values, {@code null} for a header the request did not have. Stored with the response
   * so that it only answers requests with the same values; never shown to users.
   */
  private final String @Nullable [] variant;

  /**
   * Whether this is the upstream's answer to a {@code HEAD} that the cache looked up as a {@code
   * GET}: its body is empty whatever its {@code Content-Length} says, so it is never stored nor
   * shared with callers of the {@code GET}. Never stored, never shown to users.
   */
  private final boolean headOnly;

  private HttpResponse(
      int status, HttpHeaders headers, HttpBody body, String @Nullable [] variant) {
    this(status, headers, body, variant, false);
  }

  private HttpResponse(
      int status,
      HttpHeaders headers,
      HttpBody body,
      String @Nullable [] variant,
      boolean headOnly) {
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.variant = variant;
    this.headOnly = headOnly;
  }

  /**
   * A response.
   *
   * @throws IllegalArgumentException if the status is not in {@code 100..599}
   */
  public static HttpResponse of(int status, HttpHeaders headers, HttpBody body) {
    return new HttpResponse(
        checkStatus(status),
        requireNonNull(headers, "headers"),
        requireNonNull(body, "body"),
        null);
  }

  /** Starts a builder for a {@code 200} response. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The codec that stores buffered responses: status, header fields in order and body bytes, in a
   * compact binary layout with format id 8. Hop-by-hop header fields are not stored; a response
   * whose body is a stream cannot be encoded.
   */
  public static ValueCodec<HttpResponse> codec() {
    return ResponseCodec.INSTANCE;
  }

  /** A builder that starts with this response's parts. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.status = status;
    b.headers = headers.toBuilder();
    b.body = body;
    return b;
  }

  /** The status code, {@code 100..599}. */
  public int status() {
    return status;
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
  public HttpResponse withHeaders(HttpHeaders headers) {
    return new HttpResponse(status, requireNonNull(headers, "headers"), body, variant, headOnly);
  }

  /** A copy with another body. */
  public HttpResponse withBody(HttpBody body) {
    return new HttpResponse(status, headers, requireNonNull(body, "body"), variant, headOnly);
  }

  String @Nullable [] variant() {
    return variant;
  }

  HttpResponse withVariant(String @Nullable [] variant) {
    return new HttpResponse(status, headers, body, variant, headOnly);
  }

  boolean headOnly() {
    return headOnly;
  }

  /** A copy marked as the answer to a {@code HEAD} (see {@link #headOnly}). */
  HttpResponse asHeadOnly() {
    return new HttpResponse(status, headers, body, variant, true);
  }

  /** Whether {@code o} has the same status, header fields and body. */
  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof HttpResponse r
        && status == r.status
        && headers.equals(r.headers)
        && body.equals(r.body);
  }

  @Override
  public int hashCode() {
    return Objects.hash(status, headers, body);
  }

  @Override
  public String toString() {
    return "HttpResponse{" + status + ", " + headers + ", " + body + '}';
  }

  static int checkStatus(int status) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status: " + status + " (expected: 100..599)");
    }
    return status;
  }

  /** Builds an {@link HttpResponse}; setters validate at once. Not thread-safe. */
  public static final class Builder {
    private int status = 200;
    private HttpHeaders.Builder headers = HttpHeaders.builder();
    private HttpBody body = HttpBody.empty();

    private Builder() {}

    /**
     * Sets the status (default 200).
     *
     * @throws IllegalArgumentException if not in {@code 100..599}
     */
    public Builder status(int status) {
      this.status = checkStatus(status);
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

    /** Makes the response. */
    public HttpResponse build() {
      return new HttpResponse(status, headers.build(), body, null);
    }
  }
}
