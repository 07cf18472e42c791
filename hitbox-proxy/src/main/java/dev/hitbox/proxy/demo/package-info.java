/**
 * {@code ./hitbox demo}: the API-gateway case study run in-process, a simulated catalog service
 * measured without and with a Hitbox cache in front of it. Start with {@link
 * dev.hitbox.proxy.demo.Demo}.
 */
@NullMarked
package dev.hitbox.proxy.demo;

import org.jspecify.annotations.NullMarked;
