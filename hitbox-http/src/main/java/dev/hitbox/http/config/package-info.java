/**
 * The endpoints of a {@code hitbox-config} YAML file as HTTP caches: {@link
 * dev.hitbox.http.config.HttpEndpoints} maps {@code dev.hitbox.config.EndpointConfig} and its rules
 * onto {@link dev.hitbox.http.HttpCache}, {@link dev.hitbox.http.RequestPredicate}, {@link
 * dev.hitbox.http.ResponsePredicate} and {@link dev.hitbox.http.HttpExtractor}. The standalone
 * proxy and the Spring Boot auto-configuration both use it, so a rule means the same everywhere.
 *
 * <p>Needs {@code hitbox-config} on the class path (an optional dependency of {@code hitbox-http}).
 */
@NullMarked
package dev.hitbox.http.config;

import org.jspecify.annotations.NullMarked;
