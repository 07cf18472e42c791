package dev.hitbox.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.caffeine.CaffeineBackend;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A flood of distinct keys (every request a new one: a scan, an attack on the key space) through
 * the proxy onto a bounded Caffeine backend: the backend keeps its size limit and the heap after a
 * full GC stays bounded, however many keys went by.
 *
 * <p>The bound: the live heap after GC at the end of the flood exceeds the live heap measured once
 * the backend was full by at most {@value #GROWTH_BOUND_MIB} MiB, and is below {@value
 * #HEAP_BOUND_MIB} MiB in total (the suite runs with {@code -Xmx512m}). A cache that kept anything
 * per key it ever saw (an unbounded map of keys, dogpile entries or metrics labels) would grow with
 * the flood, which is ten times the capacity (100 times in the long form).
 */
class KeyFloodTest {
  private static final int CONNECTIONS = 64;
  private static final long GROWTH_BOUND_MIB = 16;
  private static final long HEAP_BOUND_MIB = 128;

  @Test
  void aKeyFloodKeepsTheBackendWithinItsLimitAndTheHeapBounded() throws Exception {
    Form form = Form.current();
    int keys = form.floodKeys();
    int capacity = form.floodCapacity();
    CaffeineBackend backend = CaffeineBackend.builder().maxCapacity(capacity).build();
    try (ItemsProxy proxy = ItemsProxy.start(backend, Duration.ofSeconds(1), 256)) {
      AtomicLong next = new AtomicLong();
      // fill the backend to its limit once, then measure, then flood with the rest
      LoadClient.Result fill =
          LoadClient.to(proxy.address())
              .connections(CONNECTIONS)
              .requests(2L * capacity)
              .paths(() -> "/items/" + next.getAndIncrement())
              .run(Duration.ofMinutes(10));
      backend.cleanUp();
      long full = liveHeapMiB();

      LoadClient.Result flood =
          LoadClient.to(proxy.address())
              .connections(CONNECTIONS)
              .requests(keys - 2L * capacity)
              .paths(() -> "/items/" + next.getAndIncrement())
              .run(Duration.ofHours(1));
      backend.cleanUp();
      long size = backend.estimatedSize();
      long after = liveHeapMiB();
      System.out.printf(
          Locale.ROOT,
          "key flood (%s form): %d distinct keys, capacity %d: fill %s; flood %s; backend size"
              + " %d; live heap after GC: %d MiB when full, %d MiB after the flood%n",
          form.name(),
          next.get(),
          capacity,
          fill,
          flood,
          size,
          full,
          after);

      assertThat(fill.failed() + flood.failed()).as("failed: %s %s", fill, flood).isZero();
      assertThat(fill.wrong.sum() + flood.wrong.sum()).isZero();
      assertThat(flood.cacheStatus("MISS"))
          .as("every key new: %s", flood)
          .isEqualTo(flood.requests.sum());
      assertThat(next.get()).isGreaterThanOrEqualTo(keys);
      assertThat(size).as("entries in the backend").isLessThanOrEqualTo(capacity);
      assertThat(after - full).as("heap growth during the flood, MiB").isLessThan(GROWTH_BOUND_MIB);
      assertThat(after).as("live heap after the flood, MiB").isLessThan(HEAP_BOUND_MIB);
    }
  }

  /** The heap in use after a full collection, in MiB. */
  private static long liveHeapMiB() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      memory.gc();
      least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
    }
    return least >> 20;
  }
}
