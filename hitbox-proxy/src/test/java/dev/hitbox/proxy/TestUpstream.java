package dev.hitbox.proxy;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The upstream of the proxy tests: a JDK HTTP server on a free loopback port that records and
 * counts every request and answers with what the test's handler says, at once or when a gate opens.
 */
final class TestUpstream implements AutoCloseable {

  /** A request as the upstream received it. */
  record Seen(String method, String uri, Headers headers, byte[] body) {
    String header(String name) {
      return headers.getFirst(name);
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** What the upstream answers. */
  record Reply(
      int status,
      List<String> headers,
      byte[] body,
      CompletableFuture<?> gate,
      boolean chunked,
      CompletableFuture<?> restGate) {

    static Reply ok(String text) {
      return of(200, text);
    }

    static Reply of(int status, String text) {
      return new Reply(
          status,
          List.of("Content-Type", "text/plain"),
          text.getBytes(StandardCharsets.UTF_8),
          CompletableFuture.completedFuture(null),
          false,
          CompletableFuture.completedFuture(null));
    }

    Reply headers(String... namesAndValues) {
      List<String> all = new ArrayList<>(headers);
      all.addAll(List.of(namesAndValues));
      return new Reply(status, all, body, gate, chunked, restGate);
    }

    Reply body(byte[] bytes) {
      return new Reply(status, headers, bytes, gate, chunked, restGate);
    }

    /** Answers only once {@code gate} completes. */
    Reply after(CompletableFuture<?> gate) {
      return new Reply(status, headers, body, gate, chunked, restGate);
    }

    /** Sends the body chunked: its first half at once, the rest once {@code rest} completes. */
    Reply chunked(CompletableFuture<?> rest) {
      return new Reply(status, headers, body, gate, true, rest);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
  private final AtomicInteger calls = new AtomicInteger();
  private final Map<String, AtomicInteger> callsByPath = new ConcurrentHashMap<>();
  private volatile Function<Seen, Reply> handler = s -> Reply.ok("hello " + s.uri());

  private TestUpstream() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  static TestUpstream start() {
    try {
      return new TestUpstream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  void handler(Function<Seen, Reply> handler) {
    this.handler = handler;
  }

  int calls() {
    return calls.get();
  }

  int calls(String path) {
    AtomicInteger n = callsByPath.get(path);
    return n == null ? 0 : n.get();
  }

  List<Seen> seen() {
    return List.copyOf(seen);
  }

  Seen last() {
    List<Seen> all = seen();
    return all.get(all.size() - 1);
  }

  private void handle(HttpExchange ex) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    Seen s =
        new Seen(
            ex.getRequestMethod(), ex.getRequestURI().toString(), ex.getRequestHeaders(), body);
    seen.add(s);
    calls.incrementAndGet();
    callsByPath
        .computeIfAbsent(ex.getRequestURI().getPath(), p -> new AtomicInteger())
        .incrementAndGet();
    Reply r;
    try {
      r = handler.apply(s);
    } catch (RuntimeException e) {
      r = Reply.of(500, "test handler failed: " + e);
    }
    Reply reply = r;
    reply.gate().whenCompleteAsync((v, e) -> send(ex, s, reply), executor);
  }

  private void send(HttpExchange ex, Seen s, Reply r) {
    try (ex) {
      for (int i = 0; i < r.headers().size(); i += 2) {
        ex.getResponseHeaders().add(r.headers().get(i), r.headers().get(i + 1));
      }
      boolean noBody = s.method().equals("HEAD") || r.status() == 204 || r.status() == 304;
      if (noBody) {
        ex.sendResponseHeaders(r.status(), -1);
        return;
      }
      if (!r.chunked()) {
        ex.sendResponseHeaders(r.status(), r.body().length == 0 ? -1 : r.body().length);
        ex.getResponseBody().write(r.body());
        return;
      }
      ex.sendResponseHeaders(r.status(), 0);
      OutputStream out = ex.getResponseBody();
      int half = r.body().length / 2;
      out.write(r.body(), 0, half);
      out.flush();
      r.restGate().join();
      out.write(r.body(), half, r.body().length - half);
    } catch (IOException | RuntimeException e) {
      // the proxy went away: nothing to answer to
    }
  }

  /** Stops answering: new connections are refused. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
