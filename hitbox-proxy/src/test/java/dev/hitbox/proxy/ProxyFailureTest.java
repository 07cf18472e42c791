package dev.hitbox.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.core.StalePolicy;
import dev.hitbox.proxy.TestUpstream.Reply;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProxyFailureTest {
  private final ProxyFixture f = new ProxyFixture();
  private final CompletableFuture<Void> never = new CompletableFuture<>();

  @AfterEach
  void close() throws Exception {
    never.complete(null);
    f.close();
  }

  @Test
  void anUnreachableUpstreamGives502WithAShortBody() {
    f.start(f.settings().upstream("http://127.0.0.1:" + ProxyFixture.closedPort()).build());
    HttpResponse<String> r = f.get("/anything");
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.body()).startsWith("Bad Gateway: upstream 127.0.0.1:").contains("unreachable");
    assertThat(r.body().lines()).hasSize(1);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> t.startsWith("text/plain"));
  }

  @Test
  void aSlowUpstreamGives504() {
    f.upstream.handler(s -> Reply.ok("too late").after(never));
    f.start(f.settings().upstreamTimeout(Duration.ofMillis(300)).build());
    HttpResponse<String> r = f.get("/slow");
    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(r.body()).isEqualTo("Gateway Timeout: the upstream did not answer within 300ms\n");
  }

  @Test
  void theRequestTimeoutBoundsTheWholeAnswer() {
    f.upstream.handler(s -> Reply.ok("too late").after(never));
    f.start(f.settings().requestTimeout(Duration.ofMillis(300)).build());
    HttpResponse<String> r = f.get("/slow");
    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(r.body()).isEqualTo("Gateway Timeout: no answer within 300ms\n");
    assertThat(r.headers().firstValue("Connection")).hasValue("close");
  }

  @Test
  void withNoEntryToFallBackOnA5xxIsPassedOn() {
    f.upstream.handler(s -> Reply.ok("author"));
    f.start(f.authors(Duration.ofSeconds(10), Duration.ZERO, StalePolicy.REVALIDATE).build());
    assertThat(f.get("/api/authors/1").statusCode()).isEqualTo(200);
    f.ticker.advance(Duration.ofSeconds(11)); // no stale window, no staleIfError: gone
    f.upstream.handler(s -> Reply.of(503, "down for maintenance"));
    HttpResponse<String> r = f.get("/api/authors/1");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).isEqualTo("down for maintenance");
    assertThat(f.metrics.requests("authors", ProxyMetrics.Result.MISS)).isEqualTo(2);
    assertThat(f.metrics.staleIfError("authors")).isZero();
  }

  @Test
  void staleIfErrorServesTheStaleEntryWhenTheUpstreamAnswers5xx() {
    f.upstream.handler(s -> Reply.ok("author 1, version 1"));
    f.start(
        f.authors(Duration.ofSeconds(10), Duration.ofSeconds(60), StalePolicy.REVALIDATE).build());
    assertThat(f.get("/api/authors/1").body()).isEqualTo("author 1, version 1");

    f.ticker.advance(Duration.ofSeconds(11));
    f.upstream.handler(s -> Reply.of(503, "down for maintenance"));
    HttpResponse<String> r = f.get("/api/authors/1");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("author 1, version 1");
    assertThat(r.headers().firstValue("X-Cache-Status")).hasValue("STALE");
    assertThat(r.headers().firstValue("Cache-Status"))
        .hasValue("hitbox; fwd=stale; detail=stale-if-error");
    assertThat(r.headers().firstValue("Age")).hasValue("11");
    assertThat(f.metrics.requests("authors", ProxyMetrics.Result.STALE)).isEqualTo(1);
    assertThat(f.metrics.staleIfError("authors")).isEqualTo(1);

    // Once the upstream is back, the entry is refreshed.
    f.upstream.handler(s -> Reply.ok("author 1, version 2"));
    HttpResponse<String> fresh = f.get("/api/authors/1");
    assertThat(fresh.body()).isEqualTo("author 1, version 2");
    assertThat(fresh.headers().firstValue("X-Cache-Status")).hasValue("MISS");
  }

  @Test
  void staleIfErrorServesTheStaleEntryWhenTheUpstreamIsDown() {
    f.upstream.handler(s -> Reply.ok("author 2"));
    f.start(
        f.authors(Duration.ofSeconds(10), Duration.ofSeconds(60), StalePolicy.REVALIDATE).build());
    f.get("/api/authors/2");
    f.ticker.advance(Duration.ofSeconds(11));
    f.upstream.close(); // refuses connections from now on

    HttpResponse<String> r = f.get("/api/authors/2");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("author 2");
    assertThat(r.headers().firstValue("X-Cache-Status")).hasValue("STALE");
    assertThat(r.headers().firstValue("Cache-Status"))
        .hasValue("hitbox; fwd=stale; detail=stale-if-error");

    // Past the stale window there is nothing left to serve: 502.
    f.ticker.advance(Duration.ofSeconds(61));
    assertThat(f.get("/api/authors/2").statusCode()).isEqualTo(502);
    // A key never cached: 502 as well.
    assertThat(f.get("/api/authors/3").statusCode()).isEqualTo(502);
    assertThat(f.metrics.requests("authors", ProxyMetrics.Result.ERROR)).isEqualTo(2);
  }

  @Test
  void staleIfErrorNeverServesAStoredEntryToARequestThatMayNotShareIt() {
    f.upstream.handler(s -> Reply.ok("public author 4"));
    f.start(
        f.authors(Duration.ofSeconds(10), Duration.ofSeconds(60), StalePolicy.REVALIDATE).build());
    f.get("/api/authors/4");
    f.ticker.advance(Duration.ofSeconds(11));
    f.upstream.handler(s -> Reply.of(500, "broken"));
    HttpResponse<String> r = f.get("/api/authors/4", "Authorization", "Bearer alice");
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.body()).isEqualTo("broken");
  }
}
