/** The in-memory backend on Caffeine: {@link dev.hitbox.caffeine.CaffeineBackend}. */
@NullMarked
package dev.hitbox.caffeine;

import org.jspecify.annotations.NullMarked;
