package dev.hitbox.http;

import dev.hitbox.core.Lifetime;
import dev.hitbox.core.spi.Revalidator;
import dev.hitbox.http.internal.CacheControl;
import dev.hitbox.http.internal.HopByHop;
import dev.hitbox.http.internal.HttpDates;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** The HTTP caching rules {@link HttpCache} puts into the engine's hooks. */
final class HttpSemantics {
  /** Status codes a response may be stored with by default (RFC 9110 15.1, minus 206). */
  static final Set<Integer> HEURISTICALLY_CACHEABLE =
      Set.of(200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501);

  /** Delta-seconds past 2^31 count as 2^31 (RFC 9111 section 1.2.2). */
  private static final long MAX_DELTA = 1L << 31;

  private HttpSemantics() {}

  // ---------------------------------------------------------------- request

  /** Why a request may not be cached by default, or {@code null} if it may. */
  static @Nullable String requestRefusal(
      HttpRequest r, boolean cacheAuthorized, boolean cacheNoStore, boolean needsBody) {
    if (!cacheNoStore && CacheControl.of(r.headers()).has("no-store")) {
      return "request Cache-Control: no-store";
    }
    if (!cacheAuthorized && r.headers().contains("Authorization")) {
      return "request has Authorization";
    }
    if (needsBody && !r.body().isBuffered()) {
      return "request body over the limit";
    }
    return null;
  }

  /**
   * Whether the client asks for an answer that is not from the cache (RFC 9111 section 5.2.1):
   * {@code Cache-Control: no-cache} or {@code max-age=0}, or, without {@code Cache-Control}, {@code
   * Pragma: no-cache} (section 5.4).
   */
  static boolean requestNoCache(HttpRequest r) {
    CacheControl cc = CacheControl.of(r.headers());
    if (cc.has("no-cache") || cc.seconds("max-age") == 0) {
      return true;
    }
    if (!r.headers().contains("Cache-Control")) {
      for (String p : r.headers().elements("Pragma")) {
        if (p.trim().equalsIgnoreCase("no-cache")) {
          return true;
        }
      }
    }
    return false;
  }

  /** The request's {@code Cache-Control: max-age} in seconds, {@code -1} if absent or invalid. */
  static long requestMaxAge(HttpRequest r) {
    return CacheControl.of(r.headers()).seconds("max-age");
  }

  // ---------------------------------------------------------------- Range

  /** What {@link #byteRange} returns for a range that starts past the end of the body. */
  static final long[] UNSATISFIABLE = new long[0];

  /**
   * The first and last byte positions a {@code Range} field asks for in a body of {@code length}
   * bytes (RFC 9110 section 14.1.2), {@link #UNSATISFIABLE} if it starts past the end, or {@code
   * null} when the field is to be ignored and the whole body sent: another unit than {@code bytes},
   * more than one range, or a syntax error.
   */
  static long @Nullable [] byteRange(String range, long length) {
    String r = range.trim();
    int eq = r.indexOf('=');
    if (eq < 0 || !r.substring(0, eq).trim().equalsIgnoreCase("bytes")) {
      return null;
    }
    String spec = r.substring(eq + 1).trim();
    if (spec.indexOf(',') >= 0) {
      return null; // several ranges: a 200 with the whole body is a valid answer
    }
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return null;
    }
    long first = digits(spec.substring(0, dash).trim());
    long last = digits(spec.substring(dash + 1).trim());
    if (first == -2 || last == -2 || (first < 0 && last < 0)) {
      return null;
    }
    if (first < 0) { // suffix: the last `last` bytes
      if (last == 0) {
        return UNSATISFIABLE;
      }
      return length == 0 ? UNSATISFIABLE : new long[] {Math.max(0, length - last), length - 1};
    }
    if (last >= 0 && last < first) {
      return null;
    }
    if (first >= length) {
      return UNSATISFIABLE;
    }
    return new long[] {first, last < 0 ? length - 1 : Math.min(last, length - 1)};
  }

  /** The number in {@code s}: {@code -1} if empty, {@code -2} if not only digits or too long. */
  private static long digits(String s) {
    if (s.isEmpty()) {
      return -1;
    }
    if (s.length() > 18) {
      return -2;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return -2;
      }
    }
    return Long.parseLong(s);
  }

  /**
   * Whether an {@code If-Range} field lets a range of {@code response} be sent (RFC 9110 section
   * 13.1.5): a strong {@code ETag} equal to the response's, or a date equal to its {@code
   * Last-Modified}.
   */
  static boolean ifRangeMatches(@Nullable String ifRange, HttpResponse response) {
    if (ifRange == null) {
      return true;
    }
    String v = ifRange.trim();
    if (v.startsWith("\"") || v.startsWith("W/")) {
      String etag = response.headers().first("ETag");
      return !v.startsWith("W/") && etag != null && etag.trim().equals(v);
    }
    Instant since = HttpDates.parse(v);
    Instant modified = HttpDates.parse(response.headers().first("Last-Modified"));
    return since != null && since.equals(modified);
  }

  // ---------------------------------------------------------------- response

  /** Why a response may not be stored, or {@code null} if it may. */
  static @Nullable String responseRefusal(
      HttpResponse r, boolean cachePrivate, boolean cacheSetCookie, boolean cacheNoStore) {
    if (!r.body().isBuffered()) {
      return "response body over the limit";
    }
    return headerRefusal(r, cachePrivate, cacheSetCookie, cacheNoStore);
  }

  /** Like {@link #responseRefusal} on the status and header fields only. */
  static @Nullable String headerRefusal(
      HttpResponse r, boolean cachePrivate, boolean cacheSetCookie, boolean cacheNoStore) {
    if (r.headOnly()) {
      return "answer to a HEAD";
    }
    int s = r.status();
    if (s < 200 || s == 206 || s == 304) {
      return "status " + s;
    }
    CacheControl cc = CacheControl.of(r.headers());
    if (!cacheNoStore && cc.has("no-store")) {
      return "response Cache-Control: no-store";
    }
    if (!cachePrivate && cc.has("private")) {
      return "response Cache-Control: private";
    }
    if (!cacheSetCookie && r.headers().contains("Set-Cookie")) {
      return "response has Set-Cookie";
    }
    if (varyNames(r).contains("*")) {
      return "response Vary: *";
    }
    return null;
  }

  /**
   * The lifetime the origin gives {@code r} with {@code Cache-Control} (RFC 9111 section 4.2.1):
   * {@code s-maxage}, else {@code max-age}, else {@code Expires - Date}, less the response's {@code
   * Age}; stale window from {@code stale-while-revalidate} / {@code stale-if-error} (the larger),
   * none under {@code must-revalidate} / {@code proxy-revalidate}, the policy's when the origin
   * names none. {@code no-cache} stores nothing. {@code null} when the origin says nothing about
   * freshness, so the policy applies.
   */
  static @Nullable Lifetime originLifetime(HttpResponse r, Supplier<Duration> policyStale) {
    CacheControl cc = CacheControl.of(r.headers());
    if (cc.has("no-cache")) {
      return Lifetime.of(Duration.ZERO, Duration.ZERO);
    }
    long ttl = cc.seconds("s-maxage");
    if (ttl < 0) {
      ttl = cc.seconds("max-age");
    }
    if (ttl < 0) {
      Instant expires = HttpDates.parse(r.headers().first("Expires"));
      Instant date = HttpDates.parse(r.headers().first("Date"));
      if (expires != null && date != null) {
        ttl = Math.max(0, Duration.between(date, expires).getSeconds());
      } else if (r.headers().contains("Expires")) {
        ttl = 0; // an invalid Expires means "already expired" (RFC 9111 5.3)
      }
    }
    if (ttl < 0) {
      return null; // nothing about freshness: the policy's ttl and stale window apply
    }
    long swr = Math.max(cc.seconds("stale-while-revalidate"), cc.seconds("stale-if-error"));
    boolean mustRevalidate = cc.has("must-revalidate") || cc.has("proxy-revalidate");
    Duration fresh =
        Duration.ofSeconds(Math.min(MAX_DELTA, Math.max(0, saturatedSubtract(ttl, ageSeconds(r)))));
    Duration stale =
        mustRevalidate
            ? Duration.ZERO
            : swr >= 0 ? Duration.ofSeconds(Math.min(MAX_DELTA, swr)) : policyStale.get();
    return Lifetime.of(fresh, stale);
  }

  private static long saturatedSubtract(long a, long b) {
    long r = a - b;
    return ((a ^ b) & (a ^ r)) < 0 ? Long.MIN_VALUE : r;
  }

  /** The response's {@code Age} in seconds, {@code 0} if absent or invalid. */
  static long ageSeconds(HttpResponse r) {
    String age = r.headers().first("Age");
    if (age == null) {
      return 0;
    }
    try {
      return Math.max(0, Long.parseLong(age.trim()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  // ---------------------------------------------------------------- Vary

  /** The lower-case header names {@code r} varies on, sorted; {@code [*]} for {@code Vary: *}. */
  static List<String> varyNames(HttpResponse r) {
    List<String> names = new ArrayList<>();
    for (String n : r.headers().elements("Vary")) {
      String l = n.toLowerCase(Locale.ROOT);
      if (!names.contains(l)) {
        names.add(l);
      }
    }
    names.sort(null);
    return names;
  }

  /** The request's value of a varied header, normalized; {@code null} when absent. */
  static @Nullable String varyValue(HttpRequest r, String name) {
    List<String> all = r.headers().all(name);
    if (all.isEmpty()) {
      return null;
    }
    List<String> elements = new ArrayList<>();
    for (String v : all) {
      HttpHeaders.splitElements(v, elements);
    }
    return String.join(",", elements);
  }

  /** The variant to store with a response: the request's values of the varied headers. */
  static String @Nullable [] variantOf(HttpRequest request, List<String> varyNames) {
    if (varyNames.isEmpty() || varyNames.contains("*")) {
      return null;
    }
    String[] v = new String[varyNames.size() * 2];
    for (int i = 0; i < varyNames.size(); i++) {
      v[2 * i] = varyNames.get(i);
      v[2 * i + 1] = varyValue(request, varyNames.get(i));
    }
    return v;
  }

  /** Whether {@code stored} may answer {@code request} as far as {@code Vary} goes. */
  static boolean varyMatches(HttpRequest request, HttpResponse stored) {
    List<String> names = varyNames(stored);
    if (names.isEmpty()) {
      return true;
    }
    String[] variant = stored.variant();
    if (variant == null || names.contains("*") || variant.length != names.size() * 2) {
      return false;
    }
    for (int i = 0; i < variant.length; i += 2) {
      if (!names.contains(variant[i])) {
        return false;
      }
      String now = varyValue(request, variant[i]);
      String then = variant[i + 1];
      if (now == null ? then != null : !now.equals(then)) {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- validators

  /** Sends {@code If-None-Match} / {@code If-Modified-Since}; a {@code 304} refreshes the entry. */
  static final Revalidator<HttpRequest, HttpResponse> REVALIDATOR =
      new Revalidator<>() {
        @Override
        public HttpRequest conditional(HttpRequest request, HttpResponse stale) {
          String etag = stale.headers().first("ETag");
          String lastModified = stale.headers().first("Last-Modified");
          if (etag == null && lastModified == null) {
            return request;
          }
          HttpHeaders.Builder h = request.headers().toBuilder();
          if (etag != null) {
            h.set("If-None-Match", etag);
          }
          if (lastModified != null) {
            h.set("If-Modified-Since", lastModified);
          }
          return request.withHeaders(h.build());
        }

        @Override
        public @Nullable HttpResponse notModified(HttpResponse stale, HttpResponse response) {
          if (response.status() != 304) {
            return null;
          }
          return stale.withHeaders(refreshed(stale.headers(), response.headers()));
        }

        @Override
        public String toString() {
          return "ETag/Last-Modified";
        }
      };

  /**
   * The stored fields updated with those of a {@code 304} (RFC 9111 section 3.2): each field the
   * 304 has replaces the stored ones of that name, except hop-by-hop fields and {@code
   * Content-Length}, which describe the 304's own (empty) body.
   */
  static HttpHeaders refreshed(HttpHeaders stored, HttpHeaders update) {
    HttpHeaders.Builder b = stored.toBuilder();
    for (String name : update.names()) {
      if (HopByHop.isHopByHop(name)
          || name.equalsIgnoreCase("Content-Length")
          || name.equalsIgnoreCase("Content-Encoding")
          || name.equalsIgnoreCase("Content-Type")) {
        continue;
      }
      List<String> values = update.all(name);
      b.remove(name);
      for (String v : values) {
        b.add(name, v);
      }
    }
    return b.build();
  }

  /**
   * Whether the client's validators match {@code response}, so that a {@code 304} answers it (RFC
   * 9110 section 13.2.2): {@code If-None-Match} (weak comparison, {@code *} matches any ETag) takes
   * precedence over {@code If-Modified-Since}.
   */
  static boolean clientNotModified(
      @Nullable String ifNoneMatch, @Nullable String ifModifiedSince, HttpResponse response) {
    if (response.status() != 200) {
      return false;
    }
    if (ifNoneMatch != null) {
      String etag = response.headers().first("ETag");
      if (etag == null) {
        return false;
      }
      List<String> tags = new ArrayList<>();
      HttpHeaders.splitElements(ifNoneMatch, tags);
      for (String t : tags) {
        if (t.equals("*") || weakEquals(t, etag)) {
          return true;
        }
      }
      return false;
    }
    if (ifModifiedSince != null) {
      Instant since = HttpDates.parse(ifModifiedSince);
      Instant modified = HttpDates.parse(response.headers().first("Last-Modified"));
      return since != null && modified != null && !modified.isAfter(since);
    }
    return false;
  }

  private static boolean weakEquals(String a, String b) {
    return opaque(a).equals(opaque(b));
  }

  private static String opaque(String tag) {
    String t = tag.trim();
    return t.startsWith("W/") ? t.substring(2) : t;
  }

  /** The fields a {@code 304} carries over from the 200 it stands for (RFC 9110 15.4.5). */
  static final List<String> NOT_MODIFIED_FIELDS =
      List.of(
          "Cache-Control",
          "Content-Location",
          "Date",
          "ETag",
          "Expires",
          "Last-Modified",
          "Vary",
          "Cache-Status",
          "Age");
}
