/** Implementation details of the engine; not an API, may change at any time. */
@NullMarked
package dev.hitbox.core.internal;

import org.jspecify.annotations.NullMarked;
