package dev.hitbox.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CacheStatus;
import dev.hitbox.core.CachedUpstream;
import dev.hitbox.core.KeyPart;
import dev.hitbox.core.spi.KeyExtractor;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Invalidation through a wrapped upstream: by request, key, pattern and tag. */
class EndpointInvalidationTest {
  private final EngineFixture f = new EngineFixture();
  // requests look like "author/42/page/1"
  private final CachedUpstream<String, String> cached =
      f.cached(
          EngineFixture.policy(60, 0),
          b ->
              b.extractor(
                      KeyExtractor.of(
                          r -> {
                            String[] s = r.split("/");
                            return List.of(KeyPart.of("author", s[1]), KeyPart.of("page", s[3]));
                          }))
                  .tagger((key, res) -> Set.of("author:" + key.parts().get(0).value())));

  private CacheStatus status(String request) {
    return cached.exchange(request).join().status();
  }

  @Test
  void keyOfUsesTheEndpointsExtractors() {
    CacheKey key = cached.keyOf("author/42/page/1").join();
    assertThat(key.toString()).isEqualTo("test:0:author=42&page=1");
  }

  @Test
  void invalidateByRequestAndByKey() {
    status("author/42/page/1");
    status("author/42/page/2");

    assertThat(cached.invalidate("author/42/page/1").join()).isTrue();
    assertThat(cached.invalidateKey(cached.keyOf("author/42/page/2").join()).join()).isTrue();

    assertThat(status("author/42/page/1")).isEqualTo(CacheStatus.MISS);
    assertThat(status("author/42/page/2")).isEqualTo(CacheStatus.MISS);
  }

  @Test
  void invalidateByPatternAndByTag() {
    status("author/42/page/1");
    status("author/42/page/2");
    status("author/7/page/1");

    assertThat(cached.invalidatePattern("author=42&*").join()).isEqualTo(2);
    assertThat(status("author/7/page/1")).isEqualTo(CacheStatus.HIT);

    assertThat(cached.invalidateTag("author:7").join()).isEqualTo(1);
    assertThat(status("author/7/page/1")).isEqualTo(CacheStatus.MISS);
  }
}
