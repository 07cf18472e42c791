package dev.hitbox.proxy;

import dev.hitbox.http.HttpBody;
import dev.hitbox.http.HttpHeaders;
import dev.hitbox.http.HttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeadersFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Conversions between Netty's messages and the neutral HTTP model, and the hop-by-hop rules. */
final class Messages {
  /**
   * Hop-by-hop fields (RFC 9110 section 7.6.1) and the fields the proxy frames itself: never
   * forwarded in either direction.
   */
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "proxy-authenticate",
          "proxy-authorization",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade");

  /** Our headers are validated by {@link HttpHeaders}; Netty need not check them again. */
  static final HttpHeadersFactory TRUSTED_HEADERS =
      DefaultHttpHeadersFactory.headersFactory().withValidation(false);

  private Messages() {}

  /**
   * Netty header fields as {@link HttpHeaders}, in order, without the hop-by-hop fields and those
   * {@code Connection} names.
   *
   * @throws IllegalArgumentException if a name or value is not valid
   */
  static HttpHeaders fromNetty(io.netty.handler.codec.http.HttpHeaders netty) {
    List<String> named = connectionOptions(netty);
    HttpHeaders.Builder b = HttpHeaders.builder();
    Iterator<Map.Entry<CharSequence, CharSequence>> it = netty.iteratorCharSequence();
    while (it.hasNext()) {
      Map.Entry<CharSequence, CharSequence> e = it.next();
      String name = e.getKey().toString();
      if (!isHopByHop(name, named)) {
        b.add(name, e.getValue().toString());
      }
    }
    return b.build();
  }

  /** The fields {@code Connection} names, in lower case. */
  static List<String> connectionOptions(io.netty.handler.codec.http.HttpHeaders netty) {
    List<String> connection = netty.getAll("Connection");
    if (connection.isEmpty()) {
      return List.of();
    }
    List<String> named = new ArrayList<>();
    for (String v : connection) {
      for (String option : v.split(",")) {
        String o = option.trim().toLowerCase(Locale.ROOT);
        if (!o.isEmpty()) {
          named.add(o);
        }
      }
    }
    return named;
  }

  static boolean isHopByHop(String name, List<String> named) {
    String n = name.toLowerCase(Locale.ROOT);
    return HOP_BY_HOP.contains(n) || named.contains(n);
  }

  /** {@code headers} as Netty header fields, minus hop-by-hop fields and {@code Content-Length}. */
  static io.netty.handler.codec.http.HttpHeaders toNetty(HttpHeaders headers) {
    io.netty.handler.codec.http.HttpHeaders out = TRUSTED_HEADERS.newHeaders();
    List<String> named = new ArrayList<>();
    for (String v : headers.elements("Connection")) {
      named.add(v.toLowerCase(Locale.ROOT));
    }
    for (int i = 0; i < headers.size(); i++) {
      String name = headers.name(i);
      if (!isHopByHop(name, named) && !name.equalsIgnoreCase("Content-Length")) {
        out.add(name, headers.value(i));
      }
    }
    return out;
  }

  /** A short plain-text response the proxy makes itself ({@code 502}, {@code 504}...). */
  static HttpResponse plain(int status, String text) {
    return HttpResponse.of(
        status,
        HttpHeaders.of("Content-Type", "text/plain; charset=utf-8", "Cache-Control", "no-store"),
        HttpBody.ofBytes((text + "\n").getBytes(StandardCharsets.UTF_8)));
  }

  /** A JSON response of the admin listener. */
  static HttpResponse json(int status, byte[] json) {
    return HttpResponse.of(
        status,
        HttpHeaders.of("Content-Type", "application/json", "Cache-Control", "no-store"),
        HttpBody.ofBytes(json));
  }
}
