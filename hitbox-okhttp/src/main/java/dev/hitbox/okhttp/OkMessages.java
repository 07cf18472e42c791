package dev.hitbox.okhttp;

import dev.hitbox.http.HttpBody;
import dev.hitbox.http.HttpHeaders;
import dev.hitbox.http.HttpRequest;
import dev.hitbox.http.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.Okio;
import org.jspecify.annotations.Nullable;

/** Conversions between OkHttp's messages and Hitbox's neutral ones. */
final class OkMessages {
  private static final Map<Integer, String> REASONS =
      Map.ofEntries(
          Map.entry(200, "OK"),
          Map.entry(201, "Created"),
          Map.entry(202, "Accepted"),
          Map.entry(203, "Non-Authoritative Information"),
          Map.entry(204, "No Content"),
          Map.entry(300, "Multiple Choices"),
          Map.entry(301, "Moved Permanently"),
          Map.entry(302, "Found"),
          Map.entry(304, "Not Modified"),
          Map.entry(307, "Temporary Redirect"),
          Map.entry(308, "Permanent Redirect"),
          Map.entry(404, "Not Found"),
          Map.entry(405, "Method Not Allowed"),
          Map.entry(410, "Gone"),
          Map.entry(414, "URI Too Long"),
          Map.entry(501, "Not Implemented"));

  private OkMessages() {}

  /**
   * The neutral form of an OkHttp request. The body is read (written into memory) only if the cache
   * reads it; {@code Content-Type} comes from the body when the header fields lack it.
   *
   * @throws IllegalArgumentException if a header field is not valid in the neutral model
   */
  static HttpRequest request(Request r) {
    HttpRequest.Builder b = HttpRequest.builder().method(r.method()).uri(r.url().uri());
    Headers h = r.headers();
    for (int i = 0; i < h.size(); i++) {
      b.header(h.name(i), h.value(i));
    }
    RequestBody body = r.body();
    if (body != null) {
      MediaType type = body.contentType();
      if (type != null && h.get("Content-Type") == null) {
        b.header("Content-Type", type.toString());
      }
      b.body(body(body));
    }
    return b.build();
  }

  private static HttpBody body(RequestBody body) {
    long length;
    try {
      length = body.contentLength();
    } catch (IOException e) {
      length = -1;
    }
    return length == 0
        ? HttpBody.empty()
        : HttpBody.ofInputStream(new RequestBodyStream(body), Math.max(-1, length));
  }

  /**
   * The neutral form of an OkHttp response: its body streams from the connection; a response that
   * has no body ({@code HEAD}, {@code 204}, {@code 304}) is closed at once.
   *
   * @throws IOException if reading the body's length fails
   * @throws IllegalArgumentException if the status or a header field is not valid in the model
   */
  static HttpResponse response(Response r, String method) throws IOException {
    HttpHeaders.Builder h = HttpHeaders.builder();
    Headers headers = r.headers();
    for (int i = 0; i < headers.size(); i++) {
      h.add(headers.name(i), headers.value(i));
    }
    int status = r.code();
    ResponseBody body = r.body();
    long length = body.contentLength();
    HttpBody b;
    if (method.equals("HEAD") || status < 200 || status == 204 || status == 304 || length == 0) {
      body.close();
      b = HttpBody.empty();
    } else {
      b = HttpBody.ofInputStream(body.byteStream(), Math.max(-1, length));
    }
    return HttpResponse.of(status, h.build(), b);
  }

  /** OkHttp header fields of neutral ones, values as they are (OkHttp checks only names then). */
  static Headers headers(HttpHeaders headers) {
    Headers.Builder b = new Headers.Builder();
    for (int i = 0; i < headers.size(); i++) {
      b.addUnsafeNonAscii(headers.name(i), headers.value(i));
    }
    return b.build();
  }

  /** An OkHttp body of a neutral one: its bytes, or its stream. */
  static ResponseBody body(HttpBody body, @Nullable String contentType) {
    MediaType type = contentType == null ? null : MediaType.parse(contentType);
    if (body.isBuffered()) {
      return ResponseBody.create(body.bytes(), type);
    }
    return ResponseBody.create(Okio.buffer(Okio.source(body.inputStream())), type, body.length());
  }

  /** The reason phrase of a status OkHttp did not give us (a response from the cache). */
  static String reason(int status) {
    return REASONS.getOrDefault(status, "");
  }

  /**
   * A request body as a stream, written into memory on the first read. OkHttp bodies that are not
   * one-shot may be written again, so the body still reaches the server whole.
   */
  private static final class RequestBodyStream extends InputStream {
    private final RequestBody body;
    private @Nullable InputStream in;

    RequestBodyStream(RequestBody body) {
      this.body = body;
    }

    private InputStream in() throws IOException {
      InputStream s = in;
      if (s == null) {
        Buffer buffer = new Buffer();
        body.writeTo(buffer);
        s = buffer.inputStream();
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
  }
}
