package dev.hitbox.core.engine;

import dev.hitbox.core.CacheEndpoint;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.CachedUpstream;
import dev.hitbox.core.OffloadManager;
import dev.hitbox.core.spi.ValueCodec;
import dev.hitbox.testkit.CountingUpstream;
import dev.hitbox.testkit.FakeBackend;
import dev.hitbox.testkit.FakeTicker;
import dev.hitbox.testkit.RecordingListener;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * The engine with fakes: a fake ticker, a map backend, a counting upstream answering {@code "v:" +
 * request}, and a recording listener. Engine tests live beside the testkit because core cannot
 * depend on it.
 */
final class EngineFixture {
  final FakeTicker ticker = new FakeTicker();
  final FakeBackend backend = new FakeBackend(ticker);
  final RecordingListener listener = new RecordingListener();
  final CountingUpstream<String, String> upstream = CountingUpstream.answering(r -> "v:" + r);
  final OffloadManager offload =
      OffloadManager.builder().executor(Runnable::run).listener(listener).build();

  static CachePolicy policy(int ttlSeconds, int staleSeconds) {
    return CachePolicy.builder()
        .ttl(Duration.ofSeconds(ttlSeconds))
        .stale(Duration.ofSeconds(staleSeconds))
        .build();
  }

  CachedUpstream<String, String> cached(CachePolicy policy) {
    return cached(policy, b -> b);
  }

  CachedUpstream<String, String> cached(
      CachePolicy policy, UnaryOperator<CacheEndpoint.Builder<String, String>> customize) {
    CacheEndpoint.Builder<String, String> b =
        CacheEndpoint.<String, String>builder("test")
            .backend(backend)
            .codec(ValueCodec.utf8())
            .policy(policy)
            .listener(listener)
            .ticker(ticker)
            .offloadManager(offload);
    return customize.apply(b).build().wrap(upstream);
  }
}
