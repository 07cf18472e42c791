/**
 * HTTP caching on the Hitbox engine: a neutral request/response model that servers and clients
 * adapt to, HTTP predicates and key extractors, {@code Cache-Control} / {@code Vary} / {@code ETag}
 * handling and cache status headers.
 */
module dev.hitbox.http {
  requires transitive dev.hitbox.core;
  requires com.fasterxml.jackson.databind;
  // jackson-jq 1.0.0 declares no module name; this is the name derived from its jar.
  requires jackson.jq;
  requires static org.jspecify;
  // Only for dev.hitbox.http.config, which maps the YAML of hitbox-config.
  requires static dev.hitbox.config;

  exports dev.hitbox.http;
  exports dev.hitbox.http.config;
}
