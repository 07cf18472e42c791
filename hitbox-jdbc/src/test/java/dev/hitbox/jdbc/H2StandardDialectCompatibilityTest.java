package dev.hitbox.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.core.spi.Backend;
import dev.hitbox.testkit.BackendCompatibilityKit;
import dev.hitbox.testkit.FakeTicker;
import java.util.UUID;

/** The dialect of databases Hitbox does not know (UPDATE, then INSERT), run on H2. */
class H2StandardDialectCompatibilityTest extends BackendCompatibilityKit {
  @Override
  protected Backend createBackend(FakeTicker ticker) {
    JdbcBackend b =
        JdbcBackend.builder()
            .url("jdbc:h2:mem:" + UUID.randomUUID() + "")
            .dialect(SqlDialect.STANDARD)
            .ticker(ticker)
            .build();
    assertThat(b.dialect()).isEqualTo(SqlDialect.STANDARD);
    return b;
  }

  @Override
  protected boolean supportsFakeTime() {
    return true;
  }

  @Override
  protected void closeBackend(Backend backend) {
    // the in-memory database lives as long as the pool keeps a connection to it
    ((JdbcBackend) backend).close();
  }
}
