/** What makes the Memcached backend configurable from YAML; not an API. */
@NullMarked
package dev.hitbox.memcached.internal;

import org.jspecify.annotations.NullMarked;
