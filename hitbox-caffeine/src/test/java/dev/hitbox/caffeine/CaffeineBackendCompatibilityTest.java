package dev.hitbox.caffeine;

import dev.hitbox.core.spi.Backend;
import dev.hitbox.testkit.BackendCompatibilityKit;
import dev.hitbox.testkit.FakeTicker;

class CaffeineBackendCompatibilityTest extends BackendCompatibilityKit {

  @Override
  protected Backend createBackend(FakeTicker ticker) {
    return CaffeineBackend.builder().maxCapacity(20_000).ticker(ticker).build();
  }

  @Override
  protected boolean supportsFakeTime() {
    return true;
  }
}
