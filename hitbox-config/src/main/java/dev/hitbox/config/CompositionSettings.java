package dev.hitbox.config;

import dev.hitbox.config.spi.BackendSettings;
import dev.hitbox.core.CacheListener;
import dev.hitbox.core.CoherentBackend;
import dev.hitbox.core.CompositeBackend;
import dev.hitbox.core.CompositionPolicy;
import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.core.spi.InvalidationBus;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * {@code type: Composition}: two tiers, the policies, the tier timeout, and whether L1 is kept
 * coherent across processes ({@code coherent: true}: a {@link CoherentBackend} on the bus a tier
 * offers).
 */
record CompositionSettings(
    BackendConfig l1,
    BackendConfig l2,
    CompositionPolicy policy,
    @Nullable Duration tierTimeout,
    boolean coherent)
    implements BackendSettings {

  @Override
  public Backend create(BackendConfig config, CacheListener listener) {
    CompositeBackend.Builder b =
        CompositeBackend.builder(l1.create(listener), l2.create(listener))
            .policy(policy)
            .listener(listener);
    if (tierTimeout != null) {
      b.tierTimeout(tierTimeout);
    }
    config.name().ifPresent(b::name);
    CompositeBackend tiers = b.build();
    if (!coherent) {
      return tiers;
    }
    InvalidationBus bus =
        tiers
            .invalidationBus()
            .orElseThrow(
                () ->
                    new ConfigurationException(
                        "coherent: true (expected: l1 or l2 offering an invalidation bus, such as"
                            + " type Redis)"));
    CoherentBackend.Builder coherentBuilder =
        CoherentBackend.builder(tiers).bus(bus).listener(listener);
    config.name().ifPresent(coherentBuilder::name);
    return coherentBuilder.build();
  }

  @Override
  public boolean offersInvalidationBus() {
    return l1.settings().offersInvalidationBus() || l2.settings().offersInvalidationBus();
  }

  @Override
  public String toString() {
    return "l1="
        + l1
        + ", l2="
        + l2
        + ", policy="
        + policy
        + (tierTimeout == null ? "" : ", tierTimeout=" + tierTimeout)
        + (coherent ? ", coherent" : "");
  }
}
