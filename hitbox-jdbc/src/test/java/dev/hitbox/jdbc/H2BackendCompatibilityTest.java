package dev.hitbox.jdbc;

import dev.hitbox.core.spi.Backend;
import dev.hitbox.testkit.BackendCompatibilityKit;
import dev.hitbox.testkit.FakeTicker;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class H2BackendCompatibilityTest extends BackendCompatibilityKit {
  @TempDir Path dir;

  @Override
  protected Backend createBackend(FakeTicker ticker) {
    JdbcBackend b =
        JdbcBackend.builder().url("jdbc:h2:file:" + dir.resolve("cache")).ticker(ticker).build();
    return b;
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
