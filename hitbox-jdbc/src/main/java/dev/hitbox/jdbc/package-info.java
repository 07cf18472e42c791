/** The SQL backend over JDBC: {@link dev.hitbox.jdbc.JdbcBackend}. */
@NullMarked
package dev.hitbox.jdbc;

import org.jspecify.annotations.NullMarked;
