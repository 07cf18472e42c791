package dev.hitbox.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.core.spi.KeyPattern;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * How a store that keeps encoded keys (as Redis or Memcached do) invalidates: patterns are matched
 * against decoded keys, which hashed keys cannot give back, while tags are kept with the entry and
 * so reach hashed keys too.
 */
class EncodedKeyInvalidationTest {
  /** The smallest such store: encoded key -> entry, and tag -> encoded keys. */
  static final class EncodedStore {
    final KeyFormat format;
    final Map<String, BackendEntry> entries = new ConcurrentHashMap<>();
    final Map<String, Set<String>> byTag = new ConcurrentHashMap<>();

    EncodedStore(KeyFormat format) {
      this.format = format;
    }

    void write(CacheKey key, BackendEntry entry) {
      String k = format.encodeToString(key);
      entries.put(k, entry);
      for (String tag : entry.tags()) {
        byTag.computeIfAbsent(tag, t -> ConcurrentHashMap.newKeySet()).add(k);
      }
    }

    long invalidatePattern(String namespace, String pattern) {
      long n = 0;
      for (String k : entries.keySet()) {
        CacheKey key = format.decode(k);
        if (key != null
            && key.namespace().equals(namespace)
            && KeyPattern.matches(pattern, key.text())
            && entries.remove(k) != null) {
          n++;
        }
      }
      return n;
    }

    long invalidateTag(String tag) {
      Set<String> keys = byTag.remove(tag);
      return keys == null ? 0 : keys.stream().filter(k -> entries.remove(k) != null).count();
    }
  }

  private static final CacheKey SHORT = CacheKey.of("posts", "user:42:post:1");
  private static final CacheKey LONG = CacheKey.of("posts", "user:42:post:" + "9".repeat(400));

  private static BackendEntry tagged(String tag) {
    return BackendEntry.of(new byte[] {1}, 1_000, 2_000, Set.of(tag));
  }

  @Test
  void patternsReachReadableKeysButNotHashedOnes() {
    for (KeyFormat format : new KeyFormat[] {KeyFormat.URL_ENCODED, KeyFormat.BITCODE}) {
      EncodedStore store = new EncodedStore(format);
      store.write(SHORT, tagged("user:42"));
      store.write(LONG, tagged("user:42"));

      assertThat(format.isHashed(format.encode(LONG))).isTrue();
      assertThat(store.invalidatePattern("posts", "user:42:*")).as(format.name()).isEqualTo(1);
      assertThat(store.entries).hasSize(1);
    }
  }

  @Test
  void tagsReachHashedKeys() {
    for (KeyFormat format : new KeyFormat[] {KeyFormat.URL_ENCODED, KeyFormat.BITCODE}) {
      EncodedStore store = new EncodedStore(format);
      store.write(SHORT, tagged("user:42"));
      store.write(LONG, tagged("user:42"));

      assertThat(store.invalidateTag("user:42")).as(format.name()).isEqualTo(2);
      assertThat(store.entries).isEmpty();
    }
  }
}
