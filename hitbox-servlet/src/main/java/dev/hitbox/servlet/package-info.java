/**
 * The Servlet integration: {@link dev.hitbox.servlet.HitboxFilter}, a Jakarta Servlet 6 filter that
 * answers requests from an {@link dev.hitbox.http.HttpCache} and runs the rest of the filter chain
 * only when the cache needs the application's response.
 */
@NullMarked
package dev.hitbox.servlet;

import org.jspecify.annotations.NullMarked;
