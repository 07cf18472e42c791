package dev.hitbox.http;

import dev.hitbox.core.KeyPart;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Remembers, per key, which request headers the responses vary on, so that the next extraction adds
 * their values to the key and each variant gets its own entry. Bounded (least recently used first
 * out); losing an entry only costs a miss, since the stored variant is checked on every read.
 * Thread-safe.
 */
final class VaryRegistry {
  private final Map<List<KeyPart>, List<String>> byKey;

  VaryRegistry(int capacity) {
    this.byKey =
        new LinkedHashMap<>(64, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<List<KeyPart>, List<String>> eldest) {
            return size() > capacity;
          }
        };
  }

  synchronized @Nullable List<String> get(List<KeyPart> baseKey) {
    return byKey.get(baseKey);
  }

  synchronized void put(List<KeyPart> baseKey, List<String> varyNames) {
    byKey.put(List.copyOf(baseKey), List.copyOf(varyNames));
  }

  synchronized int size() {
    return byKey.size();
  }
}
