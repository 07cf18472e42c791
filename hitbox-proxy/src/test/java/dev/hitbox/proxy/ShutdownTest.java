package dev.hitbox.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hitbox.proxy.TestUpstream.Reply;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ShutdownTest {
  private final ProxyFixture f = new ProxyFixture();

  @AfterEach
  void close() throws Exception {
    f.close();
  }

  @Test
  void closeLetsRequestsInFlightFinishAndRefusesNewOnes() {
    CompletableFuture<Void> gate = new CompletableFuture<>();
    f.upstream.handler(
        s -> s.uri().equals("/slow") ? Reply.ok("finished /slow").after(gate) : Reply.ok("warm"));
    f.start();
    int port = f.proxy.address().getPort();
    RawHttp idle = f.raw();
    assertThat(idle.send("GET /warm HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
    CompletableFuture<HttpResponse<String>> inFlight =
        f.client.sendAsync(
            HttpRequest.newBuilder(f.uri("/slow")).build(), HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(10)).until(() -> f.upstream.calls("/slow") == 1);

    CompletableFuture<Void> closing = CompletableFuture.runAsync(f.proxy::close);
    // New connections are refused; the idle keep-alive connection is closed.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
                    .isInstanceOf(IOException.class));
    assertThat(idle.closedByPeer()).isTrue();
    assertThat(closing).isNotDone();

    gate.complete(null);
    HttpResponse<String> r = inFlight.join();
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("finished /slow");
    assertThat(r.headers().firstValue("Connection")).hasValue("close");
    closing.join();
  }

  @Test
  void closeCutsRequestsStillInFlightAfterTheShutdownTimeout() {
    CompletableFuture<Void> never = new CompletableFuture<>();
    f.upstream.handler(s -> Reply.ok("never").after(never));
    f.start(f.settings().shutdownTimeout(Duration.ofMillis(200)).build());
    CompletableFuture<HttpResponse<String>> inFlight =
        f.client.sendAsync(
            HttpRequest.newBuilder(f.uri("/stuck")).build(), HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(10)).until(() -> f.proxy.inFlight() == 1);
    f.proxy.close();
    assertThat(inFlight).failsWithin(Duration.ofSeconds(10));
    never.complete(null);
  }
}
