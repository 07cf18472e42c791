package dev.hitbox.core.tiers;

import dev.hitbox.core.CompositionPolicy;
import dev.hitbox.core.ReadPolicy;
import dev.hitbox.core.RefillPolicy;
import dev.hitbox.core.WritePolicy;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.testkit.BackendCompatibilityKit;
import dev.hitbox.testkit.FakeBackend;
import dev.hitbox.testkit.FakeTicker;

/** Three tiers (L1 / L2 / L3), reading in parallel and refilling, behave as one backend. */
class NestedCompositeBackendCompatibilityTest extends BackendCompatibilityKit {

  @Override
  protected Backend createBackend(FakeTicker ticker) {
    CompositionPolicy parallel =
        CompositionPolicy.of(ReadPolicy.PARALLEL, WritePolicy.SEQUENTIAL, RefillPolicy.ALWAYS);
    Backend lower = new FakeBackend(ticker).compose(new FakeBackend(ticker), parallel);
    return new FakeBackend(ticker).compose(lower, parallel);
  }

  @Override
  protected boolean supportsFakeTime() {
    return true;
  }
}
