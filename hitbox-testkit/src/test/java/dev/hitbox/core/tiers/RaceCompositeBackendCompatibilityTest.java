package dev.hitbox.core.tiers;

import dev.hitbox.core.CompositionPolicy;
import dev.hitbox.core.ReadPolicy;
import dev.hitbox.core.RefillPolicy;
import dev.hitbox.core.WritePolicy;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.testkit.BackendCompatibilityKit;
import dev.hitbox.testkit.FakeBackend;
import dev.hitbox.testkit.FakeTicker;

/** Two tiers racing reads and writes, with refill, behave as one backend. */
class RaceCompositeBackendCompatibilityTest extends BackendCompatibilityKit {

  @Override
  protected Backend createBackend(FakeTicker ticker) {
    return new FakeBackend(ticker)
        .compose(
            new FakeBackend(ticker),
            CompositionPolicy.of(ReadPolicy.RACE, WritePolicy.RACE, RefillPolicy.ALWAYS));
  }

  @Override
  protected boolean supportsFakeTime() {
    return true;
  }
}
