/** Implementation details of {@code dev.hitbox.http}; not an API. */
@NullMarked
package dev.hitbox.http.internal;

import org.jspecify.annotations.NullMarked;
