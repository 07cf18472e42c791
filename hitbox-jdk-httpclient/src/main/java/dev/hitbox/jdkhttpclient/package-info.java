/**
 * HTTP caching for {@code java.net.http.HttpClient}: {@link
 * dev.hitbox.jdkhttpclient.HitboxHttpClient} wraps a client and answers from a {@link
 * dev.hitbox.http.HttpCache}.
 */
@NullMarked
package dev.hitbox.jdkhttpclient;

import org.jspecify.annotations.NullMarked;
