package dev.hitbox.examples.jetty;

import dev.hitbox.caffeine.CaffeineBackend;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.StalePolicy;
import dev.hitbox.http.HttpCache;
import dev.hitbox.http.HttpExtractor;
import dev.hitbox.http.RequestPredicate;
import dev.hitbox.http.ResponsePredicate;
import dev.hitbox.http.StatusClass;
import dev.hitbox.servlet.HitboxFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;

/**
 * An embedded Jetty whose {@code /api/authors/{id}} servlet takes 200 ms per call, with a {@link
 * HitboxFilter} in front of it. Run it and call {@code curl -i localhost:8080/api/authors/1} twice.
 */
public final class Main {
  private Main() {}

  /** A slow servlet: the application the cache protects. */
  static final class Authors extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient AtomicLong calls = new AtomicLong();

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
      long n = calls.incrementAndGet();
      try {
        Thread.sleep(200); // the slow database this example pretends to call
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      String id = req.getPathInfo() == null ? "" : req.getPathInfo().substring(1);
      res.setContentType("application/json");
      res.getOutputStream()
          .write(
              ("{\"id\":\"" + id + "\",\"name\":\"Author " + id + "\",\"call\":" + n + "}\n")
                  .getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * Starts the server.
   *
   * @param args the port (default 8080)
   */
  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;

    HttpCache authors =
        HttpCache.builder("authors")
            .backend(CaffeineBackend.builder().maxCapacity(10_000).build())
            .policy(
                CachePolicy.builder()
                    .ttl(Duration.ofSeconds(30))
                    .stale(Duration.ofSeconds(60))
                    .stalePolicy(StalePolicy.REVALIDATE)
                    .concurrency(1)
                    .build())
            .requestPredicate(
                RequestPredicate.builder().method("GET").path("/api/authors/{id}").build())
            .responsePredicate(ResponsePredicate.statusClass(StatusClass.SUCCESS))
            .extractor(HttpExtractor.builder().path("/api/authors/{id}").query("page").build())
            .build();

    Server server = new Server(port);
    ServletContextHandler context = new ServletContextHandler();
    FilterHolder filter = new FilterHolder(HitboxFilter.of(authors));
    filter.setAsyncSupported(true);
    context.addFilter(filter, "/api/authors/*", HitboxFilter.dispatcherTypes());
    ServletHolder servlet = new ServletHolder(new Authors());
    servlet.setAsyncSupported(true);
    context.addServlet(servlet, "/api/authors/*");
    server.setHandler(context);
    server.start();
    System.out.println("listening on http://localhost:" + port + "/api/authors/1");
    server.join();
  }
}
