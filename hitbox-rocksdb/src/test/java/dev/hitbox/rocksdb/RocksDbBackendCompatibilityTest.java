package dev.hitbox.rocksdb;

import dev.hitbox.core.spi.Backend;
import dev.hitbox.testkit.BackendCompatibilityKit;
import dev.hitbox.testkit.FakeTicker;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The kit against a real RocksDB database in a temporary directory. */
class RocksDbBackendCompatibilityTest extends BackendCompatibilityKit {
  @TempDir Path dir;

  @Override
  protected Backend createBackend(FakeTicker ticker) {
    return RocksDbBackend.builder().path(dir.resolve("db")).ticker(ticker).build();
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
