package dev.hitbox.config;

import dev.hitbox.config.spi.BackendProvider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;

/**
 * The backend types a loader knows: {@code Composition}, the built-in in-memory backend, the
 * providers found with {@link ServiceLoader}, and those given to the loader's builder (which win).
 */
final class BackendTypes {
  static final String COMPOSITION = "Composition";

  /** Types of Hitbox modules that may be missing from the class path, and those modules. */
  private static final Map<String, String> MODULES =
      Map.of(
          "Redis", "hitbox-redis",
          "Memcached", "hitbox-memcached",
          "RocksDb", "hitbox-rocksdb",
          "FeOxDb", "hitbox-rocksdb",
          "DynamoDb", "hitbox-dynamodb",
          "Jdbc", "hitbox-jdbc");

  private static final List<String> ORDER =
      List.of(
          "Caffeine",
          "Moka",
          COMPOSITION,
          "Redis",
          "Memcached",
          "RocksDb",
          "FeOxDb",
          "DynamoDb",
          "Jdbc");

  private final Map<String, BackendProvider> providers = new LinkedHashMap<>();

  BackendTypes(List<BackendProvider> extra, @Nullable ClassLoader loader) {
    register(new CaffeineProvider());
    ServiceLoader<BackendProvider> found =
        loader == null
            ? ServiceLoader.load(BackendProvider.class)
            : ServiceLoader.load(BackendProvider.class, loader);
    for (BackendProvider p : found) {
      register(p);
    }
    for (BackendProvider p : extra) {
      register(p);
    }
  }

  private void register(BackendProvider p) {
    List<String> types = p.types();
    if (types.isEmpty()) {
      throw new IllegalArgumentException(p.getClass().getName() + " names no backend type");
    }
    for (String t : types) {
      if (t.equals(COMPOSITION)) {
        throw new IllegalArgumentException(p.getClass().getName() + " may not provide " + t);
      }
      providers.put(t, p);
    }
  }

  Optional<BackendProvider> provider(String type) {
    return Optional.ofNullable(providers.get(type));
  }

  /** The canonical name of a provided type. */
  String canonical(String type) {
    BackendProvider p = providers.get(type);
    return p == null ? type : p.types().get(0);
  }

  /** The module to add for a known type that is not provided, if it is one. */
  Optional<String> missingModule(String type) {
    return providers.containsKey(type) ? Optional.empty() : Optional.ofNullable(MODULES.get(type));
  }

  /** Every type name, built-in and known first. */
  List<String> names() {
    List<String> out = new ArrayList<>(ORDER);
    for (String t : providers.keySet()) {
      if (!out.contains(t)) {
        out.add(t);
      }
    }
    return out;
  }
}
