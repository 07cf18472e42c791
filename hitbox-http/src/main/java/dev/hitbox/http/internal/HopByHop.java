package dev.hitbox.http.internal;

import dev.hitbox.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Hop-by-hop header fields (RFC 9110 section 7.6.1): they describe one connection, so a cache
 * neither stores nor replays them.
 */
public final class HopByHop {
  private static final Set<String> FIELDS =
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

  private HopByHop() {}

  /** Whether {@code name} is always hop-by-hop. */
  public static boolean isHopByHop(String name) {
    return FIELDS.contains(name.toLowerCase(Locale.ROOT));
  }

  /** {@code headers} without the hop-by-hop fields and those named in {@code Connection}. */
  public static HttpHeaders strip(HttpHeaders headers) {
    List<String> named = new ArrayList<>();
    for (String n : headers.elements("Connection")) {
      named.add(n.toLowerCase(Locale.ROOT));
    }
    boolean any = false;
    for (int i = 0; i < headers.size() && !any; i++) {
      String n = headers.name(i).toLowerCase(Locale.ROOT);
      any = FIELDS.contains(n) || named.contains(n);
    }
    if (!any) {
      return headers;
    }
    HttpHeaders.Builder b = HttpHeaders.builder();
    for (int i = 0; i < headers.size(); i++) {
      String n = headers.name(i).toLowerCase(Locale.ROOT);
      if (!FIELDS.contains(n) && !named.contains(n)) {
        b.add(headers.name(i), headers.value(i));
      }
    }
    return b.build();
  }
}
