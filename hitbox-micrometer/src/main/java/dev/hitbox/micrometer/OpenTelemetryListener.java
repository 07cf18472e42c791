package dev.hitbox.micrometer;

import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CacheListener;

/**
 * Marks each cache decision on the current OpenTelemetry span: an event {@code hitbox.cache} with
 * the attributes {@code hitbox.endpoint} and {@code hitbox.cache.status} ({@code hit}, {@code
 * stale}, {@code miss} or {@code bypass}), and the span attribute {@code hitbox.cache.status} set
 * to the same value; a caller that waits for another caller's load adds the event {@code
 * hitbox.dogpile.wait}. Only the OpenTelemetry API is used ({@code
 * io.opentelemetry:opentelemetry-api}, an optional dependency of this module): the application
 * brings the SDK or agent it wants.
 *
 * <p>The span is {@code Span.current()} on the thread where the decision is made. With an in-memory
 * backend that is the caller's thread, so the event lands on the caller's span; with a remote
 * backend the decision is made where its read completes, and the event lands there only if the
 * backend client carries the context (instrumented clients do). Spans that do not record cost a
 * check and nothing else.
 *
 * <pre>{@code
 * endpoint.listener(CacheListener.composite(MicrometerCacheListener.of(registry),
 *                                           OpenTelemetryListener.ifAvailable()));
 * }</pre>
 *
 * <p>Thread-safe and stateless.
 */
public final class OpenTelemetryListener extends CacheListener {
  private static final boolean AVAILABLE = present("io.opentelemetry.api.trace.Span");

  private OpenTelemetryListener() {}

  /** Whether the OpenTelemetry API is on the class path. */
  public static boolean isAvailable() {
    return AVAILABLE;
  }

  /**
   * A listener that marks the current span.
   *
   * @throws IllegalStateException if the OpenTelemetry API is not on the class path
   */
  public static OpenTelemetryListener create() {
    if (!AVAILABLE) {
      throw new IllegalStateException(
          "io.opentelemetry:opentelemetry-api is not on the class path (expected: a dependency on"
              + " it to mark spans)");
    }
    return new OpenTelemetryListener();
  }

  /** {@link #create()} when the OpenTelemetry API is on the class path, else {@link #NONE}. */
  public static CacheListener ifAvailable() {
    return AVAILABLE ? new OpenTelemetryListener() : NONE;
  }

  private static boolean present(String className) {
    try {
      Class.forName(className, false, OpenTelemetryListener.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  @Override
  public void onHit(CacheKey key) {
    SpanEvents.decision(key.namespace(), "hit");
  }

  @Override
  public void onStale(CacheKey key) {
    SpanEvents.decision(key.namespace(), "stale");
  }

  @Override
  public void onMiss(CacheKey key) {
    SpanEvents.decision(key.namespace(), "miss");
  }

  @Override
  public void onBypass(String namespace) {
    SpanEvents.decision(namespace, "bypass");
  }

  @Override
  public void onDogpileWait(CacheKey key) {
    SpanEvents.dogpileWait(key.namespace());
  }

  @Override
  public String toString() {
    return "OpenTelemetryListener";
  }
}
