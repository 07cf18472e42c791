/**
 * HTTP caching: the neutral model ({@link dev.hitbox.http.HttpRequest}, {@link
 * dev.hitbox.http.HttpResponse}, {@link dev.hitbox.http.HttpHeaders}, {@link
 * dev.hitbox.http.HttpBody}), predicates ({@link dev.hitbox.http.RequestPredicate}, {@link
 * dev.hitbox.http.ResponsePredicate}), key extractors ({@link dev.hitbox.http.HttpExtractor}) and
 * the cache itself ({@link dev.hitbox.http.HttpCache}).
 */
@NullMarked
package dev.hitbox.http;

import org.jspecify.annotations.NullMarked;
