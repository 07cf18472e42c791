package dev.hitbox.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.caffeine.CaffeineBackend;
import dev.hitbox.core.HitboxCache;
import dev.hitbox.core.spi.ValueCodec;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OpenTelemetryListenerTest {
  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  private static final AttributeKey<String> STATUS = AttributeKey.stringKey("hitbox.cache.status");
  private static final AttributeKey<String> ENDPOINT = AttributeKey.stringKey("hitbox.endpoint");

  private final HitboxCache<String> users =
      HitboxCache.builder("users", ValueCodec.utf8())
          .backend(CaffeineBackend.builder().maxCapacity(100).build())
          .listener(OpenTelemetryListener.create())
          .build();

  private void getInSpan(String spanName, String key) {
    Tracer tracer = otel.getOpenTelemetry().getTracer("test");
    Span span = tracer.spanBuilder(spanName).startSpan();
    try (Scope ignored = span.makeCurrent()) {
      users.get(key, k -> CompletableFuture.completedFuture("Ada")).join();
    } finally {
      span.end();
    }
  }

  @Test
  void eachCacheDecisionIsAnEventOnTheCurrentSpan() {
    getInSpan("first", "42");
    getInSpan("second", "42");

    List<SpanData> spans = otel.getSpans();
    assertThat(spans).extracting(SpanData::getName).containsExactly("first", "second");
    EventData miss = spans.get(0).getEvents().get(0);
    assertThat(miss.getName()).isEqualTo("hitbox.cache");
    assertThat(miss.getAttributes().get(STATUS)).isEqualTo("miss");
    assertThat(miss.getAttributes().get(ENDPOINT)).isEqualTo("users");
    assertThat(spans.get(0).getAttributes().get(STATUS)).isEqualTo("miss");
    assertThat(spans.get(1).getEvents())
        .singleElement()
        .satisfies(e -> assertThat(e.getAttributes().get(STATUS)).isEqualTo("hit"));
    assertThat(spans.get(1).getAttributes().get(STATUS)).isEqualTo("hit");
  }

  @Test
  void withoutASpanNothingIsRecordedAndNothingFails() {
    assertThat(users.get("1", k -> CompletableFuture.completedFuture("v")).join()).isEqualTo("v");
    assertThat(otel.getSpans()).isEmpty();
    assertThat(OpenTelemetryListener.isAvailable()).isTrue();
    assertThat(OpenTelemetryListener.ifAvailable()).isInstanceOf(OpenTelemetryListener.class);
  }
}
