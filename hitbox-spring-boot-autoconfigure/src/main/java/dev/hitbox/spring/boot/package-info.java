/**
 * Spring Boot 3 auto-configuration for Hitbox: {@link dev.hitbox.spring.boot.HitboxProperties} (the
 * {@code hitbox.*} properties, the schema of a Hitbox YAML file) and {@link
 * dev.hitbox.spring.boot.HitboxAutoConfiguration} (backend, one servlet filter per endpoint, the
 * {@code CacheManager}).
 *
 * <p>This module has no {@code module-info.java}: Spring Boot applications run on the class path,
 * where Spring's reflection needs no module opening. Its automatic module name is {@code
 * dev.hitbox.spring.boot}.
 */
@NullMarked
package dev.hitbox.spring.boot;

import org.jspecify.annotations.NullMarked;
