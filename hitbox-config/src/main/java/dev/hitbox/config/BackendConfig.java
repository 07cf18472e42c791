package dev.hitbox.config;

import static java.util.Objects.requireNonNull;

import dev.hitbox.config.spi.BackendSettings;
import dev.hitbox.core.CacheListener;
import dev.hitbox.core.KeyFormat;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.formats.ValueFormat;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One {@code backend:} section: its type, the key format, the value format and compression the
 * endpoints using it store values with, and the type's own settings. A factory of backends: {@link
 * #create()} makes a new one each time.
 *
 * <p>Compares by value: two configurations read from equivalent YAML are equal (also with {@code
 * Moka} in one and {@code Caffeine} in the other), so after a reload a proxy keeps the backend, and
 * its entries, of every endpoint whose backend configuration is equal. Immutable and thread-safe.
 *
 * <pre>{@code
 * BackendConfig config = endpoint.backend();
 * Backend backend = config.create();
 * ValueCodec<byte[]> codec = config.valueFormat().codec(byte[].class);
 * Compressor compressor = config.compression().compressor();
 * }</pre>
 */
public final class BackendConfig {
  private final String type;
  private final @Nullable String name;
  private final KeyFormat keyFormat;
  private final ValueFormat valueFormat;
  private final CompressionConfig compression;
  private final BackendSettings settings;

  BackendConfig(
      String type,
      @Nullable String name,
      KeyFormat keyFormat,
      ValueFormat valueFormat,
      CompressionConfig compression,
      BackendSettings settings) {
    this.type = requireNonNull(type, "type");
    this.name = name;
    this.keyFormat = requireNonNull(keyFormat, "keyFormat");
    this.valueFormat = requireNonNull(valueFormat, "valueFormat");
    this.compression = requireNonNull(compression, "compression");
    this.settings = requireNonNull(settings, "settings");
  }

  /**
   * The canonical type name: {@code Caffeine} (also for {@code Moka}), {@code Composition}, or the
   * first name of a {@link dev.hitbox.config.spi.BackendProvider}, e.g. {@code Redis}.
   */
  public String type() {
    return type;
  }

  /** The name for metrics and logs, when set ({@code name:}); else the backend's default. */
  public Optional<String> name() {
    return Optional.ofNullable(name);
  }

  /**
   * How keys are encoded by backends that store bytes ({@code key: {format, max_length}}; default
   * {@code UrlEncoded}, 250). The in-memory backend stores keys as they are and ignores it.
   */
  public KeyFormat keyFormat() {
    return keyFormat;
  }

  /**
   * The value format ({@code value: {format}}; default {@code Bincode}). For a {@code Composition},
   * the one its tiers share.
   */
  public ValueFormat valueFormat() {
    return valueFormat;
  }

  /**
   * The compression of stored payloads (default none). For a {@code Composition}, the one its tiers
   * share.
   */
  public CompressionConfig compression() {
    return compression;
  }

  /** The type's own settings, e.g. the in-memory backend's capacity. */
  public BackendSettings settings() {
    return settings;
  }

  /**
   * Creates a new backend from this configuration (tiers included, for a {@code Composition}).
   *
   * @throws dev.hitbox.core.ConfigurationException if the backend cannot be created
   */
  public Backend create() {
    return create(CacheListener.NONE);
  }

  /**
   * Creates a new backend whose own errors (e.g. a composite's per-tier errors) go to {@code
   * listener}.
   *
   * @throws dev.hitbox.core.ConfigurationException if the backend cannot be created
   */
  public Backend create(CacheListener listener) {
    return settings.create(this, requireNonNull(listener, "listener"));
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof BackendConfig b
        && type.equals(b.type)
        && Objects.equals(name, b.name)
        && keyFormat.equals(b.keyFormat)
        && valueFormat.name().equals(b.valueFormat.name())
        && compression.equals(b.compression)
        && settings.equals(b.settings);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, name, keyFormat, valueFormat.name(), compression, settings);
  }

  @Override
  public String toString() {
    return type
        + "{"
        + (name == null ? "" : "name=" + name + ", ")
        + "key="
        + keyFormat
        + ", value="
        + valueFormat
        + ", compression="
        + compression.type()
        + (compression.level().isPresent() ? "(" + compression.level().getAsInt() + ")" : "")
        + ", "
        + settings
        + "}";
  }
}
