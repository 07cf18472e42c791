package dev.hitbox.micrometer;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;

/**
 * The calls into the OpenTelemetry API, apart from {@link OpenTelemetryListener} so that this class
 * is loaded only when the API is present.
 */
final class SpanEvents {
  static final AttributeKey<String> ENDPOINT = AttributeKey.stringKey("hitbox.endpoint");
  static final AttributeKey<String> STATUS = AttributeKey.stringKey("hitbox.cache.status");

  private SpanEvents() {}

  static void decision(String endpoint, String status) {
    Span span = Span.current();
    if (!span.isRecording()) {
      return;
    }
    span.setAttribute(STATUS, status);
    span.addEvent("hitbox.cache", Attributes.of(ENDPOINT, endpoint, STATUS, status));
  }

  static void dogpileWait(String endpoint) {
    Span span = Span.current();
    if (span.isRecording()) {
      span.addEvent("hitbox.dogpile.wait", Attributes.of(ENDPOINT, endpoint));
    }
  }
}
