package dev.hitbox.jdbc;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hitbox.core.CacheKey;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.testkit.BackendCompatibilityKit;
import dev.hitbox.testkit.FakeTicker;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

  @Test
  void schemaHasItsTablesAndIndexes() throws Exception {
    List<String> indexes = new ArrayList<>();
    try (Connection c = ((JdbcBackend) backend()).connection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT indexname FROM pg_indexes WHERE tablename IN"
                    + " ('hitbox_cache', 'hitbox_cache_tags')")) {
      while (rs.next()) {
        indexes.add(rs.getString(1));
      }
    }
    assertThat(indexes)
        .containsExactlyInAnyOrder(
            "hitbox_cache_pkey",
            "hitbox_cache_expire_at",
            "hitbox_cache_namespace",
            "hitbox_cache_tags_pkey",
            "hitbox_cache_tags_key");
  }

  @Test
  void processesSharingTheDatabaseSeeEachOthersEntriesAndInvalidations() {
    PostgresServer s = requireNonNull(server);
    JdbcBackend first = (JdbcBackend) backend();
    try (JdbcBackend second =
        JdbcBackend.builder().url(s.url()).username("postgres").ticker(ticker()).build()) {
      CacheKey k = CacheKey.of("shared-" + UUID.randomUUID(), "user:42");
      long at = ticker().currentTimeMillis() + 60_000;
      String tag = "shared-tag-" + UUID.randomUUID();
      first
          .write(k, BackendEntry.of(new byte[] {1, 2, 3}, at, at, Set.of(tag)))
          .toCompletableFuture()
          .join();

      assertThat(second.read(k).toCompletableFuture().join()).containsExactly(1, 2, 3);
      assertThat(second.invalidateTag(tag).toCompletableFuture().join()).isEqualTo(1);
      assertThat(first.read(k).toCompletableFuture().join()).isNull();
    }
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
