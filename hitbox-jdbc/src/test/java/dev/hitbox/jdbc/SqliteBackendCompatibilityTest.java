package dev.hitbox.jdbc;

import dev.hitbox.core.spi.Backend;
import dev.hitbox.testkit.BackendCompatibilityKit;
import dev.hitbox.testkit.FakeTicker;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

class SqliteBackendCompatibilityTest extends BackendCompatibilityKit {
  @TempDir Path dir;

  @Override
  protected Backend createBackend(FakeTicker ticker) {
    return JdbcBackend.builder()
        .url("jdbc:sqlite:" + dir.resolve("cache.db"))
        .ticker(ticker)
        .sweepInterval(Duration.ZERO)
        .build();
  }

  @Override
  protected boolean supportsFakeTime() {
    return true;
  }

  @Override
  protected void closeBackend(Backend backend) {
    ((JdbcBackend) backend).close();
  }
}
