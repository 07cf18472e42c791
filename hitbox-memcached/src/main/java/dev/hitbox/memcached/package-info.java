/**
 * The Memcached backend: {@link dev.hitbox.memcached.MemcachedBackend}, many servers with
 * consistent hashing, pattern and tag invalidation through generation numbers.
 */
@NullMarked
package dev.hitbox.memcached;

import org.jspecify.annotations.NullMarked;
