/**
 * Cache events as meters: {@link dev.hitbox.micrometer.MicrometerCacheListener} (Prometheus names
 * {@code hitbox_*}, and Micrometer's {@code cache.gets} / {@code cache.puts}), and {@link
 * dev.hitbox.micrometer.OpenTelemetryListener} (a span event per cache decision).
 */
@NullMarked
package dev.hitbox.micrometer;

import org.jspecify.annotations.NullMarked;
