/**
 * The Redis backend: {@link dev.hitbox.redis.RedisBackend}, built with {@link
 * dev.hitbox.redis.RedisBackend#builder()}.
 */
@NullMarked
package dev.hitbox.redis;

import org.jspecify.annotations.NullMarked;
