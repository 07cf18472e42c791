package dev.hitbox.caffeine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.core.CacheEndpoint;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CacheListener;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.CachedUpstream;
import dev.hitbox.core.HitboxCache;
import dev.hitbox.core.spi.Compressor;
import dev.hitbox.core.spi.ValueCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The object tier: decoded values kept beside CaffeineBackend's entries, when shared. */
class ObjectTierTest {
  private static final CachePolicy POLICY =
      CachePolicy.builder().ttl(Duration.ofDays(1)).concurrency(1).build();

  private final CaffeineBackend backend = CaffeineBackend.builder().executor(Runnable::run).build();
  private final AtomicInteger loads = new AtomicInteger();

  private <V> Function<String, CompletionStage<V>> loader(V value) {
    return k -> {
      loads.incrementAndGet();
      return CompletableFuture.completedFuture(value);
    };
  }

  private HitboxCache<byte[]> bytesCache(boolean share) {
    return HitboxCache.builder("blobs", ValueCodec.bytes())
        .backend(backend)
        .policy(POLICY)
        .shareDecodedValues(share)
        .build();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void sharedHitsReturnTheSameInstance() {
    HitboxCache<byte[]> cache = bytesCache(true);
    cache.put("k", utf8("v1")).join();

    byte[] first = cache.get("k", loader(utf8("loaded"))).join();
    byte[] second = cache.get("k", loader(utf8("loaded"))).join();

    assertThat(first).isEqualTo(utf8("v1"));
    assertThat(second).isSameAs(first);
    assertThat(loads).hasValue(0);
  }

  @Test
  void unsharedHitsEachGetTheirOwnCopy() {
    HitboxCache<byte[]> cache = bytesCache(false);
    cache.put("k", utf8("v1")).join();

    byte[] first = cache.get("k", loader(utf8("loaded"))).join();
    first[0] = 'X'; // a caller changes its copy
    byte[] second = cache.get("k", loader(utf8("loaded"))).join();

    assertThat(second).isNotSameAs(first).isEqualTo(utf8("v1"));
  }

  @Test
  void immutableCodecSharesWithoutTheOption() {
    HitboxCache<String> cache =
        HitboxCache.builder("names", ValueCodec.utf8()).backend(backend).policy(POLICY).build();
    cache.put("k", "Ada").join();

    String first = cache.get("k", loader("loaded")).join();
    String second = cache.get("k", loader("loaded")).join();

    assertThat(second).isEqualTo("Ada").isSameAs(first);
    assertThat(ValueCodec.utf8().withSchemaVersion(2).immutableValues()).isTrue();
    assertThat(ValueCodec.bytes().immutableValues()).isFalse();
  }

  @Test
  void overwriteAndInvalidateNeverLeaveAnOldValueVisible() {
    HitboxCache<byte[]> cache = bytesCache(true);
    cache.put("k", utf8("v1")).join();
    byte[] old = cache.get("k", loader(utf8("loaded"))).join();

    cache.put("k", utf8("v2")).join();
    byte[] afterOverwrite = cache.get("k", loader(utf8("loaded"))).join();
    byte[] again = cache.get("k", loader(utf8("loaded"))).join();

    assertThat(afterOverwrite).isNotSameAs(old).isEqualTo(utf8("v2"));
    assertThat(again).isSameAs(afterOverwrite);

    cache.invalidate("k").join();
    assertThat(cache.getIfPresent("k").join()).isNull();
    assertThat(cache.get("k", loader(utf8("v3"))).join()).isEqualTo(utf8("v3"));
    assertThat(cache.get("k", loader(utf8("loaded"))).join()).isEqualTo(utf8("v3"));
    assertThat(loads).hasValue(1);
  }

  @Test
  void tagAndPatternInvalidationDropTheDecodedValue() {
    HitboxCache<byte[]> cache = bytesCache(true);
    cache.put("user:1", utf8("a"), Set.of("team")).join();
    cache.put("user:2", utf8("b")).join();
    assertThat(cache.get("user:1", loader(utf8("x"))).join()).isEqualTo(utf8("a"));
    assertThat(cache.get("user:2", loader(utf8("x"))).join()).isEqualTo(utf8("b"));

    assertThat(cache.invalidateTag("team").join()).isEqualTo(1);
    assertThat(cache.getIfPresent("user:1").join()).isNull();
    assertThat(cache.getIfPresent("user:2").join()).isEqualTo(utf8("b"));

    assertThat(cache.invalidatePattern("user:*").join()).isEqualTo(1);
    assertThat(cache.getIfPresent("user:2").join()).isNull();
    assertThat(cache.get("user:2", loader(utf8("c"))).join()).isEqualTo(utf8("c"));
  }

  /** Decodes UTF-8 like {@link ValueCodec#utf8()}, with the same format id, but upper-cases. */
  private static final ValueCodec<String> UPPER =
      new ValueCodec<>() {
        @Override
        public byte formatId() {
          return ValueCodec.utf8().formatId();
        }

        @Override
        public boolean immutableValues() {
          return true;
        }

        @Override
        public byte[] encode(String value) {
          return utf8(value);
        }

        @Override
        public String decode(byte[] bytes, int offset, int length) {
          return new String(bytes, offset, length, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
        }
      };

  private HitboxCache<String> shared(ValueCodec<String> codec, Compressor compressor) {
    return HitboxCache.builder("shared", codec)
        .backend(backend)
        .policy(POLICY)
        .compressor(compressor)
        .listener(listener)
        .build();
  }

  private final List<String> events = Collections.synchronizedList(new ArrayList<>());
  private final CacheListener listener =
      new CacheListener() {
        @Override
        public void onBackendRead(String backend, long durationNanos, int bytes) {
          events.add("read " + bytes);
        }

        @Override
        public void onDecodeError(String backend, CacheKey key, Throwable error) {
          events.add("decode error " + key.text());
        }
      };

  @Test
  void endpointsWithOtherCodecsOrCompressorsOnOneBackendDecodeTheirOwn() {
    HitboxCache<String> plain = shared(ValueCodec.utf8(), Compressor.none());
    HitboxCache<String> upper = shared(UPPER, Compressor.none());
    HitboxCache<String> gzip = shared(ValueCodec.utf8(), Compressor.gzip());
    HitboxCache<String> v2 = shared(ValueCodec.utf8().withSchemaVersion(2), Compressor.none());
    plain.put("k", "ada").join();

    String p1 = plain.get("k", loader("x")).join();
    String u1 = upper.get("k", loader("x")).join();
    String g1 = gzip.get("k", loader("x")).join();
    String p2 = plain.get("k", loader("x")).join();
    String g2 = gzip.get("k", loader("x")).join();
    String g3 = gzip.get("k", loader("x")).join();

    assertThat(p1).isEqualTo("ada");
    assertThat(u1).isEqualTo("ADA");
    assertThat(g1).isEqualTo("ada").isNotSameAs(p1);
    assertThat(p2).isEqualTo("ada").isNotSameAs(g1);
    assertThat(g3).isSameAs(g2);
    assertThat(loads).hasValue(0);

    // another schema version is a decode error on every read, never the memo of another codec
    assertThat(v2.getIfPresent("k").join()).isNull();
    assertThat(v2.getIfPresent("k").join()).isNull();
    assertThat(events).filteredOn(e -> e.startsWith("decode error")).hasSize(2);
    // every read reports the stored bytes, memo or not
    assertThat(events)
        .filteredOn(e -> e.startsWith("read "))
        .hasSize(8)
        .allMatch(e -> !e.equals("read 0"));
  }

  @Test
  void endpointSharesWhenAskedTo() {
    AtomicInteger calls = new AtomicInteger();
    CachedUpstream<String, byte[]> cached =
        CacheEndpoint.<String, byte[]>builder("pages")
            .backend(backend)
            .codec(ValueCodec.bytes())
            .policy(POLICY)
            .shareDecodedValues(true)
            .build()
            .wrap(
                request -> {
                  calls.incrementAndGet();
                  return CompletableFuture.completedFuture(utf8("page " + request));
                });

    byte[] miss = cached.call("/a").join();
    byte[] hit1 = cached.call("/a").join();
    byte[] hit2 = cached.call("/a").join();

    assertThat(miss).isEqualTo(utf8("page /a"));
    assertThat(hit1).isEqualTo(miss);
    assertThat(hit2).isSameAs(hit1);
    assertThat(calls).hasValue(1);
    assertThat(cached.endpoint().shareDecodedValues()).isTrue();
  }
}
