/**
 * Hitbox configuration in YAML: {@link dev.hitbox.config.ConfigLoader} reads a file into an
 * immutable {@link dev.hitbox.config.HitboxConfig}, and {@link dev.hitbox.config.ConfigWatcher}
 * reloads it when it changes. Errors are {@link dev.hitbox.config.ConfigException}s that name the
 * file, line, column, key, the value given and what is allowed. See {@code docs/configuration.md}
 * and {@code dev/hitbox/config/reference.yaml}.
 */
@NullMarked
package dev.hitbox.config;

import org.jspecify.annotations.NullMarked;
