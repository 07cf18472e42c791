package dev.hitbox.jdbc;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hitbox.core.spi.Backend;
import dev.hitbox.testkit.BackendCompatibilityKit;
import dev.hitbox.testkit.FakeTicker;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Skipped, saying why, when no PostgreSQL server binaries are installed. */
class PostgresBackendCompatibilityTest extends BackendCompatibilityKit {
  private static @Nullable PostgresServer server;

  @BeforeAll
  static void startPostgres() throws Exception {
    Optional<String> why = PostgresServer.unavailable();
    assumeTrue(why.isEmpty(), () -> "PostgreSQL test skipped: " + why.orElse(""));
    server = PostgresServer.start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    PostgresServer s = server;
    server = null;
    if (s != null) {
      s.close();
    }
  }

  @Override
  protected Backend createBackend(FakeTicker ticker) {
    PostgresServer s = server;
    if (s == null) {
      throw new IllegalStateException("postgres is not running");
    }
    return JdbcBackend.builder().url(s.url()).username("postgres").ticker(ticker).build();
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
