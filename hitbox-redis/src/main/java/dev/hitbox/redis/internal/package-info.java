/** What makes the Redis backend configurable from YAML; not an API. */
@NullMarked
package dev.hitbox.redis.internal;

import org.jspecify.annotations.NullMarked;
