package dev.hitbox.servlet;

import dev.hitbox.http.HttpBody;
import dev.hitbox.http.HttpHeaders;
import dev.hitbox.http.HttpRequest;
import dev.hitbox.http.HttpResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Enumeration;
import org.jspecify.annotations.Nullable;

/** Conversions between the Servlet API and the neutral HTTP model. */
final class Servlets {
  private Servlets() {}

  /**
   * A servlet request as the cache sees it, and the lazy stream its body reads from.
   *
   * @param request the neutral request
   * @param body the servlet body as the cache was given it
   * @param input the stream under {@code body}, touched only if the cache reads the body
   * @param hasBody whether the request announces a body
   */
  record Converted(HttpRequest request, HttpBody body, LazyInput input, boolean hasBody) {}

  /**
   * Converts the request line and header fields; the body stays in the servlet request until
   * somebody reads it. {@code null} when they do not fit the neutral model (a URI that does not
   * parse, an invalid header field): such a request passes through.
   */
  static @Nullable Converted toHttpRequest(HttpServletRequest request) {
    try {
      String uri = request.getRequestURI();
      String query = request.getQueryString();
      HttpHeaders.Builder headers = HttpHeaders.builder();
      Enumeration<String> names = request.getHeaderNames();
      while (names != null && names.hasMoreElements()) {
        String name = names.nextElement();
        Enumeration<String> values = request.getHeaders(name);
        while (values.hasMoreElements()) {
          headers.add(name, values.nextElement());
        }
      }
      long length = request.getContentLengthLong();
      boolean hasBody =
          length > 0 || (length < 0 && request.getHeader("Transfer-Encoding") != null);
      LazyInput input = new LazyInput(request);
      HttpBody body = hasBody ? HttpBody.ofInputStream(input, length) : HttpBody.empty();
      HttpRequest r =
          HttpRequest.builder()
              .method(request.getMethod())
              .uri(new URI(query == null ? uri : uri + '?' + query))
              .headers(headers.build())
              .body(body)
              .build();
      return new Converted(r, body, input, hasBody);
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }

  /** Writes a whole response to the client: status, header fields, body. */
  static void write(HttpResponse r, HttpServletResponse response, boolean head) throws IOException {
    response.setStatus(r.status());
    HttpHeaders h = r.headers();
    for (int i = 0; i < h.size(); i++) {
      response.addHeader(h.name(i), h.value(i));
    }
    HttpBody body = r.body();
    if (!body.isBuffered()) {
      try (InputStream in = body.inputStream()) {
        in.transferTo(response.getOutputStream());
      }
      return;
    }
    int s = r.status();
    if (!head && !h.contains("Content-Length") && s >= 200 && s != 204 && s != 304) {
      response.setContentLengthLong(body.length());
    }
    if (body.length() > 0) {
      // A buffered body's stream reads its bytes in place (no copy) and writes them at once.
      body.inputStream().transferTo(response.getOutputStream());
    }
  }

  /** The servlet request's body stream, opened on first read. */
  static final class LazyInput extends InputStream {
    private final HttpServletRequest request;
    private @Nullable InputStream in;

    LazyInput(HttpServletRequest request) {
      this.request = request;
    }

    /** Whether anybody has read from (or closed) the stream. */
    synchronized boolean touched() {
      return in != null;
    }

    private synchronized InputStream in() throws IOException {
      InputStream s = in;
      if (s == null) {
        s = request.getInputStream();
        in = s;
      }
      return s;
    }

    @Override
    public int read() throws IOException {
      return in().read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return in().read(b, off, len);
    }

    @Override
    public int available() throws IOException {
      return in().available();
    }

    @Override
    public void close() throws IOException {
      // The container owns the servlet stream; closing it here would only stop the application.
    }
  }
}
