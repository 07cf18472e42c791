/**
 * The SQL backend of Hitbox over JDBC: an embedded SQLite file by default, PostgreSQL for a cache
 * shared by many processes, H2, or any database with a JDBC driver.
 */
module dev.hitbox.jdbc {
  requires transitive dev.hitbox.core;
  requires transitive java.sql;
  requires com.zaxxer.hikari;
  requires static dev.hitbox.config;
  requires static org.jspecify;

  exports dev.hitbox.jdbc;

  provides dev.hitbox.config.spi.BackendProvider with
      dev.hitbox.jdbc.internal.JdbcBackendProvider;
}
