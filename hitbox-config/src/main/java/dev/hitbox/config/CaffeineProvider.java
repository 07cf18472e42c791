package dev.hitbox.config;

import dev.hitbox.caffeine.CaffeineBackend;
import dev.hitbox.config.spi.BackendProvider;
import dev.hitbox.config.spi.BackendSettings;
import dev.hitbox.config.spi.ConfigNode;
import dev.hitbox.core.CacheListener;
import dev.hitbox.core.spi.Backend;
import java.util.List;
import java.util.OptionalLong;

/**
 * The in-memory backend, {@code type: Caffeine} or {@code Moka}: {@code max_capacity} or {@code
 * max_bytes}.
 */
final class CaffeineProvider implements BackendProvider {
  static final long DEFAULT_MAX_CAPACITY = 10_000;

  @Override
  public List<String> types() {
    return List.of("Caffeine", "Moka");
  }

  @Override
  public BackendSettings read(ConfigNode node) {
    OptionalLong capacity = node.integer("max_capacity", 1, Long.MAX_VALUE);
    OptionalLong bytes = node.size("max_bytes");
    if (capacity.isPresent() && bytes.isPresent()) {
      throw node.invalid("max_bytes", "either max_capacity or max_bytes, not both");
    }
    if (bytes.isPresent() && bytes.getAsLong() < 1) {
      throw node.invalid("max_bytes", "a size of at least 1 byte, such as 64MiB");
    }
    return bytes.isPresent()
        ? new Settings(0, bytes.getAsLong())
        : new Settings(capacity.orElse(DEFAULT_MAX_CAPACITY), 0);
  }

  /** Exactly one of the two bounds is positive. */
  record Settings(long maxCapacity, long maxBytes) implements BackendSettings {
    @Override
    public Backend create(BackendConfig config, CacheListener listener) {
      CaffeineBackend.Builder b = CaffeineBackend.builder();
      if (maxBytes > 0) {
        b.maxWeightBytes(maxBytes);
      } else {
        b.maxCapacity(maxCapacity);
      }
      config.name().ifPresent(b::name);
      return b.build();
    }

    @Override
    public String toString() {
      return maxBytes > 0 ? "maxBytes=" + maxBytes : "maxCapacity=" + maxCapacity;
    }
  }
}
