/**
 * A Spring {@link org.springframework.cache.CacheManager} on the Hitbox engine ({@link
 * dev.hitbox.spring.cache.HitboxCacheManager}) and a JSON value codec for objects of any type
 * ({@link dev.hitbox.spring.cache.JacksonValueCodec}). Usable without Spring Boot.
 */
@NullMarked
package dev.hitbox.spring.cache;

import org.jspecify.annotations.NullMarked;
