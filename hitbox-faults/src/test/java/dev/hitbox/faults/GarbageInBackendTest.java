package dev.hitbox.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hitbox.core.CacheKey;
import dev.hitbox.core.KeyPart;
import dev.hitbox.redis.RedisBackend;
import dev.hitbox.testkit.RedisServer;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Garbage, truncated and foreign-version values written straight into Redis with a raw client,
 * under the exact keys the proxy uses: not one is served. Each is a miss that goes upstream, is
 * counted ({@code hitbox_backend_errors_total{operation="decode"}}) and is then overwritten by the
 * upstream's answer, which the next request hits. A valid value planted the same way is served, so
 * the keys are the proxy's own.
 */
class GarbageInBackendTest {
  private static final int CONNECTIONS = 32;

  @Test
  void plantedGarbageIsNeverServed() throws Exception {
    Form form = Form.current();
    int planted = form.plantedValues();
    try (RedisServer redis = RedisServer.launch();
        RedisBackend backend = RedisBackend.builder().connectionString(redis.uri()).build();
        // generous, so that every planted value is read, decoded and counted on a busy machine
        ItemsProxy proxy = ItemsProxy.start(backend, Duration.ofSeconds(2), 64)) {
      RedisClient rawClient = RedisClient.create(redis.uri());
      try (StatefulRedisConnection<byte[], byte[]> raw =
          rawClient.connect(ByteArrayCodec.INSTANCE)) {
        RedisCommands<byte[], byte[]> redisRaw = raw.sync();
        Random random = new Random(42);
        long now = System.currentTimeMillis();
        Map<Planted.Kind, Integer> kinds = new EnumMap<>(Planted.Kind.class);
        Map<byte[], byte[]> batch = new LinkedHashMap<>();
        for (int i = 0; i < planted; i++) {
          Planted.Kind kind = Planted.Kind.values()[i % Planted.Kind.values().length];
          kinds.merge(kind, 1, Integer::sum);
          batch.put(key(backend, i), Planted.of(kind, path(i), now, random));
          if (batch.size() == 1_000) {
            redisRaw.mset(batch);
            batch.clear();
          }
        }
        batch.put(key(backend, planted), Planted.valid(path(planted), now)); // the control
        redisRaw.mset(batch);
        assertThat(redisRaw.dbsize()).isEqualTo(planted + 1L);

        // the control: a valid value planted the same way is served from the cache
        LoadClient.Result control =
            LoadClient.to(proxy.address())
                .connections(1)
                .requests(1)
                .paths(() -> path(planted))
                .run(Duration.ofMinutes(1));
        assertThat(control.cacheStatus("HIT")).as("the control is a hit: %s", control).isOne();
        assertThat(control.wrong.sum()).as("it carries the planted body").isOne();

        AtomicInteger next = new AtomicInteger();
        LoadClient.Result first =
            LoadClient.to(proxy.address())
                .connections(CONNECTIONS)
                .requests(planted)
                .paths(() -> path(next.getAndIncrement()))
                .run(Duration.ofMinutes(10));
        long decodeErrors = proxy.counter("hitbox_backend_errors_total", "operation=\"decode\"");

        // the proxy's writes replace every planted value with an envelope of its own
        await("every planted value overwritten")
            .atMost(Duration.ofMinutes(1))
            .until(() -> overwritten(redisRaw, backend, planted) == planted);

        next.set(0);
        LoadClient.Result second =
            LoadClient.to(proxy.address())
                .connections(CONNECTIONS)
                .requests(planted)
                .paths(() -> path(next.getAndIncrement()))
                .run(Duration.ofMinutes(10));
        System.out.printf(
            Locale.ROOT,
            "garbage (%s form): %d values planted %s; first pass: %s; decode errors counted: %d;"
                + " second pass: %s%n",
            form.name(),
            planted,
            kinds,
            first,
            decodeErrors,
            second);

        assertThat(first.wrong.sum()).as("planted values served: %s", first).isZero();
        assertThat(first.failed()).as("failed requests: %s", first).isZero();
        assertThat(first.cacheStatus("MISS")).as("misses: %s", first).isEqualTo(planted);
        assertThat(decodeErrors).as("decode errors counted").isEqualTo(planted);
        assertThat(second.ok.sum()).as("second pass: %s", second).isEqualTo(planted);
        assertThat(second.cacheStatus("HIT")).as("second pass hits: %s", second).isEqualTo(planted);
      } finally {
        rawClient.shutdown();
      }
    }
  }

  private static String path(int i) {
    return "/items/" + i;
  }

  /** The key the proxy's items endpoint reads and writes for {@code GET /items/{i}}. */
  private static byte[] key(RedisBackend backend, int i) {
    CacheKey key =
        CacheKey.of(
            ItemsProxy.ENDPOINT,
            0,
            List.of(KeyPart.of("method", "GET"), KeyPart.of("id", Integer.toString(i))));
    return backend.keyFormat().encode(key);
  }

  /** How many of the planted keys hold an HTTP response envelope (magic, version 1, format 8). */
  private static int overwritten(RedisCommands<byte[], byte[]> redis, RedisBackend backend, int n) {
    int count = 0;
    for (int from = 0; from < n; from += 1_000) {
      List<byte[]> keys = new ArrayList<>();
      for (int i = from; i < Math.min(n, from + 1_000); i++) {
        keys.add(key(backend, i));
      }
      for (KeyValue<byte[], byte[]> kv : redis.mget(keys.toArray(byte[][]::new))) {
        byte[] v = kv.getValueOrElse(new byte[0]);
        if (v.length > 44
            && v[0] == 'H'
            && v[1] == 'B'
            && v[2] == 1
            && v[3] == 8
            && !new String(v, StandardCharsets.ISO_8859_1).contains(Planted.MARK)) {
          count++;
        }
      }
    }
    return count;
  }
}
