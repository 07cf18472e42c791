package dev.hitbox.testkit;

import dev.hitbox.core.spi.Backend;

class FakeBackendCompatibilityTest extends BackendCompatibilityKit {

  @Override
  protected Backend createBackend(FakeTicker ticker) {
    return new FakeBackend(ticker);
  }

  @Override
  protected boolean supportsFakeTime() {
    return true;
  }
}
