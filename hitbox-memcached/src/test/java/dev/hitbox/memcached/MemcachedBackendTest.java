package dev.hitbox.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.CacheResult;
import dev.hitbox.core.CacheStatus;
import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.HitboxCache;
import dev.hitbox.core.KeyFormat;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.core.spi.ValueCodec;
import dev.hitbox.testkit.CountingUpstream;
import dev.hitbox.testkit.MemcachedServer;
import dev.hitbox.testkit.RecordingListener;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the kit does not cover: item size limits, generation records, settings. */
class MemcachedBackendTest {
  private static final long HOUR = 3_600_000;

  /** Memcached's default item size limit, 1 MiB. */
  private static MemcachedServer server;

  private MemcachedBackend backend;
  private String ns;

  @BeforeAll
  static void startServer() {
    server = MemcachedServer.launch();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void connect() throws Exception {
    backend = connected(MemcachedBackend.builder().servers(server.address()));
    ns = "t-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach
  void close() {
    backend.close();
  }

  // ---------------------------------------------------------------- item size

  @Test
  void valueOverTheLimitIsSkippedAndCountedAndTheCallerGetsTheUpstreamAnswer() {
    String big = "x".repeat(2 << 20);
    CountingUpstream<String, String> loader = CountingUpstream.answering(k -> big);
    RecordingListener listener = new RecordingListener();
    HitboxCache<String> cache = cache(listener);
    write(CacheKey.of(ns, "big"), utf8("an older, small value"));

    CacheResult<String> first = join(cache.getWithStatus("big", loader::call));
    Awaitility.await("the skipped write")
        .atMost(Duration.ofSeconds(10))
        .until(() -> backend.oversizedSkips() == 1);
    CacheResult<String> second = join(cache.getWithStatus("big", loader::call));

    assertThat(first.value()).isEqualTo(big);
    assertThat(second.value()).isEqualTo(big);
    assertThat(second.status()).as("nothing cached").isEqualTo(CacheStatus.MISS);
    assertThat(loader.calls()).isEqualTo(2);
    assertThat(listener.count("backend-error")).as("backend errors").isZero();
    assertThat(read(CacheKey.of(ns, "big"))).as("the older value is gone too").isNull();
  }

  @Test
  void valueTheServerRefusesIsSkippedAndCountedToo() throws Exception {
    // configured for 4 MiB, but the server allows 1 MiB: the server's E2BIG is a skip as well
    MemcachedBackend lax =
        connected(MemcachedBackend.builder().servers(server.address()).maxItemSize(4 << 20));
    try {
      byte[] twoMib = new byte[2 << 20];
      CacheKey k = CacheKey.of(ns, "refused");
      join(lax.write(k, BackendEntry.of(utf8("small"), now() + HOUR, now() + HOUR, Set.of())));

      join(lax.write(k, BackendEntry.of(twoMib, now() + HOUR, now() + HOUR, Set.of())));

      assertThat(lax.oversizedSkips()).isEqualTo(1);
      assertThat(join(lax.read(k))).as("no old value left behind").isNull();
      // the connection survives the refusal
      write(CacheKey.of(ns, "after"), utf8("v"));
      assertThat(join(lax.read(CacheKey.of(ns, "after")))).isEqualTo(utf8("v"));
    } finally {
      lax.close();
    }
  }

  @Test
  void valueJustUnderTheLimitIsStored() {
    byte[] almost = new byte[(1 << 20) - 512];
    Arrays.fill(almost, (byte) 7);
    CacheKey k = CacheKey.of(ns, "almost");

    write(k, almost);

    assertThat(read(k)).isEqualTo(almost);
    assertThat(backend.oversizedSkips()).isZero();
  }

  // ---------------------------------------------------------------- generation records

  @Test
  void invalidationThroughOneInstanceIsSeenByAnother() throws Exception {
    MemcachedBackend other = connected(MemcachedBackend.builder().servers(server.address()));
    try {
      CacheKey post = CacheKey.of(ns, "posts:1");
      CacheKey user = CacheKey.of(ns, "users:1");
      CacheKey tagged = CacheKey.of(ns, "tagged");
      write(post, utf8("p"));
      write(user, utf8("u"));
      join(
          backend.write(
              tagged, BackendEntry.of(utf8("t"), now() + HOUR, now() + HOUR, Set.of("a"))));

      assertThat(join(other.invalidatePattern(ns, "posts:*"))).as("count is unknown").isZero();
      assertThat(join(other.invalidateTag("a"))).isZero();

      assertThat(read(post)).isNull();
      assertThat(read(tagged)).isNull();
      assertThat(read(user)).isEqualTo(utf8("u"));
      assertThat(backend.invalidatedReads()).isEqualTo(2);
    } finally {
      other.close();
    }
  }

  @Test
  void invalidatingANamespaceOrTagNeverUsedIsANoOp() {
    assertThat(join(backend.invalidatePattern(ns + "-unused", "*"))).isZero();
    assertThat(join(backend.invalidateTag(ns + "-unused"))).isZero();
    assertThat(TextProtocol.delete(server.port(), MetaKeys.namespace(ns + "-unused")))
        .as("no record created for nothing")
        .isFalse();
  }

  @Test
  void entriesWrittenAfterAnInvalidationLive() {
    CacheKey k = CacheKey.of(ns, "posts:1");
    write(k, utf8("old"));
    join(backend.invalidatePattern(ns, "posts:*"));
    join(backend.write(k, BackendEntry.of(utf8("new"), now() + HOUR, now() + HOUR, Set.of("t"))));
    join(backend.invalidateTag("t"));
    join(backend.write(k, BackendEntry.of(utf8("newer"), now() + HOUR, now() + HOUR, Set.of("t"))));

    assertThat(read(k)).isEqualTo(utf8("newer"));
  }

  @Test
  void aFullNamespaceRecordStartsANewEpochThatInvalidatesTheWholeNamespace() throws Exception {
    MemcachedBackend small =
        connected(MemcachedBackend.builder().servers(server.address()).maxPatternsPerNamespace(2));
    try {
      CacheKey a = CacheKey.of(ns, "a");
      CacheKey b = CacheKey.of(ns, "b");
      CacheKey elsewhere = CacheKey.of(ns + "-other", "a");
      for (CacheKey k : List.of(a, b, elsewhere)) {
        join(small.write(k, BackendEntry.of(utf8("v"), now() + HOUR, now() + HOUR, Set.of())));
      }

      join(small.invalidatePattern(ns, "x1"));
      join(small.invalidatePattern(ns, "x2"));
      assertThat(join(small.read(a))).as("two patterns fit").isNotNull();
      join(small.invalidatePattern(ns, "x3"));

      assertThat(join(small.read(a))).as("the third starts a new epoch").isNull();
      assertThat(join(small.read(b))).isNull();
      assertThat(join(small.read(elsewhere))).as("other namespaces keep theirs").isNotNull();
      join(small.write(a, BackendEntry.of(utf8("again"), now() + HOUR, now() + HOUR, Set.of())));
      assertThat(join(small.read(a))).isEqualTo(utf8("again"));
    } finally {
      small.close();
    }
  }

  @Test
  void evictedGenerationRecordsMakeEntriesMissNeverLive() {
    CacheKey plain = CacheKey.of(ns, "plain");
    CacheKey tagged = CacheKey.of(ns, "tagged");
    write(plain, utf8("v"));
    join(
        backend.write(tagged, BackendEntry.of(utf8("t"), now() + HOUR, now() + HOUR, Set.of("z"))));
    String nsKey = MetaKeys.namespace(ns);

    assertThat(TextProtocol.delete(server.port(), MetaKeys.tag("z"))).isTrue();
    assertThat(read(tagged)).as("tag counter evicted").isNull();
    assertThat(read(plain)).isEqualTo(utf8("v"));

    assertThat(TextProtocol.delete(server.port(), nsKey)).isTrue();
    assertThat(read(plain)).as("namespace record evicted").isNull();
  }

  @Test
  void itemsOfOtherClientsAreErrorsNotValues() {
    CacheKey k = CacheKey.of(ns, "foreign");
    TextProtocol.set(server.port(), KeyFormat.URL_ENCODED.encodeToString(k), utf8("not ours"));

    assertThat(backend.read(k).toCompletableFuture())
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableThat()
        .withMessageContaining("not written by Hitbox");
  }

  @Test
  void longAndAwkwardTagsGetDistinctCounters() {
    String long1 = "t".repeat(300) + "1";
    String long2 = "t".repeat(300) + "2";
    List<String> tags = List.of("a b", "a%20b", "a+b", "ü", "%C3%BC", "\uD800", "?", long1, long2);
    assertThat(tags.stream().map(MetaKeys::tag).distinct()).hasSize(tags.size());
    assertThat(tags.stream().map(MetaKeys::tag))
        .allSatisfy(
            key -> {
              assertThat(key.length()).isLessThanOrEqualTo(250);
              assertThat(key.chars()).allMatch(c -> c > 0x20 && c < 0x7f);
            });
    CacheKey k = CacheKey.of(ns, "k");
    join(
        backend.write(k, BackendEntry.of(utf8("v"), now() + HOUR, now() + HOUR, Set.copyOf(tags))));

    join(backend.invalidateTag("a%20b"));
    assertThat(read(k)).isNull();
  }

  // ---------------------------------------------------------------- expiry

  @Test
  void ttlIsRoundedUpPlusOneSecondAndNeverOverflows() {
    long now = 1_700_000_000_000L;
    assertThat(MemcachedBackend.ttlSeconds(now + 1, now)).isEqualTo(2);
    assertThat(MemcachedBackend.ttlSeconds(now + 1_000, now)).isEqualTo(2);
    assertThat(MemcachedBackend.ttlSeconds(now + 1_001, now)).isEqualTo(3);
    assertThat(MemcachedBackend.ttlSeconds(now + Duration.ofDays(40).toMillis(), now))
        .as("over 30 days stays relative here; folsom makes it absolute")
        .isEqualTo(40 * 86_400 + 1);
    assertThat(MemcachedBackend.ttlSeconds(Long.MAX_VALUE, now)).as("never").isZero();
  }

  // ---------------------------------------------------------------- settings

  @Test
  void builderRejectsBadSettingsNamingThem() {
    MemcachedBackend.Builder b = MemcachedBackend.builder();
    assertThatThrownBy(() -> b.servers())
        .hasMessage("servers: [] (expected: at least one host:port)");
    assertThatThrownBy(() -> b.servers("localhost:0"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("servers: \"localhost:0\" (expected: host:port");
    assertThatThrownBy(() -> b.servers("a:1", "b:x")).hasMessageStartingWith("servers: \"b:x\"");
    assertThatThrownBy(() -> b.servers("::1")).hasMessageStartingWith("servers: \"::1\"");
    assertThatThrownBy(() -> b.servers("a:1", "a:1")).hasMessageContaining("listed twice");
    assertThatThrownBy(() -> b.maxConnections(0))
        .hasMessage("max_connections: 0 (expected: 1 to 1024)");
    assertThatThrownBy(() -> b.minConnections(-1))
        .hasMessage("min_connections: -1 (expected: 0 to 1024)");
    assertThatThrownBy(() -> b.connectTimeout(Duration.ZERO))
        .hasMessage("connect_timeout: PT0S (expected: between PT0.001S and PT10M)");
    assertThatThrownBy(() -> b.requestTimeout(Duration.ofHours(1)))
        .hasMessage("request_timeout: PT1H (expected: between PT0.001S and PT10M)");
    assertThatThrownBy(() -> b.maxItemSize(10))
        .hasMessage("max_item_size: 10 (expected: 1024 to 1073741824 bytes)");
    assertThatThrownBy(() -> b.maxPatternsPerNamespace(0))
        .hasMessage("max_patterns_per_namespace: 0 (expected: 1 to 1000)");
    assertThatThrownBy(() -> b.keyFormat(KeyFormat.BITCODE.withMaxLength(300)))
        .hasMessageStartingWith("key_format: Bitcode(maxLength=300) (expected: maxLength <= 250");
    assertThatThrownBy(() -> b.name(" ")).hasMessage("name: \" \" (expected: non-blank)");
    assertThatThrownBy(() -> MemcachedBackend.builder().maxConnections(2).minConnections(3).build())
        .hasMessage("min_connections: 3 (expected: <= max_connections 2)");
  }

  @Test
  void addressesParse() {
    assertThat(MemcachedBackend.HostPort.parse("cache-1:11212"))
        .isEqualTo(new MemcachedBackend.HostPort("cache-1", 11212));
    assertThat(MemcachedBackend.HostPort.parse("cache-1"))
        .isEqualTo(new MemcachedBackend.HostPort("cache-1", 11211));
    assertThat(MemcachedBackend.HostPort.parse("[::1]:11300"))
        .isEqualTo(new MemcachedBackend.HostPort("::1", 11300));
    assertThat(MemcachedBackend.HostPort.parse("[::1]"))
        .isEqualTo(new MemcachedBackend.HostPort("::1", 11211));
  }

  @Test
  void bitcodeKeysWork() throws Exception {
    MemcachedBackend bitcode =
        connected(
            MemcachedBackend.builder().servers(server.address()).keyFormat(KeyFormat.BITCODE));
    try {
      CacheKey k = CacheKey.builder(ns).part("a b", "ü\n").build();
      join(bitcode.write(k, BackendEntry.of(utf8("v"), now() + HOUR, now() + HOUR, Set.of())));
      assertThat(join(bitcode.read(k))).isEqualTo(utf8("v"));
      join(bitcode.invalidatePattern(ns, "a b=*"));
      assertThat(join(bitcode.read(k))).isNull();
    } finally {
      bitcode.close();
    }
  }

  @Test
  void aServerThatIsDownIsAFailedStageNotAHang() throws Exception {
    MemcachedServer gone = MemcachedServer.launch();
    MemcachedBackend b =
        connected(
            MemcachedBackend.builder()
                .servers(gone.address())
                .requestTimeout(Duration.ofSeconds(2)));
    try {
      gone.kill();
      CacheKey k = CacheKey.of(ns, "k");

      assertThat(b.read(k).toCompletableFuture()).failsWithin(Duration.ofSeconds(5));
      assertThat(
              b.write(k, BackendEntry.of(utf8("v"), now() + HOUR, now() + HOUR, Set.of()))
                  .toCompletableFuture())
          .failsWithin(Duration.ofSeconds(5));
    } finally {
      b.close();
      gone.close();
    }
  }

  // ---------------------------------------------------------------- helpers

  private HitboxCache<String> cache(RecordingListener listener) {
    return HitboxCache.builder(ns, ValueCodec.utf8())
        .backend(backend)
        .listener(listener)
        .backendTimeout(Duration.ofSeconds(5))
        .policy(CachePolicy.builder().ttl(Duration.ofHours(1)).concurrency(1).build())
        .build();
  }

  static MemcachedBackend connected(MemcachedBackend.Builder builder) throws Exception {
    MemcachedBackend b = builder.build();
    b.connected().get(10, TimeUnit.SECONDS);
    return b;
  }

  private void write(CacheKey k, byte[] v) {
    join(backend.write(k, BackendEntry.of(v, now() + HOUR, now() + HOUR, Set.of())));
  }

  private byte @Nullable [] read(CacheKey k) {
    return join(backend.read(k));
  }

  private static long now() {
    return System.currentTimeMillis();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static <T> T join(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("call failed: " + e, e);
    }
  }
}
