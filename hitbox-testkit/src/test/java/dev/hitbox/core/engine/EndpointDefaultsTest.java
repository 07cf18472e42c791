package dev.hitbox.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.core.CacheEndpoint;
import dev.hitbox.core.CompositeBackend;
import dev.hitbox.core.spi.ValueCodec;
import dev.hitbox.testkit.FakeBackend;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EndpointDefaultsTest {

  @Test
  void backendTimeoutLeavesACompositeTimeToReachItsLastTier() {
    CompositeBackend tiers =
        CompositeBackend.builder(new FakeBackend(), new FakeBackend())
            .tierTimeout(Duration.ofMillis(40))
            .build();

    CacheEndpoint<String, String> e =
        CacheEndpoint.<String, String>builder("t").backend(tiers).codec(ValueCodec.utf8()).build();
    CacheEndpoint<String, String> explicit =
        CacheEndpoint.<String, String>builder("t")
            .backend(tiers)
            .codec(ValueCodec.utf8())
            .backendTimeout(Duration.ofMillis(30))
            .build();
    CacheEndpoint<String, String> plain =
        CacheEndpoint.<String, String>builder("t")
            .backend(new FakeBackend())
            .codec(ValueCodec.utf8())
            .build();

    assertThat(e.backendTimeout()).isEqualTo(Duration.ofMillis(90));
    assertThat(explicit.backendTimeout()).isEqualTo(Duration.ofMillis(30));
    assertThat(plain.backendTimeout()).isEqualTo(CacheEndpoint.DEFAULT_BACKEND_TIMEOUT);
  }
}
