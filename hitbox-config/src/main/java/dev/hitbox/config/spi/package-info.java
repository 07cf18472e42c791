/**
 * What a backend module implements to be configured from YAML: a {@link
 * dev.hitbox.config.spi.BackendProvider}, found with {@link java.util.ServiceLoader}, reads its own
 * keys through a {@link dev.hitbox.config.spi.ConfigNode} into {@link
 * dev.hitbox.config.spi.BackendSettings}.
 */
@NullMarked
package dev.hitbox.config.spi;

import org.jspecify.annotations.NullMarked;
