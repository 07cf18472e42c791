package dev.hitbox.jdbc;

import java.util.List;

/**
 * The statements of one table in one dialect. The table name has been validated (letters, digits
 * and {@code _}), so it is safe to splice into SQL; every value is a bound parameter.
 *
 * <p>Every statement that changes both tables touches the entries table first, then the tag table,
 * so concurrent transactions take their row locks in the same order.
 */
final class Sql {
  /** The escape character of the {@code LIKE} prefilter of pattern invalidation. */
  static final char LIKE_ESCAPE = '!';

  final SqlDialect dialect;
  final String table;
  final String tags;
  final List<String> schema;
  final String probe;
  final String read;
  final String upsert;
  final String update;
  final String insert;
  final String deleteTagsOfKey;
  final String insertTag;
  final String removeLive;
  final String removeAny;
  final String selectPattern;
  final String invalidateTagLive;
  final String invalidateTagAny;
  final String deleteOrphanTagsOfTag;
  final String sweepEntries;
  final String sweepOrphanTags;
  final String count;

  Sql(SqlDialect dialect, String table) {
    this.dialect = dialect;
    this.table = table;
    this.tags = table + "_tags";
    this.schema = schema(dialect, table, tags);
    this.probe = "SELECT cache_key FROM " + table + " WHERE 1 = 0";
    this.read = "SELECT payload FROM " + table + " WHERE cache_key = ? AND expire_at > ?";
    String columns = "(cache_key, namespace, key_text, payload, stale_at, expire_at)";
    this.upsert =
        switch (dialect) {
          case SQLITE, POSTGRESQL ->
              "INSERT INTO "
                  + table
                  + " "
                  + columns
                  + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (cache_key) DO UPDATE SET"
                  + " namespace = excluded.namespace, key_text = excluded.key_text,"
                  + " payload = excluded.payload, stale_at = excluded.stale_at,"
                  + " expire_at = excluded.expire_at";
          case H2 ->
              "MERGE INTO " + table + " " + columns + " KEY (cache_key) VALUES (?, ?, ?, ?, ?, ?)";
          case STANDARD -> "";
        };
    this.update =
        "UPDATE "
            + table
            + " SET namespace = ?, key_text = ?, payload = ?, stale_at = ?, expire_at = ?"
            + " WHERE cache_key = ?";
    this.insert = "INSERT INTO " + table + " " + columns + " VALUES (?, ?, ?, ?, ?, ?)";
    this.deleteTagsOfKey = "DELETE FROM " + tags + " WHERE cache_key = ?";
    this.insertTag = "INSERT INTO " + tags + " (tag, cache_key) VALUES (?, ?)";
    this.removeLive = "DELETE FROM " + table + " WHERE cache_key = ? AND expire_at > ?";
    this.removeAny = "DELETE FROM " + table + " WHERE cache_key = ?";
    this.selectPattern =
        "SELECT cache_key, key_text FROM "
            + table
            + " WHERE namespace = ? AND key_text LIKE ? ESCAPE '"
            + LIKE_ESCAPE
            + "'";
    String tagged = "cache_key IN (SELECT cache_key FROM " + tags + " WHERE tag = ?)";
    this.invalidateTagLive = "DELETE FROM " + table + " WHERE expire_at > ? AND " + tagged;
    this.invalidateTagAny = "DELETE FROM " + table + " WHERE " + tagged;
    String orphan =
        "NOT EXISTS (SELECT 1 FROM " + table + " e WHERE e.cache_key = " + tags + ".cache_key)";
    // Only rows whose entry is gone: a concurrent write may have tagged the key again.
    this.deleteOrphanTagsOfTag = "DELETE FROM " + tags + " WHERE tag = ? AND " + orphan;
    this.sweepEntries = "DELETE FROM " + table + " WHERE expire_at <= ?";
    this.sweepOrphanTags = "DELETE FROM " + tags + " WHERE " + orphan;
    this.count = "SELECT COUNT(*) FROM " + table;
  }

  /** {@code DELETE} of the live entries among {@code n} keys. */
  String removeLiveIn(int n) {
    return "DELETE FROM " + table + " WHERE expire_at > ? AND cache_key IN (" + marks(n) + ")";
  }

  /** {@code DELETE} of the (expired) entries left among {@code n} keys. */
  String removeAnyIn(int n) {
    return "DELETE FROM " + table + " WHERE cache_key IN (" + marks(n) + ")";
  }

  /** {@code DELETE} of the tag rows of {@code n} keys whose entries are gone. */
  String deleteOrphanTagsIn(int n) {
    return "DELETE FROM "
        + tags
        + " WHERE cache_key IN ("
        + marks(n)
        + ") AND NOT EXISTS (SELECT 1 FROM "
        + table
        + " e WHERE e.cache_key = "
        + tags
        + ".cache_key)";
  }

  private static String marks(int n) {
    StringBuilder sb = new StringBuilder(n * 3);
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "?" : ", ?");
    }
    return sb.toString();
  }

  /** The {@code CREATE} statements of the schema, each safe to run again. */
  static List<String> schema(SqlDialect dialect, String table, String tags) {
    String text;
    String key;
    String bytes;
    String keyText;
    switch (dialect) {
      case SQLITE -> {
        text = "TEXT";
        key = "TEXT";
        keyText = "TEXT";
        bytes = "BLOB";
      }
      case POSTGRESQL -> {
        text = "TEXT";
        key = "TEXT";
        keyText = "TEXT";
        bytes = "BYTEA";
      }
      case H2 -> {
        text = "VARCHAR";
        key = "VARCHAR";
        keyText = "VARCHAR(1000000)";
        bytes = "BLOB";
      }
      default -> {
        text = "VARCHAR(1024)";
        key = "VARCHAR(1024)";
        keyText = "VARCHAR(32672)";
        bytes = "BLOB";
      }
    }
    return List.of(
        "CREATE TABLE IF NOT EXISTS "
            + table
            + " (cache_key "
            + key
            + " NOT NULL PRIMARY KEY, namespace "
            + (dialect == SqlDialect.STANDARD ? "VARCHAR(128)" : text)
            + " NOT NULL, key_text "
            + keyText
            + " NOT NULL, payload "
            + bytes
            + " NOT NULL, stale_at BIGINT NOT NULL, expire_at BIGINT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS " + table + "_expire_at ON " + table + " (expire_at)",
        "CREATE INDEX IF NOT EXISTS " + table + "_namespace ON " + table + " (namespace)",
        "CREATE TABLE IF NOT EXISTS "
            + tags
            + " (tag "
            + text
            + " NOT NULL, cache_key "
            + key
            + " NOT NULL, PRIMARY KEY (tag, cache_key))",
        "CREATE INDEX IF NOT EXISTS " + tags + "_key ON " + tags + " (cache_key)");
  }

  /**
   * The {@code LIKE} pattern that keeps every key text {@code glob} can match: the glob's literal
   * beginning (escapes resolved) with {@code %}, {@code _} and the escape character escaped, then
   * {@code %}. A superset: the exact match is done on each row with {@link
   * dev.hitbox.core.spi.KeyPattern}.
   */
  static String likePrefix(String glob) {
    StringBuilder sb = new StringBuilder(glob.length() + 2);
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*' || c == '?') {
        break;
      }
      if (c == '\\' && i + 1 < glob.length()) {
        c = glob.charAt(++i);
      }
      if (c == '%' || c == '_' || c == LIKE_ESCAPE) {
        sb.append(LIKE_ESCAPE);
      }
      sb.append(c);
    }
    return sb.append('%').toString();
  }
}
