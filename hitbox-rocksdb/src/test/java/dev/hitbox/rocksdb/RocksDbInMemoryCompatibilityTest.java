package dev.hitbox.rocksdb;

import dev.hitbox.core.KeyFormat;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.testkit.BackendCompatibilityKit;
import dev.hitbox.testkit.FakeTicker;

/** The kit against RocksDB in memory, with Bitcode keys. */
class RocksDbInMemoryCompatibilityTest extends BackendCompatibilityKit {

  @Override
  protected Backend createBackend(FakeTicker ticker) {
    return RocksDbBackend.builder()
        .inMemory()
        .keyFormat(KeyFormat.BITCODE)
        .threads(2)
        .ticker(ticker)
        .build();
  }

  @Override
  protected boolean supportsFakeTime() {
    return true;
  }

  @Override
  protected void closeBackend(Backend backend) {
    ((RocksDbBackend) backend).close();
  }
}
