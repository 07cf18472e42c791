package dev.hitbox.proxy.issues;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.caffeine.CaffeineBackend;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CacheStatus;
import dev.hitbox.core.KeyPart;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.http.HttpCache;
import dev.hitbox.http.HttpExtractor;
import dev.hitbox.http.HttpRequest;
import dev.hitbox.http.HttpResponse;
import dev.hitbox.proxy.ProxyMetrics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Bytes in the backend that did not decode (garbage, a truncated value, another envelope version)
 * were served as misses, as they should, but {@link ProxyMetrics} did not count them: the engine
 * reports them through {@code onDecodeError}, which it did not override, so {@code
 * hitbox_backend_errors_total} stayed at zero while a cache was full of unreadable values. They are
 * now counted with {@code operation="decode"}.
 */
class DecodeErrorsWereNotCountedTest {
  @Test
  void undecodableValuesAreCountedAsBackendErrors() throws Exception {
    ProxyMetrics metrics = ProxyMetrics.create();
    CaffeineBackend backend = CaffeineBackend.builder().build();
    HttpCache items =
        HttpCache.builder("items")
            .backend(backend)
            .listener(metrics)
            .extractor(HttpExtractor.builder().method().path("/items/{id}").build())
            .build();
    long far = System.currentTimeMillis() + 3_600_000;
    CacheKey key =
        CacheKey.of("items", 0, List.of(KeyPart.of("method", "GET"), KeyPart.of("id", "1")));
    backend
        .write(key, BackendEntry.of("garbage".getBytes(StandardCharsets.UTF_8), far, far, Set.of()))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);

    var result =
        items
            .wrap(
                request ->
                    CompletableFuture.completedFuture(
                        HttpResponse.builder().status(200).body("item 1").build()))
            .exchange(HttpRequest.builder().method("GET").uri("/items/1").build())
            .get(5, TimeUnit.SECONDS);

    assertThat(result.status()).isEqualTo(CacheStatus.MISS);
    assertThat(result.value().body().text()).isEqualTo("item 1");
    assertThat(metrics.scrape())
        .contains("hitbox_backend_errors_total{backend=\"caffeine\",operation=\"decode\"} 1\n");
  }
}
