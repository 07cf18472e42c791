package dev.hitbox.config;

import static java.util.Objects.requireNonNull;

import dev.hitbox.config.internal.Source;
import dev.hitbox.config.internal.YamlComposer;
import dev.hitbox.config.spi.BackendProvider;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads YAML configuration into {@link HitboxConfig}: substitutes {@code ${ENV_VAR}}, resolves
 * backend types (the built-in ones, those found with {@link java.util.ServiceLoader}, and those
 * given to the builder) and validates everything, failing with a {@link ConfigException} at the
 * first error. Immutable and thread-safe.
 *
 * <pre>{@code
 * ConfigLoader loader = ConfigLoader.builder()
 *     .environment(Map.of("REDIS_URL", "redis://localhost:6379"))
 *     .build();
 * HitboxConfig config = loader.load(Path.of("hitbox.yaml"));
 * }</pre>
 */
public final class ConfigLoader {
  /** The largest file read, in bytes. */
  public static final long MAX_FILE_BYTES = 4L * 1024 * 1024;

  private final Map<String, String> environment;
  private final ConfigReader reader;

  private ConfigLoader(Builder b) {
    this.environment = Map.copyOf(b.environment);
    this.reader = new ConfigReader(new BackendTypes(b.providers, b.classLoader));
  }

  /** A loader with the process environment and the backend types found on the class path. */
  public static ConfigLoader create() {
    return builder().build();
  }

  /** Starts a loader. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads and validates {@code file} (UTF-8).
   *
   * @throws ConfigException for a file that cannot be read or is not valid; its source is the file
   *     name as given
   */
  public HitboxConfig load(Path file) {
    requireNonNull(file, "file");
    String name = file.toString();
    return parse(read(file, name), name);
  }

  /** Reads a file's text, failing with a {@link ConfigException} naming the file. */
  static String read(Path file, String name) {
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        throw new ConfigException(
            name,
            ConfigException.DOCUMENT,
            0,
            0,
            size + " bytes (expected: at most " + MAX_FILE_BYTES + ")");
      }
      byte[] bytes = Files.readAllBytes(file);
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new ConfigException(
          name, ConfigException.DOCUMENT, 0, 0, "cannot be read (expected: UTF-8 text)");
    } catch (IOException e) {
      throw new ConfigException(name, ConfigException.DOCUMENT, 0, 0, "cannot be read (" + e + ")");
    }
  }

  /**
   * Reads and validates YAML text.
   *
   * @param sourceName the name errors give for the text, e.g. its file name
   * @throws ConfigException if the text is not a valid configuration
   */
  public HitboxConfig parse(String yaml, String sourceName) {
    requireNonNull(yaml, "yaml");
    requireNonNull(sourceName, "sourceName");
    Source source = new Source(sourceName, environment);
    return reader.read(YamlComposer.compose(yaml, sourceName), source);
  }

  /** Builds a {@link ConfigLoader}. Not thread-safe. */
  public static final class Builder {
    private Map<String, String> environment = System.getenv();
    private final List<BackendProvider> providers = new ArrayList<>();
    private @Nullable ClassLoader classLoader;

    private Builder() {}

    /** The variables {@code ${NAME}} placeholders are resolved in (default the process's). */
    public Builder environment(Map<String, String> environment) {
      this.environment = Map.copyOf(requireNonNull(environment, "environment"));
      return this;
    }

    /**
     * Adds a backend type; it takes precedence over a provider of the same type name found with
     * {@link java.util.ServiceLoader}.
     */
    public Builder backendProvider(BackendProvider provider) {
      providers.add(requireNonNull(provider, "provider"));
      return this;
    }

    /**
     * The class loader {@link BackendProvider}s are looked up in (default: the thread's context
     * class loader, or the module layer on the module path).
     */
    public Builder classLoader(ClassLoader classLoader) {
      this.classLoader = requireNonNull(classLoader, "classLoader");
      return this;
    }

    /**
     * Builds the loader, finding the backend providers now.
     *
     * @throws IllegalArgumentException if a provider names no type, or {@code Composition}
     * @throws java.util.ServiceConfigurationError if a provider on the class path cannot be loaded
     */
    public ConfigLoader build() {
      return new ConfigLoader(this);
    }
  }
}
