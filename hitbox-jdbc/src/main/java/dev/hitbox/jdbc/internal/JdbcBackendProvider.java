package dev.hitbox.jdbc.internal;

import dev.hitbox.config.BackendConfig;
import dev.hitbox.config.spi.BackendProvider;
import dev.hitbox.config.spi.BackendSettings;
import dev.hitbox.config.spi.ConfigNode;
import dev.hitbox.core.CacheListener;
import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.jdbc.JdbcBackend;
import dev.hitbox.jdbc.SqlDialect;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * {@code type: Jdbc}: {@code url}, {@code username}, {@code password}, {@code table}, {@code
 * auto_create} (or {@code create_table}), {@code pool_size}, {@code sweep_interval}, {@code
 * connection_timeout}, {@code dialect}. Found by {@link java.util.ServiceLoader}; thread-safe.
 */
public final class JdbcBackendProvider implements BackendProvider {
  private static final List<String> DIALECTS = List.of("Sqlite", "Postgres", "H2", "Standard");

  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public JdbcBackendProvider() {}

  @Override
  public List<String> types() {
    return List.of("Jdbc");
  }

  @Override
  public BackendSettings read(ConfigNode node) {
    JdbcBackend.Builder check = JdbcBackend.builder();
    String url = node.string("url").orElse("jdbc:sqlite:hitbox-cache.db");
    validate(node, "url", () -> check.url(url));
    String username = node.string("username").orElse(null);
    String password = node.string("password").orElse(null);
    String table = node.string("table").orElse("hitbox_cache");
    validate(node, "table", () -> check.table(table));
    Optional<Boolean> autoCreate = node.bool("auto_create");
    Optional<Boolean> createTable = node.bool("create_table");
    if (autoCreate.isPresent() && createTable.isPresent()) {
      throw node.invalid("create_table", "either auto_create or create_table (the same), not both");
    }
    boolean create = autoCreate.or(() -> createTable).orElse(true);
    OptionalLong poolSize = node.integer("pool_size", 1, 256);
    Duration sweep = node.duration("sweep_interval").orElse(Duration.ofMinutes(1));
    Optional<Duration> timeout = node.duration("connection_timeout");
    if (timeout.isPresent() && timeout.get().toMillis() < 250) {
      throw node.invalid("connection_timeout", "at least 250ms");
    }
    String dialect = node.oneOf("dialect", DIALECTS).orElse(null);
    return new Settings(
        url,
        username,
        password,
        table,
        create,
        (int) poolSize.orElse(0),
        sweep,
        timeout.orElse(Duration.ofSeconds(5)),
        dialect);
  }

  private static void validate(ConfigNode node, String key, Runnable check) {
    try {
      check.run();
    } catch (ConfigurationException e) {
      String m = e.getMessage();
      int open = m.indexOf("(expected: ");
      throw node.invalid(
          key, open < 0 ? m : m.substring(open + "(expected: ".length(), m.length() - 1));
    }
  }

  /** The settings of one {@code Jdbc} backend; the password never shows in {@link #toString}. */
  record Settings(
      String url,
      @Nullable String username,
      @Nullable String password,
      String table,
      boolean autoCreate,
      int poolSize,
      Duration sweepInterval,
      Duration connectionTimeout,
      @Nullable String dialect)
      implements BackendSettings {

    @Override
    public Backend create(BackendConfig config, CacheListener listener) {
      JdbcBackend.Builder b =
          JdbcBackend.builder()
              .url(url)
              .table(table)
              .autoCreate(autoCreate)
              .sweepInterval(sweepInterval)
              .connectionTimeout(connectionTimeout)
              .keyFormat(config.keyFormat());
      if (username != null) {
        b.username(username);
      }
      if (password != null) {
        b.password(password);
      }
      if (poolSize > 0) {
        b.poolSize(poolSize);
      }
      if (dialect != null) {
        b.dialect(SqlDialect.byName(dialect));
      }
      config.name().ifPresent(b::name);
      return b.build();
    }

    @Override
    public String toString() {
      return "url="
          + url.replaceAll("(?i)(password|pwd)=[^&;]*", "$1=***")
          + (username != null ? ", username=" + username : "")
          + (password != null ? ", password=***" : "")
          + ", table="
          + table
          + ", autoCreate="
          + autoCreate
          + (poolSize > 0 ? ", poolSize=" + poolSize : "")
          + ", sweepInterval="
          + sweepInterval
          + (dialect != null ? ", dialect=" + dialect : "");
    }
  }
}
