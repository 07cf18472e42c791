/** The YAML provider of {@code type: Jdbc}; not an API. */
@NullMarked
package dev.hitbox.jdbc.internal;

import org.jspecify.annotations.NullMarked;
