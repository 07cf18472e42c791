package dev.hitbox.formats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.CompositeBackend;
import dev.hitbox.core.CompositionPolicy;
import dev.hitbox.core.HitboxCache;
import dev.hitbox.core.RefillPolicy;
import dev.hitbox.core.spi.TagInvalidator;
import dev.hitbox.testkit.FakeBackend;
import dev.hitbox.testkit.FakeTicker;
import dev.hitbox.testkit.RecordingListener;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a user of a tiered cache with a binary format and compression sees end to end. */
class StoredValuesTest {
  record Page(String path, String html, List<String> links) {}

  private final FakeTicker ticker = new FakeTicker();
  private final FakeBackend l1 = new FakeBackend(ticker);
  private final FakeBackend l2 = new FakeBackend(ticker);
  private final RecordingListener listener = new RecordingListener();
  private final CacheKey key = CacheKey.of("pages", "/home");
  private final Page home = new Page("/home", "<p>hello</p>".repeat(400), List.of("/a", "/b"));

  private HitboxCache<Page> cache(CompositeBackend tiers) {
    return HitboxCache.builder("pages", Formats.bincode(Page.class))
        .backend(tiers)
        .compressor(Compressors.zstd())
        .policy(CachePolicy.builder().ttl(Duration.ofMinutes(1)).build())
        .listener(listener)
        .ticker(ticker)
        .build();
  }

  @Test
  void everyTierStoresTheSameCompressedBincodeEnvelope() {
    HitboxCache<Page> pages = cache(l1.compose(l2));

    pages.put("/home", home).join();

    byte[] stored = l1.raw(key);
    assertThat(stored).isEqualTo(l2.raw(key));
    assertThat(stored[0]).isEqualTo((byte) 'H');
    assertThat(stored[1]).isEqualTo((byte) 'B');
    assertThat(stored[3]).as("format id: Bincode").isEqualTo((byte) 6);
    assertThat(stored[4]).as("compression id: Zstd").isEqualTo((byte) 2);
    assertThat(stored.length).isLessThan(home.html().length() / 10);
    assertThat(pages.getIfPresent("/home").join()).isEqualTo(home);
  }

  @Test
  void smallValuesAreStoredUncompressed() {
    HitboxCache<Page> pages = cache(l1.compose(l2));

    pages.put("/small", new Page("/small", "<p>hi</p>", List.of())).join();

    assertThat(l1.raw(CacheKey.of("pages", "/small"))[4]).isZero();
  }

  @Test
  void aFailingL1IsAMissForL1OnlyAndNothingOutlivesItsExpiry() {
    HitboxCache<Page> pages = cache(l1.compose(l2));
    pages.put("/home", home).join();

    l1.mode(FakeBackend.Mode.FAIL);
    assertThat(pages.getIfPresent("/home").join()).isEqualTo(home);

    l1.mode(FakeBackend.Mode.NORMAL);
    ticker.advance(Duration.ofMinutes(1).plusMillis(1));
    assertThat(pages.getIfPresent("/home").join()).isNull();
    assertThat(l1.raw(key)).isNull();
    assertThat(l2.raw(key)).isNull();
  }

  @Test
  void anL2HitRefillsL1AndTagInvalidationReachesBoth() {
    CompositeBackend tiers =
        l1.compose(l2, CompositionPolicy.builder().refill(RefillPolicy.ALWAYS).build());
    HitboxCache<Page> onlyL2 = cache(l2.compose(new FakeBackend(ticker)));
    onlyL2.put("/home", home, Set.of("site")).join();
    HitboxCache<Page> pages = cache(tiers);

    assertThat(pages.getIfPresent("/home").join()).isEqualTo(home);
    assertThat(l1.raw(key)).isEqualTo(l2.raw(key));

    assertThat(((TagInvalidator) tiers).invalidateTag("site").toCompletableFuture().join())
        .isEqualTo(1);
    assertThat(l1.raw(key)).isNull();
    assertThat(l2.raw(key)).isNull();
    assertThat(pages.getIfPresent("/home").join()).isNull();
  }

  @Test
  void garbageInL1IsAMissForL1AndL2StillServes() {
    HitboxCache<Page> pages = cache(CompositeBackend.builder(l1, l2).listener(listener).build());
    pages.put("/home", home).join();

    l1.mode(FakeBackend.Mode.GARBAGE);

    assertThat(pages.getIfPresent("/home").join()).isEqualTo(home);
    assertThat(listener.events()).contains("backend-error l1:fake read BackendException");
  }

  @Test
  void garbageInEveryTierIsAMissNotAnError() {
    HitboxCache<Page> pages = cache(l1.compose(l2));
    pages.put("/home", home).join();

    l1.mode(FakeBackend.Mode.GARBAGE);
    l2.mode(FakeBackend.Mode.GARBAGE);

    assertThat(pages.getIfPresent("/home").join()).isNull();
  }

  @Test
  void anEntryOfAnotherSchemaVersionIsACountedMiss() {
    cache(l1.compose(l2)).put("/home", home).join();
    HitboxCache<Page> v2 =
        HitboxCache.builder("pages", Formats.bincode(Page.class).withSchemaVersion(2))
            .backend(l1.compose(l2))
            .listener(listener)
            .ticker(ticker)
            .build();

    assertThat(v2.getIfPresent("/home").join()).isNull();
    assertThat(listener.count("decode-error")).isEqualTo(1);
  }
}
