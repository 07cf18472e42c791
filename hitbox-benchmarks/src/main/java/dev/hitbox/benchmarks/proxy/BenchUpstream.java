package dev.hitbox.benchmarks.proxy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The upstream of the proxy benchmark: answers {@code GET /api/items/{id}} with a JSON document of
 * about 1 KiB after a fixed delay, and counts the calls it gets ({@code GET /calls}). Ids that
 * start with {@code miss-} (the cache-miss runs, where every request is a new key) are answered
 * after MISS_DELAY_MS instead, so that a miss measures the cache's own work, not the delay.
 *
 * <p>Usage: {@code BenchUpstream PORT [DELAY_MS [MISS_DELAY_MS]]}.
 */
public final class BenchUpstream {
  private BenchUpstream() {}

  /** Starts the upstream on 127.0.0.1:PORT and serves until killed. */
  public static void main(String[] args) throws IOException {
    System.setProperty(
        "sun.net.httpserver.nodelay", "true"); // no Nagle delay between head and body
    int port = Integer.parseInt(args[0]);
    long delayMs = args.length > 1 ? Long.parseLong(args[1]) : 20;
    long missDelayMs = args.length > 2 ? Long.parseLong(args[2]) : delayMs;
    AtomicLong calls = new AtomicLong();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
    server.setExecutor(Executors.newFixedThreadPool(32));
    server.createContext(
        "/calls",
        ex -> reply(ex, "text/plain", Long.toString(calls.get()).getBytes(StandardCharsets.UTF_8)));
    server.createContext(
        "/",
        ex -> {
          calls.incrementAndGet();
          String path = ex.getRequestURI().getPath();
          long delay = path.startsWith("/api/items/miss-") ? missDelayMs : delayMs;
          if (delay > 0) {
            try {
              Thread.sleep(delay); // a slow upstream: what a cache is for
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          reply(ex, "application/json", item(path));
        });
    server.start();
    System.out.println(
        "bench upstream on 127.0.0.1:"
            + port
            + ", "
            + delayMs
            + " ms per call, "
            + missDelayMs
            + " ms for /api/items/miss-*");
  }

  private static byte[] item(String path) {
    StringBuilder sb = new StringBuilder(1100);
    sb.append("{\"path\":\"").append(path).append("\",\"tags\":[");
    for (int i = 0; i < 40; i++) {
      sb.append(i == 0 ? "" : ",").append("\"tag-").append(i).append('"');
    }
    sb.append("],\"text\":\"");
    while (sb.length() < 1000) {
      sb.append("lorem ipsum dolor sit amet ");
    }
    return sb.append("\"}").toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void reply(HttpExchange ex, String type, byte[] body) throws IOException {
    try (ex) {
      ex.getResponseHeaders().add("Content-Type", type);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
    }
  }
}
