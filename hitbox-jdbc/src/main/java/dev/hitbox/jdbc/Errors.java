package dev.hitbox.jdbc;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Messages a user can act on, from what JDBC drivers and the pool throw; URLs without passwords.
 */
final class Errors {
  private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password|pwd)=[^&;]*");
  private static final Pattern USER_INFO = Pattern.compile("//([^/@:]*):[^/@]*@");

  private Errors() {}

  /** The URL with any password in it replaced by {@code ***}. */
  static String masked(String url) {
    String s = PASSWORD_PARAM.matcher(url).replaceAll("$1=***");
    return USER_INFO.matcher(s).replaceAll("//$1:***@");
  }

  /** The innermost message of a failure, with the SQL state when there is one. */
  static String message(Throwable error) {
    Throwable root = error;
    String best = null;
    for (Throwable t = error; t != null; t = t.getCause()) {
      root = t;
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        best = t.getMessage();
      }
      if (t.getCause() == t) {
        break;
      }
    }
    String m = best != null ? best.strip() : root.toString();
    if (root instanceof SQLException s && s.getSQLState() != null && !m.contains("SQLState")) {
      m += " (SQLState " + s.getSQLState() + ")";
    }
    return m;
  }

  /** Whether no driver on the class path accepts the URL. */
  static boolean noDriver(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null
          && (m.contains("No suitable driver") || m.contains("Failed to get driver instance"))) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /**
   * The database file of an SQLite URL, or {@code null} for an in-memory database or a URL whose
   * path cannot be read. {@code jdbc:sqlite:FILE}, {@code jdbc:sqlite:file:FILE?options}.
   */
  static @Nullable Path sqliteFile(String url) {
    String rest = url.substring("jdbc:sqlite:".length());
    if (rest.regionMatches(true, 0, "file:", 0, 5)) {
      rest = rest.substring(5);
    }
    int q = rest.indexOf('?');
    if (q >= 0) {
      String options = rest.substring(q + 1).toLowerCase(Locale.ROOT);
      if (options.contains("mode=memory")) {
        return null;
      }
      rest = rest.substring(0, q);
    }
    if (rest.isEmpty() || rest.equals(":memory:") || rest.startsWith(":resource:")) {
      return null;
    }
    try {
      return Path.of(rest).toAbsolutePath();
    } catch (InvalidPathException e) {
      return null;
    }
  }

  /** Whether an SQLite URL opens an in-memory database, which lives in one connection only. */
  static boolean sqliteInMemory(String url) {
    String rest = url.substring("jdbc:sqlite:".length()).toLowerCase(Locale.ROOT);
    return rest.isEmpty() || rest.contains(":memory:") || rest.contains("mode=memory");
  }

  /**
   * Why the directory of an SQLite file cannot hold it, checked before opening it: {@code null}
   * when it looks usable.
   */
  static @Nullable String sqliteDirectoryProblem(Path file) {
    Path dir = file.getParent();
    if (dir == null) {
      return null;
    }
    // Walk up to the first existing ancestor to say which part is wrong.
    Path existing = dir;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null || !existing.equals(dir)) {
      if (existing != null && !Files.isDirectory(existing)) {
        return existing + " is not a directory";
      }
      return "directory " + dir + " does not exist";
    }
    if (!Files.isDirectory(dir)) {
      return dir + " is not a directory";
    }
    if (Files.isDirectory(file)) {
      return file + " is a directory";
    }
    if (!Files.isWritable(dir) && !Files.exists(file)) {
      return "directory " + dir + " is not writable";
    }
    return null;
  }
}
