package dev.hitbox.examples.jdkhttpclient;

import com.sun.net.httpserver.HttpServer;
import dev.hitbox.caffeine.CaffeineBackend;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.http.HttpCache;
import dev.hitbox.jdkhttpclient.HitboxHttpClient;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caches the responses of an external API called with the JDK's {@code HttpClient}. The "API" is a
 * small server on 127.0.0.1 that this example starts itself, so it runs offline.
 */
public final class JdkHttpClientExample {
  private JdkHttpClientExample() {}

  /** Runs the example and prints what each call got. */
  public static void main(String[] args) throws Exception {
    run(System.out);
  }

  /**
   * Runs the example.
   *
   * @return how many requests reached the API
   */
  static int run(PrintStream out) throws IOException, InterruptedException {
    AtomicInteger apiCalls = new AtomicInteger();
    ExecutorService apiThreads = Executors.newFixedThreadPool(4);
    HttpServer api = startApi(apiCalls, apiThreads);
    try {
      URI base = URI.create("http://127.0.0.1:" + api.getAddress().getPort());

      // 1. One cache per API (or per endpoint of it): a backend, a ttl, and at most one call
      //    per key in flight, so that concurrent callers of a missing key share one API call.
      HttpCache cache =
          HttpCache.builder("quotes-api")
              .backend(CaffeineBackend.builder().maxCapacity(1_000).build())
              .policy(CachePolicy.builder().ttl(Duration.ofMinutes(1)).concurrency(1).build())
              .build();

      // 2. Wrap the client. The result is an HttpClient: pass it to any code that takes one.
      HttpClient client = HitboxHttpClient.wrap(HttpClient.newHttpClient(), cache);

      // 3. send: the first call goes to the API, the next ones are answered from the cache.
      HttpRequest quote1 = HttpRequest.newBuilder(base.resolve("/quotes/1")).build();
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> res = client.send(quote1, BodyHandlers.ofString());
        print(out, "send     ", res);
      }

      // 4. sendAsync: ten concurrent calls of a key nobody asked for yet make one API call.
      HttpRequest quote2 = HttpRequest.newBuilder(base.resolve("/quotes/2")).build();
      List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        calls.add(client.sendAsync(quote2, BodyHandlers.ofString()));
      }
      Map<String, Integer> statuses = new TreeMap<>();
      for (CompletableFuture<HttpResponse<String>> call : calls) {
        statuses.merge(cacheStatus(call.join()), 1, Integer::sum);
      }
      out.println("sendAsync GET /quotes/2 x10 -> " + statuses);

      // 5. POST is not cached unless you ask for it (HitboxHttpClient.builder(...).methods(...)).
      HttpRequest vote =
          HttpRequest.newBuilder(base.resolve("/quotes/1/votes"))
              .POST(BodyPublishers.ofString("{\"stars\":5}"))
              .header("Content-Type", "application/json")
              .build();
      for (int i = 0; i < 2; i++) {
        print(out, "send     ", client.send(vote, BodyHandlers.ofString()));
      }

      out.println("the API was called " + apiCalls.get() + " times for 15 requests");
      return apiCalls.get();
    } finally {
      api.stop(0);
      apiThreads.shutdownNow();
    }
  }

  private static void print(PrintStream out, String how, HttpResponse<String> res) {
    out.printf(
        "%s %s %s -> %d %-4s %s%n",
        how,
        res.request().method(),
        res.request().uri().getPath(),
        res.statusCode(),
        cacheStatus(res),
        res.body());
  }

  private static String cacheStatus(HttpResponse<?> res) {
    return res.headers().firstValue("X-Cache-Status").orElse("-");
  }

  /** The "external API": JSON quotes, and a counter of the requests it gets. */
  private static HttpServer startApi(AtomicInteger calls, ExecutorService threads)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/quotes/",
        exchange -> {
          int n = calls.incrementAndGet();
          String path = exchange.getRequestURI().getPath();
          byte[] body =
              (exchange.getRequestMethod().equals("POST")
                      ? "{\"voted\":true,\"apiCall\":" + n + "}"
                      : "{\"path\":\""
                          + path
                          + "\",\"text\":\"Simple is hard.\",\"apiCall\":"
                          + n
                          + "}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream o = exchange.getResponseBody()) {
            o.write(body);
          }
        });
    server.setExecutor(threads);
    server.start();
    return server;
  }
}
