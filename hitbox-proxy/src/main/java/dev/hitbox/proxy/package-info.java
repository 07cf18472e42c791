/**
 * The standalone caching reverse proxy: {@link dev.hitbox.proxy.HitboxProxy} runs a {@link
 * dev.hitbox.proxy.ProxyConfig} (listener settings and cached routes) on Netty, with an admin
 * listener for health, metrics, invalidation and reloads. {@link dev.hitbox.proxy.ProxyMain} is
 * {@code ./hitbox proxy --config FILE}.
 */
@NullMarked
package dev.hitbox.proxy;

import org.jspecify.annotations.NullMarked;
