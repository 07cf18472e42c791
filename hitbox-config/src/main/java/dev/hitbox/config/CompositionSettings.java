package dev.hitbox.config;

import dev.hitbox.config.spi.BackendSettings;
import dev.hitbox.core.CacheListener;
import dev.hitbox.core.CompositeBackend;
import dev.hitbox.core.CompositionPolicy;
import dev.hitbox.core.spi.Backend;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** {@code type: Composition}: two tiers, the policies and the tier timeout. */
record CompositionSettings(
    BackendConfig l1, BackendConfig l2, CompositionPolicy policy, @Nullable Duration tierTimeout)
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
    return b.build();
  }

  @Override
  public String toString() {
    return "l1="
        + l1
        + ", l2="
        + l2
        + ", policy="
        + policy
        + (tierTimeout == null ? "" : ", tierTimeout=" + tierTimeout);
  }
}
