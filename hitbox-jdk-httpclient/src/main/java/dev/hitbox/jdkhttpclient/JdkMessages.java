package dev.hitbox.jdkhttpclient;

import dev.hitbox.http.HttpBody;
import dev.hitbox.http.HttpHeaders;
import dev.hitbox.http.HttpRequest;
import dev.hitbox.http.HttpResponse;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Flow;

/** Conversions between the JDK client's messages and Hitbox's neutral ones. */
final class JdkMessages {
  private JdkMessages() {}

  /**
   * The neutral form of a JDK request. Its body is the request's {@code BodyPublisher} itself,
   * unread: the cache subscribes to it only if a predicate or extractor needs the bytes.
   *
   * @throws IllegalArgumentException if a header field is not valid in the neutral model
   */
  static HttpRequest request(java.net.http.HttpRequest r) {
    HttpRequest.Builder b = HttpRequest.builder().method(r.method()).uri(r.uri());
    r.headers().map().forEach((name, values) -> values.forEach(v -> b.header(name, v)));
    b.body(r.bodyPublisher().map(JdkMessages::body).orElse(HttpBody.empty()));
    return b.build();
  }

  private static HttpBody body(BodyPublisher publisher) {
    long length = publisher.contentLength();
    return length == 0 ? HttpBody.empty() : HttpBody.ofPublisher(publisher, Math.max(-1, length));
  }

  /** A body publisher of a body the cache has read: its bytes, or what it read and the rest. */
  static BodyPublisher publisher(HttpBody body) {
    if (body.isBuffered()) {
      return body.length() == 0
          ? BodyPublishers.noBody()
          : BodyPublishers.ofByteArray(body.bytes());
    }
    long length = body.length();
    Flow.Publisher<java.nio.ByteBuffer> p = body.publisher();
    if (length == 0) {
      return BodyPublishers.noBody();
    }
    return length > 0 ? BodyPublishers.fromPublisher(p, length) : BodyPublishers.fromPublisher(p);
  }

  /**
   * The neutral form of a JDK response whose body is {@code stream}. Pseudo-header fields (names
   * starting with {@code :}) are left out.
   *
   * @param method the request's method: a {@code HEAD} response has no body whatever its {@code
   *     Content-Length} says
   * @throws IllegalArgumentException if the status or a header field is not valid in the model
   */
  static HttpResponse response(
      java.net.http.HttpResponse<?> r, String method, Flow.Publisher<java.nio.ByteBuffer> stream) {
    HttpHeaders.Builder h = HttpHeaders.builder();
    r.headers()
        .map()
        .forEach(
            (name, values) -> {
              if (!name.startsWith(":")) {
                values.forEach(v -> h.add(name, v));
              }
            });
    int status = r.statusCode();
    long length = -1;
    boolean bodiless = method.equals("HEAD") || status < 200 || status == 204 || status == 304;
    if (!bodiless) {
      try {
        length = r.headers().firstValueAsLong("Content-Length").orElse(-1);
      } catch (NumberFormatException e) {
        length = -1; // the client frames the body; a bad length is only a missing hint
      }
    }
    return HttpResponse.of(status, h.build(), HttpBody.ofPublisher(stream, Math.max(-1, length)));
  }

  /** The JDK form of neutral header fields; names that differ only in case become one. */
  static java.net.http.HttpHeaders headers(HttpHeaders headers) {
    Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 0; i < headers.size(); i++) {
      map.computeIfAbsent(headers.name(i), n -> new ArrayList<>()).add(headers.value(i));
    }
    return java.net.http.HttpHeaders.of(map, (n, v) -> true);
  }
}
