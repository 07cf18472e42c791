/** Hitbox cache events as Micrometer meters and OpenTelemetry span events. */
module dev.hitbox.micrometer {
  requires transitive dev.hitbox.core;
  requires transitive micrometer.core;
  requires static io.opentelemetry.api;
  requires static io.opentelemetry.context;
  requires static org.jspecify;

  exports dev.hitbox.micrometer;
}
