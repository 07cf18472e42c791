package dev.hitbox.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.core.BackendException;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.KeyFormat;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.testkit.FakeTicker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the compatibility kit does not cover: SQLite files, sweeping, errors, threads. */
class JdbcBackendTest {
  private static final long HOUR = 3_600_000;

  @TempDir Path dir;
  private final FakeTicker ticker = new FakeTicker();

  private JdbcBackend.Builder sqlite(String file) {
    return JdbcBackend.builder()
        .url("jdbc:sqlite:" + dir.resolve(file))
        .ticker(ticker)
        .sweepInterval(Duration.ZERO);
  }

  @Test
  void entriesSurviveARestartOfTheProcess() {
    CacheKey k = CacheKey.of("users", "user:42");
    try (JdbcBackend first = sqlite("cache.db").build()) {
      join(first.write(k, entry("persisted", HOUR, Set.of("user:42"))));
    }

    try (JdbcBackend second = sqlite("cache.db").build()) {
      assertThat(text(join(second.read(k)))).isEqualTo("persisted");
      assertThat(join(second.invalidateTag("user:42"))).as("tag index reopened").isEqualTo(1);
      assertThat(join(second.read(k))).isNull();
    }
  }

  @Test
  void sweepDeletesExpiredRowsAndTheirTagsOnly() throws Exception {
    try (JdbcBackend b = sqlite("cache.db").build()) {
      for (int i = 0; i < 10; i++) {
        join(b.write(CacheKey.of("ns", "short-" + i), entry("v", 1_000, Set.of("t" + i, "all"))));
      }
      for (int i = 0; i < 5; i++) {
        join(b.write(CacheKey.of("ns", "long-" + i), entry("v", HOUR, Set.of("all"))));
      }
      assertThat(b.rowCount()).isEqualTo(15);
      assertThat(b.tagRowCount()).isEqualTo(25);

      assertThat(join(b.sweep())).as("nothing has expired yet").isZero();
      ticker.advance(Duration.ofSeconds(2));
      assertThat(join(b.read(CacheKey.of("ns", "short-0")))).as("expired, not swept").isNull();
      long swept = join(b.sweep());

      assertThat(swept).isEqualTo(10);
      assertThat(b.rowCount()).isEqualTo(5);
      assertThat(b.tagRowCount()).as("tag rows of the live entries").isEqualTo(5);
      assertThat(b.sweptRows()).isEqualTo(10);
      assertThat(join(b.invalidateTag("all"))).isEqualTo(5);
      assertThat(b.rowCount()).isZero();
    }
  }

  @Test
  void expiredRowsAreSweptInTheBackground() throws Exception {
    try (JdbcBackend b = sqlite("cache.db").sweepInterval(Duration.ofMillis(50)).build()) {
      for (int i = 0; i < 20; i++) {
        join(b.write(CacheKey.of("ns", "k" + i), entry("v", 1_000, Set.of("t"))));
      }
      join(b.write(CacheKey.of("ns", "live"), entry("v", HOUR, Set.of())));
      ticker.advance(Duration.ofSeconds(5));

      Awaitility.await("background sweep")
          .atMost(Duration.ofSeconds(20))
          .until(() -> b.rowCount() == 1 && b.tagRowCount() == 0);
      assertThat(b.sweptRows()).isEqualTo(20);
      assertThat(b.sweepErrors()).isZero();
    }
  }

  @Test
  void sqliteRunsInWalModeWithImmediateWriters() throws Exception {
    try (JdbcBackend b = sqlite("cache.db").build();
        Connection c = b.connection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
      assertThat(b.dialect()).isEqualTo(SqlDialect.SQLITE);
    }
  }

  @Test
  void twoBackendsOnOneSqliteFileWriteConcurrently() throws Exception {
    // Two pools on one file are two writers, as two processes would be: SQLite lets one write at
    // a time and the other waits (busy_timeout) instead of failing.
    try (JdbcBackend a = sqlite("shared.db").poolSize(2).build();
        JdbcBackend b = sqlite("shared.db").poolSize(2).build()) {
      List<CompletableFuture<Void>> writes = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        writes.add(
            a.write(CacheKey.of("ns", "a" + i), entry("a" + i, HOUR, Set.of("x")))
                .toCompletableFuture());
        writes.add(
            b.write(CacheKey.of("ns", "b" + i), entry("b" + i, HOUR, Set.of("x")))
                .toCompletableFuture());
      }
      join(CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)));

      assertThat(text(join(a.read(CacheKey.of("ns", "b499"))))).isEqualTo("b499");
      assertThat(text(join(b.read(CacheKey.of("ns", "a0"))))).isEqualTo("a0");
      assertThat(a.rowCount()).isEqualTo(1_000);
    }
  }

  @Test
  void patternInvalidationReachesKeysTooLongToDecode() {
    // Long keys are stored hashed; the key text is stored beside them, so patterns still match.
    KeyFormat format = KeyFormat.URL_ENCODED.withMaxLength(KeyFormat.MIN_MAX_LENGTH);
    try (JdbcBackend b = sqlite("cache.db").keyFormat(format).build()) {
      CacheKey longKey = CacheKey.of("ns", "posts:" + "x".repeat(500));
      CacheKey other = CacheKey.of("ns", "users:" + "x".repeat(500));
      assertThat(format.isHashed(format.encode(longKey))).isTrue();
      join(b.write(longKey, entry("v", HOUR, Set.of())));
      join(b.write(other, entry("v", HOUR, Set.of())));

      assertThat(join(b.invalidatePattern("ns", "posts:*"))).isEqualTo(1);

      assertThat(join(b.read(longKey))).isNull();
      assertThat(join(b.read(other))).isNotNull();
    }
  }

  @Test
  void patternLiteralsThatAreLikeWildcardsMatchOnlyThemselves() {
    try (JdbcBackend b = sqlite("cache.db").build()) {
      List<String> texts = List.of("a%b", "axb", "a_b", "a!b", "ab");
      for (String t : texts) {
        join(b.write(CacheKey.of("ns", t), entry(t, HOUR, Set.of())));
      }

      // the text of key a%b is a%25b: CacheKey.text() percent-encodes %
      assertThat(join(b.invalidatePattern("ns", "a%25b"))).isEqualTo(1);
      assertThat(join(b.invalidatePattern("ns", "a_*"))).isEqualTo(1);
      assertThat(join(b.invalidatePattern("ns", "a!*"))).isEqualTo(1);

      assertThat(join(b.read(CacheKey.of("ns", "axb")))).isNotNull();
      assertThat(join(b.read(CacheKey.of("ns", "ab")))).isNotNull();
    }
  }

  @Test
  void callsRunOnTheGivenExecutorNeverOnTheCaller() {
    ExecutorService threads = Executors.newFixedThreadPool(2);
    List<Thread> ran = new CopyOnWriteArrayList<>();
    try (JdbcBackend b =
        sqlite("cache.db")
            .executor(
                r ->
                    threads.execute(
                        () -> {
                          ran.add(Thread.currentThread());
                          r.run();
                        }))
            .build()) {
      CacheKey k = CacheKey.of("ns", "k");

      join(b.write(k, entry("v", HOUR, Set.of())));
      join(b.read(k));
      join(b.remove(k));
      join(b.invalidateTag("t"));
      join(b.invalidatePattern("ns", "*"));

      assertThat(ran).as("threads the calls ran on").hasSizeGreaterThanOrEqualTo(5);
      assertThat(ran).doesNotContain(Thread.currentThread());
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void inMemorySqliteKeepsItsOneConnection() {
    try (JdbcBackend b =
        JdbcBackend.builder().url("jdbc:sqlite::memory:").poolSize(8).ticker(ticker).build()) {
      CacheKey k = CacheKey.of("ns", "k");
      join(b.write(k, entry("in memory", HOUR, Set.of())));
      assertThat(text(join(b.read(k)))).isEqualTo("in memory");
    }
  }

  @Test
  void callsAfterCloseFailClearly() {
    JdbcBackend b = sqlite("cache.db").build();
    b.close();
    b.close();

    assertThatThrownBy(() -> b.read(CacheKey.of("ns", "k")).toCompletableFuture().get())
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(BackendException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(
            () ->
                b.write(CacheKey.of("ns", "k"), entry("v", HOUR, Set.of()))
                    .toCompletableFuture()
                    .get())
        .hasCauseInstanceOf(BackendException.class);
  }

  // ---------------------------------------------------------------- errors

  @Test
  void missingDirectoryIsNamed() {
    Path db = dir.resolve("no/such/dir/cache.db");

    assertThatThrownBy(() -> JdbcBackend.builder().url("jdbc:sqlite:" + db).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("url: \"jdbc:sqlite:" + db + "\"")
        .hasMessageContaining("directory " + db.getParent() + " does not exist");
  }

  @Test
  void fileInPlaceOfADirectoryIsNamed() throws Exception {
    Path file = Files.writeString(dir.resolve("plain-file"), "x");

    assertThatThrownBy(
            () -> JdbcBackend.builder().url("jdbc:sqlite:" + file.resolve("cache.db")).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(file + " is not a directory");
  }

  @Test
  void unwritableDirectoryIsNamed() throws Exception {
    Path readOnly;
    if ("root".equals(System.getProperty("user.name"))) {
      // root writes through permissions; /proc accepts no new files from anyone
      readOnly = Path.of("/proc");
    } else {
      readOnly = Files.createDirectory(dir.resolve("read-only"));
      readOnly.toFile().setWritable(false, false);
    }
    Path db = readOnly.resolve("hitbox-cache.db");

    assertThatThrownBy(() -> JdbcBackend.builder().url("jdbc:sqlite:" + db).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("url: \"jdbc:sqlite:" + db + "\"")
        .hasMessageContaining(readOnly.toString())
        .hasMessageContaining("writ");
  }

  @Test
  void urlWithoutDriverIsNamedWithoutItsPassword() {
    assertThatThrownBy(
            () ->
                JdbcBackend.builder()
                    .url("jdbc:nosuchdb://db.internal/app?user=u&password=s3cret")
                    .build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("url: \"jdbc:nosuchdb://db.internal/app?user=u&password=***\"")
        .hasMessageContaining("no JDBC driver")
        .hasMessageNotContaining("s3cret");
    assertThatThrownBy(() -> JdbcBackend.builder().url("postgresql://u:s3cret@host/db"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("url: \"postgresql://u:***@host/db\" (expected: a JDBC URL")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void unreachableDatabaseIsNamed() {
    int port = dev.hitbox.testkit.ServerProcess.freePort();
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/app";

    assertThatThrownBy(
            () ->
                JdbcBackend.builder()
                    .url(url)
                    .username("hitbox")
                    .password("s3cret")
                    .connectionTimeout(Duration.ofMillis(500))
                    .build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("url: \"" + url + "\" (cannot open the database as user hitbox")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void missingTableWithoutAutoCreateIsNamed() {
    assertThatThrownBy(() -> sqlite("cache.db").table("not_created").autoCreate(false).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("table: \"not_created\" (not usable in jdbc:sqlite:")
        .hasMessageContaining("auto_create is false");
  }

  @Test
  void tableNamesThatAreNotPlainIdentifiersAreRejected() {
    for (String bad :
        List.of(
            "", "1cache", "cache; DROP TABLE users", "cache\"", "schema.cache", "a".repeat(49))) {
      assertThatThrownBy(() -> JdbcBackend.builder().table(bad))
          .as("table %s", bad)
          .isInstanceOf(ConfigurationException.class)
          .hasMessage(
              "table: \""
                  + bad
                  + "\" (expected: 1 to 48 letters, digits or _, not starting with a digit)");
    }
    try (JdbcBackend b = sqlite("cache.db").table("Http_Cache_2").build()) {
      assertThat(b.table()).isEqualTo("Http_Cache_2");
    }
  }

  @Test
  void buildersRejectBadSettingsNamingThem() {
    assertThatThrownBy(() -> JdbcBackend.builder().poolSize(0))
        .hasMessage("pool_size: 0 (expected: 1..256)");
    assertThatThrownBy(() -> JdbcBackend.builder().poolSize(257))
        .hasMessage("pool_size: 257 (expected: 1..256)");
    assertThatThrownBy(() -> JdbcBackend.builder().sweepInterval(Duration.ofSeconds(-1)))
        .hasMessage("sweep_interval: PT-1S (expected: >= 0, 0 to turn the sweep off)");
    assertThatThrownBy(() -> JdbcBackend.builder().connectionTimeout(Duration.ofMillis(100)))
        .hasMessage("connection_timeout: PT0.1S (expected: >= 250ms)");
    assertThatThrownBy(() -> JdbcBackend.builder().name(" "))
        .hasMessage("name: \" \" (expected: non-blank)");
    assertThatThrownBy(() -> SqlDialect.byName("Oracle"))
        .hasMessage("dialect: \"Oracle\" (expected one of: Sqlite, Postgres, H2, Standard)");
  }

  @Test
  void dialectIsDetectedFromTheUrl() {
    assertThat(SqlDialect.of("jdbc:sqlite:/tmp/x.db")).isEqualTo(SqlDialect.SQLITE);
    assertThat(SqlDialect.of("jdbc:postgresql://h/db")).isEqualTo(SqlDialect.POSTGRESQL);
    assertThat(SqlDialect.of("jdbc:h2:mem:x")).isEqualTo(SqlDialect.H2);
    assertThat(SqlDialect.of("jdbc:mariadb://h/db")).isEqualTo(SqlDialect.STANDARD);
  }

  // ---------------------------------------------------------------- helpers

  private BackendEntry entry(String value, long ttlMillis, Set<String> tags) {
    long at = ticker.currentTimeMillis() + ttlMillis;
    return BackendEntry.of(value.getBytes(StandardCharsets.UTF_8), at, at, tags);
  }

  private static @Nullable String text(byte @Nullable [] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  private static <T> T join(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("call failed: " + e, e);
    }
  }
}
