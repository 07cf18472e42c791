package dev.hitbox.jdkhttpclient;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A real HTTP server on 127.0.0.1 that records the requests it gets and answers with a handler. */
final class LocalServer implements AutoCloseable {
  record Request(String method, String path, Headers headers, byte[] body) {}

  /** A response; {@code headers} alternate names and values. */
  record Reply(int status, byte[] body, String... headers) {
    static Reply of(int status, String body, String... headers) {
      return new Reply(status, body.getBytes(StandardCharsets.UTF_8), headers);
    }
  }

  @FunctionalInterface
  interface Handler {
    Reply handle(Request request) throws Exception;
  }

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile Handler handler = r -> Reply.of(200, "hello");

  LocalServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(threads);
    server.createContext("/", this::serve);
    server.start();
  }

  void handler(Handler handler) {
    this.handler = handler;
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  /** How many requests reached the server. */
  int calls() {
    return requests.size();
  }

  List<Request> requests() {
    return requests;
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      Request request =
          new Request(
              exchange.getRequestMethod(),
              exchange.getRequestURI().getRawPath(),
              exchange.getRequestHeaders(),
              body);
      requests.add(request);
      Reply reply;
      try {
        reply = handler.handle(request);
      } catch (Exception e) {
        reply = Reply.of(500, e.toString());
      }
      for (int i = 0; i < reply.headers().length; i += 2) {
        exchange.getResponseHeaders().add(reply.headers()[i], reply.headers()[i + 1]);
      }
      boolean noBody =
          reply.body().length == 0
              || request.method().equals("HEAD")
              || reply.status() == 204
              || reply.status() == 304;
      exchange.sendResponseHeaders(reply.status(), noBody ? -1 : reply.body().length);
      if (!noBody) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(reply.body());
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
