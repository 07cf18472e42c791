package dev.hitbox.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.CacheResult;
import dev.hitbox.core.CacheStatus;
import dev.hitbox.core.CachedUpstream;
import dev.hitbox.core.Lifetime;
import dev.hitbox.core.StalePolicy;
import dev.hitbox.core.Upstream;
import dev.hitbox.core.spi.Revalidator;
import dev.hitbox.core.spi.ValueCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Per-response lifetimes, reuse checks and conditional revalidation. */
class ResponseHooksTest {
  private final EngineFixture f = new EngineFixture();

  @Test
  void aResponseCanCarryItsOwnLifetime() {
    CachedUpstream<String, String> cached =
        f.cached(
            EngineFixture.policy(60, 0),
            b ->
                b.lifetime(
                    r ->
                        r.contains("short")
                            ? Lifetime.of(Duration.ofSeconds(5), Duration.ZERO)
                            : null));
    cached.call("short").join();
    cached.call("long").join();

    f.ticker.advance(Duration.ofSeconds(6));

    assertThat(cached.exchange("short").join().status()).isEqualTo(CacheStatus.MISS);
    assertThat(cached.exchange("long").join().status()).isEqualTo(CacheStatus.HIT);
  }

  @Test
  void aZeroLifetimeIsAnsweredButNotStored() {
    CachedUpstream<String, String> cached =
        f.cached(
            EngineFixture.policy(60, 0),
            b -> b.lifetime(r -> Lifetime.of(Duration.ZERO, Duration.ZERO)));

    assertThat(cached.call("k").join()).isEqualTo("v:k");
    assertThat(f.backend.writes()).isZero();
    assertThat(f.listener.count("not-cacheable")).isEqualTo(1);
  }

  @Test
  void aStoredResponseThatMustNotAnswerThisRequestIsAMiss() {
    // responses are only reusable for requests that end like them: a stand-in for Vary
    CachedUpstream<String, String> cached =
        f.cached(
            EngineFixture.policy(60, 0),
            b ->
                b.extractor(dev.hitbox.core.spi.KeyExtractor.of(r -> List.of()))
                    .reuseIf((req, res) -> res.equals("v:" + req)));

    assertThat(cached.exchange("en").join().value()).isEqualTo("v:en");
    CacheResult<String> de = cached.exchange("de").join();

    assertThat(de.status()).isEqualTo(CacheStatus.MISS);
    assertThat(de.value()).isEqualTo("v:de");
    assertThat(cached.exchange("de").join().status()).isEqualTo(CacheStatus.HIT);
  }

  /** Responses are "etag|body"; a request "k?if=etag" is answered "304" when etag is current. */
  @Test
  void staleEntriesAreRevalidatedWithConditionalRequests() {
    List<String> sent = new ArrayList<>();
    String[] etag = {"e1"};
    Upstream<String, String> origin =
        req -> {
          sent.add(req);
          if (req.endsWith("?if=" + etag[0])) {
            return CompletableFuture.completedFuture("304");
          }
          return CompletableFuture.completedFuture(etag[0] + "|body-" + etag[0]);
        };
    Revalidator<String, String> conditional =
        new Revalidator<>() {
          @Override
          public String conditional(String request, String stale) {
            return request + "?if=" + stale.substring(0, stale.indexOf('|'));
          }

          @Override
          public @Nullable String notModified(String stale, String response) {
            return response.equals("304") ? stale : null;
          }
        };
    CachedUpstream<String, String> cached =
        dev.hitbox.core.CacheEndpoint.<String, String>builder("cond")
            .backend(f.backend)
            .codec(ValueCodec.utf8())
            .ticker(f.ticker)
            .policy(
                CachePolicy.builder()
                    .ttl(Duration.ofSeconds(10))
                    .stale(Duration.ofSeconds(60))
                    .stalePolicy(StalePolicy.REVALIDATE)
                    .build())
            .revalidator(conditional)
            .build()
            .wrap(origin);

    assertThat(cached.call("k").join()).isEqualTo("e1|body-e1");
    f.ticker.advance(Duration.ofSeconds(11));

    // not modified: the stale body is served and stored fresh again
    assertThat(cached.call("k").join()).isEqualTo("e1|body-e1");
    assertThat(sent).containsExactly("k", "k?if=e1");
    assertThat(cached.exchange("k").join().status()).isEqualTo(CacheStatus.HIT);

    // modified: the new body replaces it
    etag[0] = "e2";
    f.ticker.advance(Duration.ofSeconds(11));
    assertThat(cached.call("k").join()).isEqualTo("e2|body-e2");
    assertThat(sent).containsExactly("k", "k?if=e1", "k?if=e1");
  }

  @Test
  void aWaiterWhoseRequestTheLeadersAnswerMayNotServeGoesUpstreamItself() {
    CachedUpstream<String, String> cached =
        f.cached(
            CachePolicy.builder().ttl(Duration.ofSeconds(60)).concurrency(1).build(),
            b ->
                b.extractor(dev.hitbox.core.spi.KeyExtractor.of(r -> List.of()))
                    .reuseIf((req, res) -> res.equals("v:" + req)));
    f.upstream.hold();

    CompletableFuture<String> en = cached.call("en");
    CompletableFuture<String> de = cached.call("de");
    f.upstream.release();
    org.awaitility.Awaitility.await().until(() -> de.isDone());

    assertThat(en.join()).isEqualTo("v:en");
    assertThat(de.join()).isEqualTo("v:de");
    assertThat(f.upstream.calls()).isEqualTo(2);
  }
}
