package dev.hitbox.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hitbox.core.CacheException;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.http.HttpHeaders;
import dev.hitbox.http.HttpRequest;
import dev.hitbox.http.HttpResponse;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The admin listener's requests: {@code GET /health}, {@code GET /metrics}, {@code GET /hotkeys},
 * {@code POST /invalidate}, {@code GET /config} and {@code POST /config/reload}, each behind the
 * bearer token when one is set. Answers leave in the order the requests came.
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration HEALTH_PROBE_TIMEOUT = Duration.ofSeconds(1);
  private static final CacheKey PROBE = CacheKey.of("hitbox-health", "probe");

  private final HitboxProxy proxy;
  // Answers go out in the order the requests came in, whatever order they complete in.
  private CompletableFuture<?> previous = CompletableFuture.completedFuture(null);

  AdminHandler(HitboxProxy proxy) {
    this.proxy = proxy;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    boolean keepAlive = HttpUtil.isKeepAlive(req) && req.decoderResult().isSuccess();
    CompletableFuture<HttpResponse> answer;
    try {
      answer = answer(req);
    } catch (RuntimeException e) {
      answer = CompletableFuture.completedFuture(error(500, "admin: " + e));
    }
    CompletableFuture<HttpResponse> safe =
        answer.exceptionally(e -> error(500, "admin: " + ActiveRoute.unwrap(e).getMessage()));
    previous =
        CompletableFuture.allOf(previous, safe).thenRun(() -> write(ctx, safe.join(), keepAlive));
  }

  private CompletableFuture<HttpResponse> answer(FullHttpRequest req) {
    if (req.decoderResult().isFailure()) {
      return done(error(400, "malformed request"));
    }
    if (!authorized(req)) {
      HttpResponse r = error(401, "missing or wrong bearer token");
      return done(r.withHeaders(r.headers().with("WWW-Authenticate", "Bearer realm=\"hitbox\"")));
    }
    String path = new QueryStringDecoder(req.uri()).path();
    String method = req.method().name();
    return switch (path) {
      case "/health" -> only("GET", method, this::health);
      case "/metrics" ->
          only(
              "GET",
              method,
              () ->
                  done(
                      HttpResponse.of(
                          200,
                          HttpHeaders.of(
                              "Content-Type", "text/plain; version=0.0.4; charset=utf-8"),
                          dev.hitbox.http.HttpBody.ofString(proxy.metrics().scrape()))));
      case "/hotkeys" -> only("GET", method, () -> done(hotKeys(req)));
      case "/invalidate" -> only("POST", method, () -> invalidate(req));
      case "/config" -> only("GET", method, () -> done(ok(proxy.configView())));
      case "/config/reload" -> only("POST", method, this::reload);
      default -> done(error(404, "no such admin resource: " + path));
    };
  }

  private boolean authorized(FullHttpRequest req) {
    String token = proxy.config().settings().adminToken().orElse(null);
    if (token == null) {
      return true;
    }
    String auth = req.headers().get("Authorization");
    if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] given = auth.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, token.getBytes(StandardCharsets.UTF_8));
  }

  private static CompletableFuture<HttpResponse> only(
      String allowed,
      String method,
      java.util.function.Supplier<CompletableFuture<HttpResponse>> action) {
    if (!allowed.equals(method)) {
      HttpResponse r = error(405, method + " not allowed (expected: " + allowed + ")");
      return done(r.withHeaders(r.headers().with("Allow", allowed)));
    }
    return action.get();
  }

  // ---------------------------------------------------------------- /health

  private CompletableFuture<HttpResponse> health() {
    Map<Backend, List<String>> backends = new IdentityHashMap<>();
    for (ActiveRoute r : proxy.table().routes()) {
      backends
          .computeIfAbsent(r.route.cache().endpoint().backend(), b -> new ArrayList<>())
          .add(r.name());
    }
    List<CompletableFuture<Map<String, Object>>> probes = new ArrayList<>();
    backends.forEach((backend, endpoints) -> probes.add(probe(backend, endpoints)));
    return CompletableFuture.allOf(probes.toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              List<Map<String, Object>> list =
                  probes.stream().map(CompletableFuture::join).toList();
              boolean up = list.stream().allMatch(m -> "up".equals(m.get("state")));
              Map<String, Object> body = new LinkedHashMap<>();
              body.put("status", up ? "up" : "down");
              body.put("upstream", proxy.config().settings().maskedUpstream());
              body.put("backends", list);
              body.put(
                  "last_reload",
                  proxy.lastReload().map(HitboxProxy.ReloadOutcome::view).orElse(null));
              return json(up ? 200 : 503, body);
            });
  }

  private static CompletableFuture<Map<String, Object>> probe(
      Backend backend, List<String> endpoints) {
    long start = System.nanoTime();
    CompletableFuture<byte[]> read;
    try {
      read = backend.read(PROBE).toCompletableFuture();
    } catch (RuntimeException e) {
      read = CompletableFuture.failedFuture(e);
    }
    return read.orTimeout(HEALTH_PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (bytes, e) -> {
              Map<String, Object> m = new LinkedHashMap<>();
              m.put("backend", backend.name());
              m.put("endpoints", endpoints);
              m.put("state", e == null ? "up" : "down");
              m.put("probe_ms", (System.nanoTime() - start) / 1_000_000.0);
              if (e != null) {
                Throwable cause = ActiveRoute.unwrap(e);
                m.put("error", cause.getClass().getSimpleName() + ": " + cause.getMessage());
              }
              return m;
            });
  }

  // ---------------------------------------------------------------- /hotkeys

  private static final int DEFAULT_HOT_KEYS = 10;

  /**
   * {@code GET /hotkeys[?n=10][&endpoint=name]}: per endpoint, its hottest keys with their
   * estimated recent lookup counts, hottest first. Keys are in the text form {@code POST
   * /invalidate {"key": ...}} takes.
   */
  private HttpResponse hotKeys(FullHttpRequest req) {
    Map<String, List<String>> q = new QueryStringDecoder(req.uri()).parameters();
    int n = DEFAULT_HOT_KEYS;
    List<String> given = q.get("n");
    if (given != null) {
      try {
        n = Integer.parseInt(given.get(0));
      } catch (NumberFormatException e) {
        n = -1;
      }
      if (n < 1 || n > 1000) {
        return error(400, "n: " + given.get(0) + " (expected: 1 to 1000)");
      }
    }
    List<String> endpoints = proxy.table().names();
    List<String> only = q.get("endpoint");
    if (only != null) {
      if (!endpoints.contains(only.get(0))) {
        return error(404, "endpoint: " + only.get(0) + " (expected: one of " + endpoints + ")");
      }
      endpoints = List.of(only.get(0));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    for (String endpoint : endpoints) {
      List<Map<String, Object>> keys = new ArrayList<>();
      for (dev.hitbox.core.HotKeys.HotKey k : proxy.metrics().hotKeys().top(endpoint, n)) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", k.key());
        m.put("estimate", k.estimate());
        keys.add(m);
      }
      body.put(endpoint, keys);
    }
    return ok(Map.of("endpoints", body));
  }

  // ---------------------------------------------------------------- /invalidate

  private CompletableFuture<HttpResponse> invalidate(FullHttpRequest req) {
    JsonNode n;
    try {
      n = JSON.readTree(ByteBufUtil.getBytes(req.content()));
    } catch (java.io.IOException e) {
      return done(error(400, "body: not JSON (" + UpstreamClient.shortMessage(e) + ")"));
    }
    if (n == null || !n.isObject()) {
      return done(error(400, INVALIDATE_USAGE));
    }
    List<String> given = new ArrayList<>();
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("endpoint")) {
        given.add(f);
      }
    }
    if (given.size() != 1 || !List.of("key", "pattern", "tag", "request").contains(given.get(0))) {
      return done(error(400, "body: fields " + given + " (" + INVALIDATE_USAGE + ")"));
    }
    RouteTable table = proxy.table();
    List<ActiveRoute> targets = table.routes();
    JsonNode endpoint = n.get("endpoint");
    if (endpoint != null) {
      ActiveRoute r = endpoint.isTextual() ? table.named(endpoint.asText()) : null;
      if (r == null) {
        return done(
            error(404, "endpoint: " + endpoint + " (expected: one of " + table.names() + ")"));
      }
      targets = List.of(r);
    }
    String kind = given.get(0);
    JsonNode value = n.get(kind);
    try {
      return switch (kind) {
        case "key" -> byKey(targets, text(value, "key"));
        case "pattern" -> byPattern(targets, text(value, "pattern"));
        case "tag" -> byTag(targets, text(value, "tag"));
        default -> byRequest(table, endpoint == null ? null : targets.get(0), value);
      };
    } catch (IllegalArgumentException | CacheException e) {
      return done(error(400, e.getMessage()));
    }
  }

  private static final String INVALIDATE_USAGE =
      "expected one of {\"key\": \"author_id=42&page=1\"}, {\"pattern\": \"author_id=42&*\"},"
          + " {\"tag\": \"author:42\"}, {\"request\": {\"method\": \"GET\", \"path\":"
          + " \"/api/authors/42?page=1\", \"headers\": {}}}, with an optional \"endpoint\"";

  private static String text(JsonNode v, String field) {
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException(field + ": " + v + " (expected: a string)");
    }
    return v.asText();
  }

  private static CompletableFuture<HttpResponse> byKey(List<ActiveRoute> targets, String key) {
    List<dev.hitbox.core.KeyPart> parts = KeyText.parse(key);
    List<CompletableFuture<Long>> all = new ArrayList<>();
    for (ActiveRoute r : targets) {
      CacheKey k = CacheKey.of(r.name(), r.route.cache().endpoint().keyVersion(), parts);
      all.add(r.cached().invalidateKey(k).thenApply(removed -> removed ? 1L : 0L));
    }
    return sum(all);
  }

  private static CompletableFuture<HttpResponse> byPattern(
      List<ActiveRoute> targets, String pattern) {
    List<CompletableFuture<Long>> all = new ArrayList<>();
    for (ActiveRoute r : targets) {
      all.add(r.cached().invalidatePattern(pattern));
    }
    return sum(all);
  }

  private static CompletableFuture<HttpResponse> byTag(List<ActiveRoute> targets, String tag) {
    // Tags live in the backend, not in an endpoint: ask each backend once.
    Map<Backend, ActiveRoute> once = new IdentityHashMap<>();
    for (ActiveRoute r : targets) {
      once.putIfAbsent(r.route.cache().endpoint().backend(), r);
    }
    List<CompletableFuture<Long>> all = new ArrayList<>();
    for (ActiveRoute r : once.values()) {
      all.add(r.cached().invalidateTag(tag));
    }
    return sum(all);
  }

  private static CompletableFuture<HttpResponse> byRequest(
      RouteTable table, @org.jspecify.annotations.Nullable ActiveRoute endpoint, JsonNode v) {
    if (v == null || !v.isObject() || v.get("path") == null || !v.get("path").isTextual()) {
      throw new IllegalArgumentException(
          "request: "
              + v
              + " (expected: {\"method\": \"GET\", \"path\": \"/a?b\", \"headers\": {}})");
    }
    HttpRequest.Builder b =
        HttpRequest.builder()
            .method(v.hasNonNull("method") ? text(v.get("method"), "request.method") : "GET")
            .uri(v.get("path").asText());
    JsonNode headers = v.get("headers");
    if (headers != null && !headers.isNull()) {
      if (!headers.isObject()) {
        throw new IllegalArgumentException(
            "request.headers: " + headers + " (expected: {\"name\": \"value\" or [values]})");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = headers.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getValue().isArray()) {
          for (JsonNode one : e.getValue()) {
            b.header(e.getKey(), one.asText());
          }
        } else {
          b.header(e.getKey(), e.getValue().asText());
        }
      }
    }
    HttpRequest request = b.build();
    ActiveRoute r = endpoint != null ? endpoint : table.find(request);
    if (r == null) {
      return done(
          error(404, "request: no endpoint handles " + request.method() + " " + request.uri()));
    }
    return r.cached()
        .invalidate(request)
        .thenApply(removed -> ok(Map.of("invalidated", removed ? 1 : 0, "endpoint", r.name())));
  }

  private static CompletableFuture<HttpResponse> sum(List<CompletableFuture<Long>> all) {
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .handle(
            (v, e) -> {
              if (e != null) {
                Throwable cause = ActiveRoute.unwrap(e);
                return error(cause instanceof CacheException ? 501 : 500, cause.getMessage());
              }
              long n = all.stream().mapToLong(CompletableFuture::join).sum();
              return ok(Map.of("invalidated", n));
            });
  }

  // ---------------------------------------------------------------- /config/reload

  private CompletableFuture<HttpResponse> reload() {
    if (!proxy.canReload()) {
      return done(error(409, "this proxy was not started from a configuration file"));
    }
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return ok(proxy.reloadView());
          } catch (ConfigurationException e) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("reloaded", false);
            body.put("error", e.getMessage());
            body.put("kept", proxy.table().names());
            return json(400, body);
          }
        });
  }

  // ---------------------------------------------------------------- responses

  private static CompletableFuture<HttpResponse> done(HttpResponse r) {
    return CompletableFuture.completedFuture(r);
  }

  static HttpResponse ok(Map<String, ?> body) {
    return json(200, body);
  }

  static HttpResponse error(int status, String message) {
    return json(status, Map.of("error", message == null ? "unknown" : message));
  }

  static HttpResponse json(int status, Object body) {
    try {
      return Messages.json(status, JSON.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      return Messages.plain(500, "cannot write JSON: " + e.getOriginalMessage());
    }
  }

  private static void write(ChannelHandlerContext ctx, HttpResponse res, boolean keepAlive) {
    io.netty.handler.codec.http.HttpHeaders h = Messages.toNetty(res.headers());
    h.set("Content-Length", Long.toString(res.body().length()));
    if (!keepAlive) {
      h.set("Connection", "close");
    }
    DefaultFullHttpResponse full =
        new DefaultFullHttpResponse(
            io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(res.status()),
            Unpooled.wrappedBuffer(res.body().byteBuffer()),
            h,
            Messages.TRUSTED_HEADERS.newEmptyHeaders());
    ctx.writeAndFlush(full)
        .addListener(
            f -> {
              if (!keepAlive || !f.isSuccess()) {
                ctx.close();
              }
            });
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
