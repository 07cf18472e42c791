package dev.hitbox.config.spi;

import dev.hitbox.config.BackendConfig;
import dev.hitbox.core.CacheListener;
import dev.hitbox.core.spi.Backend;

/**
 * The settings of one backend type as read from YAML, and the factory of backends from them.
 *
 * <p>Implementations must be immutable and compare by value ({@code equals} and {@code hashCode}):
 * on reload, an endpoint whose backend settings are equal keeps its backend and its entries. A
 * {@code record} does both.
 */
public interface BackendSettings {

  /**
   * Creates a new backend.
   *
   * @param config the whole backend configuration: its name, key format, value format
   * @param listener receives the backend's own errors, e.g. a composite's per-tier errors
   * @throws dev.hitbox.core.ConfigurationException if the backend cannot be created from these
   *     settings
   */
  Backend create(BackendConfig config, CacheListener listener);

  /**
   * Whether the backends {@link #create} makes offer an invalidation bus ({@link
   * dev.hitbox.core.spi.Coordination#invalidationBus()}), so that a {@code Composition} with one as
   * a tier may say {@code coherent: true}. Default {@code false}; the Redis backend's settings
   * answer {@code true}.
   */
  default boolean offersInvalidationBus() {
    return false;
  }
}
