package dev.hitbox.jdbc;

import static java.util.Objects.requireNonNull;

import dev.hitbox.core.ConfigurationException;
import java.util.Locale;

/**
 * The SQL a {@link JdbcBackend} speaks: column types of the schema it creates and how it writes an
 * entry in one statement (an upsert). Detected from the JDBC URL unless set with {@link
 * JdbcBackend.Builder#dialect(SqlDialect)}.
 */
public enum SqlDialect {
  /** SQLite 3.24 or newer ({@code jdbc:sqlite:}): {@code INSERT ... ON CONFLICT DO UPDATE}. */
  SQLITE("Sqlite"),
  /**
   * PostgreSQL 9.5 or newer ({@code jdbc:postgresql:}): {@code INSERT ... ON CONFLICT DO UPDATE}.
   */
  POSTGRESQL("Postgres"),
  /** H2 2.x ({@code jdbc:h2:}): {@code MERGE INTO ... KEY (...)}. */
  H2("H2"),
  /**
   * Any other database: standard types ({@code VARCHAR}, {@code BIGINT}, {@code BLOB}) and an
   * {@code UPDATE} followed by an {@code INSERT} when no row was updated, in one transaction.
   */
  STANDARD("Standard");

  private final String configName;

  SqlDialect(String configName) {
    this.configName = configName;
  }

  /**
   * The name in configuration: {@code Sqlite}, {@code Postgres}, {@code H2} or {@code Standard}.
   */
  public String configName() {
    return configName;
  }

  /**
   * The dialect named {@code name} in configuration (case-insensitive).
   *
   * @throws ConfigurationException naming the value and the allowed ones
   */
  public static SqlDialect byName(String name) {
    requireNonNull(name, "name");
    for (SqlDialect d : values()) {
      if (d.configName.equalsIgnoreCase(name)) {
        return d;
      }
    }
    throw new ConfigurationException(
        "dialect: \"" + name + "\" (expected one of: Sqlite, Postgres, H2, Standard)");
  }

  /** The dialect of a JDBC URL: by its sub-protocol, {@link #STANDARD} when unknown. */
  public static SqlDialect of(String jdbcUrl) {
    String u = requireNonNull(jdbcUrl, "jdbcUrl").toLowerCase(Locale.ROOT);
    if (u.startsWith("jdbc:sqlite:")) {
      return SQLITE;
    }
    if (u.startsWith("jdbc:postgresql:")) {
      return POSTGRESQL;
    }
    if (u.startsWith("jdbc:h2:")) {
      return H2;
    }
    return STANDARD;
  }
}
