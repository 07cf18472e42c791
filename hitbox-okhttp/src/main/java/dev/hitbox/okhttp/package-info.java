/**
 * HTTP caching for OkHttp: {@link dev.hitbox.okhttp.HitboxInterceptor} answers from a {@link
 * dev.hitbox.http.HttpCache} and proceeds on a miss.
 */
@NullMarked
package dev.hitbox.okhttp;

import org.jspecify.annotations.NullMarked;
