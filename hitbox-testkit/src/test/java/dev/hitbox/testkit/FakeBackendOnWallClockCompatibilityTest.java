package dev.hitbox.testkit;

import dev.hitbox.core.spi.Backend;

/** The kit's wall-clock path, the one real servers take, run against an in-memory backend. */
class FakeBackendOnWallClockCompatibilityTest extends BackendCompatibilityKit {

  @Override
  protected Backend createBackend(FakeTicker ticker) {
    return new FakeBackend();
  }
}
