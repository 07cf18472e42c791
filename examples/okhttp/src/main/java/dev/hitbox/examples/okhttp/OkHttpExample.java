package dev.hitbox.examples.okhttp;

import com.sun.net.httpserver.HttpServer;
import dev.hitbox.caffeine.CaffeineBackend;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.http.HttpCache;
import dev.hitbox.okhttp.HitboxInterceptor;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
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
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Caches the responses of an external API called with OkHttp. The "API" is a small server on
 * 127.0.0.1 that this example starts itself, so it runs offline.
 */
public final class OkHttpExample {
  private OkHttpExample() {}

  /** Runs the example and prints what each call got. */
  public static void main(String[] args) throws Exception {
    run(System.out);
  }

  /**
   * Runs the example.
   *
   * @return how many requests reached the API
   */
  static int run(PrintStream out) throws IOException {
    AtomicInteger apiCalls = new AtomicInteger();
    ExecutorService apiThreads = Executors.newFixedThreadPool(4);
    HttpServer api = startApi(apiCalls, apiThreads);
    OkHttpClient client = null;
    try {
      HttpUrl base = HttpUrl.get("http://127.0.0.1:" + api.getAddress().getPort() + "/");

      // 1. One cache per API (or per endpoint of it): a backend, a ttl, and at most one call
      //    per key in flight, so that concurrent callers of a missing key share one API call.
      HttpCache cache =
          HttpCache.builder("quotes-api")
              .backend(CaffeineBackend.builder().maxCapacity(1_000).build())
              .policy(CachePolicy.builder().ttl(Duration.ofMinutes(1)).concurrency(1).build())
              .build();

      // 2. Add the interceptor as an application interceptor (not a network one).
      client = new OkHttpClient.Builder().addInterceptor(new HitboxInterceptor(cache)).build();

      // 3. execute: the first call goes to the API, the next ones are answered from the cache.
      Request quote1 = new Request.Builder().url(base.resolve("/quotes/1")).build();
      for (int i = 0; i < 3; i++) {
        try (Response res = client.newCall(quote1).execute()) {
          print(out, "execute", res);
        }
      }

      // 4. enqueue: ten concurrent calls of a key nobody asked for yet make one API call.
      Request quote2 = new Request.Builder().url(base.resolve("/quotes/2")).build();
      List<CompletableFuture<String>> calls = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        calls.add(enqueue(client, quote2));
      }
      Map<String, Integer> statuses = new TreeMap<>();
      for (CompletableFuture<String> call : calls) {
        statuses.merge(call.join(), 1, Integer::sum);
      }
      out.println("enqueue GET /quotes/2 x10 -> " + statuses);

      // 5. POST is not cached unless you ask for it (HitboxInterceptor.builder(...).methods(...)).
      Request vote =
          new Request.Builder()
              .url(base.resolve("/quotes/1/votes"))
              .post(RequestBody.create("{\"stars\":5}", MediaType.parse("application/json")))
              .build();
      for (int i = 0; i < 2; i++) {
        try (Response res = client.newCall(vote).execute()) {
          print(out, "execute", res);
        }
      }

      out.println("the API was called " + apiCalls.get() + " times for 15 requests");
      return apiCalls.get();
    } finally {
      if (client != null) {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
      }
      api.stop(0);
      apiThreads.shutdownNow();
    }
  }

  /** Enqueues a call; completes with its X-Cache-Status. */
  private static CompletableFuture<String> enqueue(OkHttpClient client, Request request) {
    CompletableFuture<String> status = new CompletableFuture<>();
    client
        .newCall(request)
        .enqueue(
            new Callback() {
              @Override
              public void onFailure(Call call, IOException e) {
                status.completeExceptionally(e);
              }

              @Override
              public void onResponse(Call call, Response response) {
                try (response) {
                  response.body().string();
                  status.complete(cacheStatus(response));
                } catch (IOException e) {
                  status.completeExceptionally(e);
                }
              }
            });
    return status;
  }

  private static void print(PrintStream out, String how, Response res) throws IOException {
    out.printf(
        "%s %s %s -> %d %-4s %s%n",
        how,
        res.request().method(),
        res.request().url().encodedPath(),
        res.code(),
        cacheStatus(res),
        res.body().string());
  }

  private static String cacheStatus(Response res) {
    String s = res.header("X-Cache-Status");
    return s == null ? "-" : s;
  }

  /** The "external API": JSON quotes, and a counter of the requests it gets. */
  private static HttpServer startApi(AtomicInteger calls, ExecutorService threads)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/quotes/",
        exchange -> {
          int n = calls.incrementAndGet();
          exchange.getRequestBody().readAllBytes();
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
