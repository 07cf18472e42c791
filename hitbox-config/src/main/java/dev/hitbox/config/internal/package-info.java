/** The YAML reader behind {@code dev.hitbox.config}; not an API. */
@NullMarked
package dev.hitbox.config.internal;

import org.jspecify.annotations.NullMarked;
