package dev.hitbox.proxy.demo;

import dev.hitbox.caffeine.CaffeineBackend;
import dev.hitbox.core.CacheEndpoint;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CacheListener;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.CacheResult;
import dev.hitbox.core.CacheStatus;
import dev.hitbox.core.CachedUpstream;
import dev.hitbox.core.HotKeys;
import dev.hitbox.core.KeyPart;
import dev.hitbox.core.OffloadManager;
import dev.hitbox.core.StalePolicy;
import dev.hitbox.core.spi.KeyExtractor;
import dev.hitbox.core.spi.ValueCodec;
import dev.hitbox.proxy.demo.LoadPhase.Counters;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs the two phases of the demo, without and then with the cache, and collects the {@link
 * Report}. Each phase gets its own catalog service (same seed, so the same latency distribution);
 * the cache starts empty.
 */
final class DemoRun {
  private DemoRun() {}

  /**
   * Runs the demo; blocks for about {@code 2 * (warmUp + duration)}.
   *
   * @throws IllegalStateException if a phase broke or did not finish
   */
  static Report run(DemoOptions options, Progress progress) {
    ZipfKeys keys = new ZipfKeys(options.keys(), options.zipf());
    ScheduledThreadPoolExecutor clients = daemonScheduler("hitbox-demo-clients");
    ScheduledThreadPoolExecutor service = daemonScheduler("hitbox-demo-catalog");
    try {
      CatalogService direct = new CatalogService(service, options.changeInterval(), options.seed());
      PhaseResult noCache =
          new LoadPhase(
                  "no cache",
                  options,
                  keys,
                  direct,
                  r -> direct.call(r).thenApply(v -> CacheResult.of(v, CacheStatus.BYPASS, 0)),
                  () -> new Counters(direct.calls(), 0, 0),
                  clients)
              .run(progress.phase(0, 2, "no cache", options));
      progress.phaseDone(noCache);

      CatalogService behind = new CatalogService(service, options.changeInterval(), options.seed());
      Counting listener = new Counting();
      OffloadManager offload = OffloadManager.builder().listener(listener).build();
      CachedUpstream<GetCatalog, String> cached = endpoint(options, listener, offload).wrap(behind);
      PhaseResult withCache =
          new LoadPhase(
                  "hitbox",
                  options,
                  keys,
                  behind,
                  cached::exchange,
                  () ->
                      new Counters(behind.calls(), listener.dogpileWaits.sum(), offload.spawned()),
                  clients)
              .run(progress.phase(1, 2, "hitbox", options));
      progress.phaseDone(withCache);
      progress.done();
      return new Report(
          options,
          noCache,
          withCache,
          listener.errors.sum(),
          listener.hotKeys.top("catalog", Report.HOT_KEYS));
    } finally {
      clients.shutdownNow();
      service.shutdownNow();
    }
  }

  /** The cache of the case study: {@code catalog:{category}:{page}}, stale-while-revalidate. */
  static CacheEndpoint<GetCatalog, String> endpoint(
      DemoOptions options, CacheListener listener, OffloadManager offload) {
    return CacheEndpoint.<GetCatalog, String>builder("catalog")
        // Room for the whole catalog: nothing is evicted, entries only go stale and expire.
        .backend(CaffeineBackend.builder().maxCapacity(options.keys()).build())
        .codec(ValueCodec.utf8())
        .extractor(
            KeyExtractor.of(
                r ->
                    List.of(
                        KeyPart.of("category", r.category()),
                        KeyPart.of("page", Integer.toString(r.page())))))
        .policy(
            CachePolicy.builder()
                .ttl(options.ttl())
                .stale(options.stale())
                .stalePolicy(StalePolicy.OFFLOAD_REVALIDATE)
                .concurrency(1)
                .build())
        .listener(listener)
        .offloadManager(offload)
        .build();
  }

  static ScheduledThreadPoolExecutor daemonScheduler(String name) {
    ScheduledThreadPoolExecutor s =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, name);
              t.setDaemon(true);
              return t;
            });
    s.setRemoveOnCancelPolicy(true);
    return s;
  }

  /** Counts what the clients cannot see: dogpile waits, errors inside the cache, hot keys. */
  static final class Counting extends CacheListener {
    final LongAdder dogpileWaits = new LongAdder();
    final LongAdder errors = new LongAdder();
    final HotKeys hotKeys = HotKeys.builder().capacity(Report.HOT_KEYS).build();

    @Override
    public void onHit(CacheKey key) {
      hotKeys.record(key);
    }

    @Override
    public void onStale(CacheKey key) {
      hotKeys.record(key);
    }

    @Override
    public void onMiss(CacheKey key) {
      hotKeys.record(key);
    }

    @Override
    public void onDogpileWait(CacheKey key) {
      dogpileWaits.increment();
    }

    @Override
    public void onBackendError(String backend, String operation, Throwable error) {
      errors.increment();
    }

    @Override
    public void onDecodeError(String backend, CacheKey key, Throwable error) {
      errors.increment();
    }

    @Override
    public void onUserCodeError(String namespace, Throwable error) {
      errors.increment();
    }
  }
}
