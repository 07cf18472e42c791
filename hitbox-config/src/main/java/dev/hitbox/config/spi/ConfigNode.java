package dev.hitbox.config.spi;

import dev.hitbox.config.ConfigException;
import dev.hitbox.core.ConfigurationException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A YAML mapping as a {@link BackendProvider} reads it: typed getters that substitute {@code
 * ${ENV_VAR}} placeholders and fail with a {@link ConfigException} naming the key path, the line
 * and column, the value given and what is expected.
 *
 * <p>Every key a provider asks for (present or not) is an allowed key; once the provider is done,
 * any other key in the mapping is rejected as unknown, with the list of allowed keys. So a provider
 * should ask for each of its keys, also the ones it only reads under some condition.
 *
 * <p>Implemented by {@code hitbox-config} only; not thread-safe (used while one file is read).
 *
 * <pre>{@code
 * public BackendSettings read(ConfigNode node) {
 *   String uri = node.string("connection_string")
 *       .orElseThrow(() -> node.invalid("connection_string", "a redis:// or rediss:// URI"));
 *   long database = node.integer("database", 0, 15).orElse(0);
 *   Duration timeout = node.duration("command_timeout").orElse(Duration.ofSeconds(1));
 *   return new RedisSettings(uri, (int) database, timeout);
 * }
 * }</pre>
 */
public interface ConfigNode {

  /** The path of this mapping, e.g. {@code endpoints[0].backend.l2}. */
  String path();

  /**
   * The text of {@code key}, with {@code ${VAR}} substituted.
   *
   * @return empty when the key is absent or null
   * @throws ConfigException if the value is a mapping or a list, or names an unset variable
   */
  Optional<String> string(String key);

  /**
   * The integer at {@code key}, in {@code [min, max]}.
   *
   * @throws ConfigException if the value is not an integer in range
   */
  OptionalLong integer(String key, long min, long max);

  /**
   * The duration at {@code key}: an integer number of seconds, or a number with a unit {@code
   * 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d}. Zero is allowed.
   *
   * @throws ConfigException if the value is not such a duration
   */
  Optional<Duration> duration(String key);

  /**
   * The byte size at {@code key}: an integer number of bytes, or {@code 64KB}, {@code 64MB}, {@code
   * 1GB} (powers of 1000), {@code 64KiB}, {@code 64MiB}, {@code 1GiB} (powers of 1024). Zero is
   * allowed.
   *
   * @throws ConfigException if the value is not such a size
   */
  OptionalLong size(String key);

  /**
   * The boolean at {@code key}: {@code true} or {@code false}.
   *
   * @throws ConfigException if the value is neither
   */
  Optional<Boolean> bool(String key);

  /**
   * The text at {@code key}, which must be one of {@code allowed} (compared exactly).
   *
   * @throws ConfigException naming the allowed values otherwise
   */
  Optional<String> oneOf(String key, List<String> allowed);

  /**
   * The texts at {@code key}: a list of scalars, or one scalar as a list of one.
   *
   * @return an empty list when the key is absent
   * @throws ConfigException if an item is not a scalar
   */
  List<String> strings(String key);

  /**
   * The mapping at {@code key}. Its own keys are checked the same way when the provider is done.
   *
   * @throws ConfigException if the value is not a mapping
   */
  Optional<ConfigNode> mapping(String key);

  /**
   * The mappings in the list at {@code key}.
   *
   * @return an empty list when the key is absent
   * @throws ConfigException if the value is not a list of mappings
   */
  List<ConfigNode> mappings(String key);

  /**
   * An error for the value at {@code key} (or, when the key is absent, for its absence), to throw
   * when a value is well-formed but not acceptable.
   *
   * @param expected what would be acceptable, e.g. {@code "a redis:// or rediss:// URI"}
   */
  ConfigException invalid(String key, String expected);

  /**
   * An error for the value at {@code key} that a builder's validating setter refused: its message
   * ({@code "pool_size: 0 (expected: 1..256)"}) is placed at the key's file, line and column. Lets
   * a provider reuse the checks of the backend's builder instead of repeating them:
   *
   * <pre>{@code
   * try {
   *   builder.poolSize(size);
   * } catch (ConfigurationException e) {
   *   throw node.refused("pool_size", e);
   * }
   * }</pre>
   */
  ConfigException refused(String key, ConfigurationException error);
}
