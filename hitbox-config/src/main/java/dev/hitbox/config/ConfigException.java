package dev.hitbox.config;

import static java.util.Objects.requireNonNull;

import dev.hitbox.core.ConfigurationException;

/**
 * A configuration file could not be read or is not valid. The message names the file, the key (as a
 * path such as {@code endpoints[1].policy.Enabled.ttl}), the line and column, the value given and
 * what is allowed:
 *
 * <pre>
 * hitbox.yaml: policy.Enabled.ttl at line 12, column 10: "-5" (expected: a positive number of
 * seconds, or a duration such as 500ms, 5m, 1h)
 * </pre>
 *
 * <p>Values that came from {@code ${ENV_VAR}} substitution are shown as written in the file, never
 * substituted, so secrets do not end up in logs. Immutable.
 */
public final class ConfigException extends ConfigurationException {
  private static final long serialVersionUID = 1L;

  /** The path of errors that concern the whole document rather than one key. */
  public static final String DOCUMENT = "(document)";

  private final String source;
  private final String path;
  private final int line;
  private final int column;
  private final String reason;

  /**
   * Creates an exception; {@code line} and {@code column} are 1-based, or 0 when unknown.
   *
   * @param source the file name (or another name of the text that was read)
   * @param path the key path, e.g. {@code endpoints[1].policy.Enabled.ttl}, or {@link #DOCUMENT}
   * @param reason what is wrong, e.g. {@code "-5" (expected: a positive number of seconds)}
   */
  public ConfigException(String source, String path, int line, int column, String reason) {
    super(format(source, path, line, column, reason));
    this.source = requireNonNull(source, "source");
    this.path = requireNonNull(path, "path");
    this.line = line;
    this.column = column;
    this.reason = requireNonNull(reason, "reason");
  }

  private static String format(String source, String path, int line, int column, String reason) {
    StringBuilder sb = new StringBuilder().append(source).append(": ").append(path);
    if (line > 0) {
      sb.append(" at line ").append(line).append(", column ").append(column);
    }
    return sb.append(": ").append(reason).toString();
  }

  /** The file (or other source) that was read. */
  public String source() {
    return source;
  }

  /** The path of the key at fault, e.g. {@code backend.l2.type}, or {@link #DOCUMENT}. */
  public String path() {
    return path;
  }

  /** The 1-based line of the value at fault, or 0 when unknown. */
  public int line() {
    return line;
  }

  /** The 1-based column of the value at fault, or 0 when unknown. */
  public int column() {
    return column;
  }

  /** What is wrong: the value given and what is allowed, without the location. */
  public String reason() {
    return reason;
  }
}
