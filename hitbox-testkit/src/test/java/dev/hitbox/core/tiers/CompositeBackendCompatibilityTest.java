package dev.hitbox.core.tiers;

import dev.hitbox.core.spi.Backend;
import dev.hitbox.testkit.BackendCompatibilityKit;
import dev.hitbox.testkit.FakeBackend;
import dev.hitbox.testkit.FakeTicker;

/** Two tiers with the default policies behave as one backend. */
class CompositeBackendCompatibilityTest extends BackendCompatibilityKit {

  @Override
  protected Backend createBackend(FakeTicker ticker) {
    return new FakeBackend(ticker).compose(new FakeBackend(ticker));
  }

  @Override
  protected boolean supportsFakeTime() {
    return true;
  }
}
