package dev.hitbox.proxy.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CatalogServiceTest {
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  @Test
  void answersLaterWithoutBlockingTheCaller() throws Exception {
    CatalogService service = new CatalogService(scheduler, Duration.ofMinutes(1), 1);
    GetCatalog request = new GetCatalog("books", 3);
    CompletableFuture<String> answer = service.call(request);
    assertThat(service.calls()).isEqualTo(1);
    String body = answer.get(5, TimeUnit.SECONDS);
    assertThat(body)
        .startsWith("{\"category\":\"books\",\"page\":3,\"version\":")
        .contains("books-3-12");
    assertThat(CatalogService.versionOf(body))
        .isEqualTo(service.version(request, System.nanoTime()));
  }

  @Test
  void eachPageChangesOncePerInterval() {
    CatalogService service = new CatalogService(scheduler, Duration.ofSeconds(4), 1);
    GetCatalog request = new GetCatalog("music", 1);
    long now = System.nanoTime();
    long v = service.version(request, now);
    assertThat(service.version(request, now + Duration.ofSeconds(4).toNanos())).isEqualTo(v + 1);
    assertThat(service.version(request, now + Duration.ofSeconds(12).toNanos())).isEqualTo(v + 3);
  }
}
