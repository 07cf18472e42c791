/**
 * The Hitbox engine: wrap any {@link dev.hitbox.core.Upstream} into a {@link
 * dev.hitbox.core.CachedUpstream} with dogpile prevention, stale serving, background revalidation
 * and fail-open backends, or use the application-cache form {@link dev.hitbox.core.HitboxCache}.
 */
@NullMarked
package dev.hitbox.core;

import org.jspecify.annotations.NullMarked;
