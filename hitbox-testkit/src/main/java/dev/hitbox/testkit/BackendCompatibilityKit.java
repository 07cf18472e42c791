package dev.hitbox.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.CacheResult;
import dev.hitbox.core.CacheStatus;
import dev.hitbox.core.HitboxCache;
import dev.hitbox.core.KeyPart;
import dev.hitbox.core.Ticker;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.core.spi.PatternInvalidator;
import dev.hitbox.core.spi.TagInvalidator;
import dev.hitbox.core.spi.ValueCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The tests every {@link Backend} must pass. A backend's own test class extends this kit and says
 * how to start the real store; every test then runs against it:
 *
 * <pre>{@code
 * class CaffeineBackendCompatibilityTest extends BackendCompatibilityKit {
 *   @Override
 *   protected Backend createBackend(FakeTicker ticker) {
 *     return CaffeineBackend.builder().ticker(ticker).build();
 *   }
 *
 *   @Override
 *   protected boolean supportsFakeTime() {
 *     return true;
 *   }
 * }
 * }</pre>
 *
 * <p>The kit checks what a user relies on: a read returns what was written under the same key and
 * nothing else; entries live until their own {@code expireAt} (stale ones included) and not for
 * ever after it; overwrites, removals, 1 MiB values, 10,000 keys, concurrent writers, every byte
 * value and awkward keys all work; keys that differ in namespace, version or parts never share an
 * entry; pattern and tag invalidation (when the backend offers them) remove exactly the matching
 * entries; and, through a real {@link HitboxCache}, bytes that are not an envelope are a miss and a
 * second {@code get} is served from the backend.
 *
 * <p>Every test uses namespaces and tags of its own, so a backend on a shared server (Redis,
 * Memcached) needs no flushing between tests. Expiry is tested with the {@link FakeTicker} when
 * {@link #supportsFakeTime()} says the backend expires by it, and otherwise with real expiries of
 * {@link #shortExpiry()} awaited with Awaitility.
 *
 * <p>The backend must hold at least 10,000 small entries and a few entries of 1 MiB. Tests run one
 * at a time per instance; the kit itself is not thread-safe.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
public abstract class BackendCompatibilityKit {
  private static final long HOUR = Duration.ofHours(1).toMillis();
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

  private FakeTicker ticker = new FakeTicker();
  private @Nullable Backend backend;
  private String ns = "";
  private String otherNs = "";

  /** Creates the kit; subclasses say how to start the backend. */
  protected BackendCompatibilityKit() {}

  /**
   * Starts the backend under test; called before every test.
   *
   * @param ticker the fake time of this test; a backend that can expire entries by an injected
   *     {@link Ticker} should use it and return {@code true} from {@link #supportsFakeTime()}, one
   *     that expires by the wall clock (a real server) ignores it
   * @return a backend with room for at least 10,000 small entries and a few of 1 MiB
   * @throws Exception if the backend cannot start; the test then fails
   */
  protected abstract Backend createBackend(FakeTicker ticker) throws Exception;

  /**
   * Whether the backend expires entries by the ticker given to {@link #createBackend}. In-memory
   * backends return {@code true} and the kit tests expiry by advancing that ticker; the default
   * {@code false} makes the kit wait for real expiries of {@link #shortExpiry()}.
   */
  protected boolean supportsFakeTime() {
    return false;
  }

  /**
   * How far ahead the wall-clock expiry tests set {@code expireAt} (default 1 second). A backend
   * whose expiry has a coarser resolution (Memcached counts whole seconds) may return more. Unused
   * when {@link #supportsFakeTime()}.
   */
  protected Duration shortExpiry() {
    return Duration.ofSeconds(1);
  }

  /**
   * Whether {@link PatternInvalidator#invalidatePattern} and {@link TagInvalidator#invalidateTag}
   * return the exact number of entries removed (default {@code true}). A backend that can only
   * estimate it, as their contracts allow, returns {@code false} and the kit then checks only which
   * entries are gone.
   */
  protected boolean invalidationCountsAreExact() {
    return true;
  }

  /**
   * The largest value, in bytes, that the backend promises to store (default {@link
   * Long#MAX_VALUE}: no limit). A store with a hard item limit below the kit's 1 MiB values (such
   * as DynamoDB's 400 KB) returns the largest value it takes; the kit then checks that values of
   * that size survive intact and that a larger value is never served: its write may fail or be
   * skipped, but must not leave the value it should have replaced.
   */
  protected long maxValueBytes() {
    return Long.MAX_VALUE;
  }

  /**
   * Stops the backend after every test (default: nothing to do).
   *
   * @param backend what {@link #createBackend} returned
   * @throws Exception if it cannot be stopped; the test then fails
   */
  protected void closeBackend(Backend backend) throws Exception {}

  /** The backend of the running test. */
  protected final Backend backend() {
    Backend b = backend;
    if (b == null) {
      throw new IllegalStateException("no test is running");
    }
    return b;
  }

  /** The fake time of the running test. */
  protected final FakeTicker ticker() {
    return ticker;
  }

  @BeforeEach
  final void startBackend() throws Exception {
    ticker = new FakeTicker();
    String id = UUID.randomUUID().toString().substring(0, 8);
    ns = "kit-" + id;
    otherNs = "kit-" + id + "-other";
    Backend b = createBackend(ticker);
    assertThat(b).as("createBackend(ticker)").isNotNull();
    backend = b;
  }

  @AfterEach
  final void stopBackend() throws Exception {
    Backend b = backend;
    backend = null;
    if (b != null) {
      closeBackend(b);
    }
  }

  // ---------------------------------------------------------------- basics

  @Test
  void readsWhatWasWritten() {
    CacheKey k = key("user:42");
    byte[] v = utf8("the value of user 42");

    write(k, v);

    assertStored(k, v);
  }

  @Test
  void readOfAbsentKeyIsMiss() {
    write(key("present"), utf8("x"));

    assertThat(read(key("absent"))).as("read of a key never written").isNull();
    assertThat(read(CacheKey.of(otherNs, "present")))
        .as("read of the same text in another namespace")
        .isNull();
  }

  @Test
  void writeReplacesPreviousValue() {
    CacheKey k = key("k");
    write(k, utf8("first, and rather long so that a shorter overwrite shows leftovers"));
    write(k, utf8("second"));

    assertStored(k, utf8("second"));

    write(k, utf8("third"));
    assertStored(k, utf8("third"));
  }

  @Test
  void removeDeletesOnce() {
    CacheKey k = key("k");
    CacheKey sibling = key("k2");
    write(k, utf8("v"));
    write(sibling, utf8("v2"));

    assertThat(join(backend().remove(k))).as("first remove of a stored key").isTrue();
    assertThat(read(k)).as("read after remove").isNull();
    assertThat(join(backend().remove(k))).as("second remove of the same key").isFalse();
    assertThat(join(backend().remove(key("never-written")))).as("remove of absent key").isFalse();
    assertStored(sibling, utf8("v2"));

    write(k, utf8("again"));
    assertStored(k, utf8("again"));
  }

  @Test
  void farFutureExpiryIsKept() {
    // The engine saturates expireAt at Long.MAX_VALUE for huge ttls; a backend that converts it to
    // a server-side ttl must not overflow or reject it.
    CacheKey k = key("forever");
    join(backend().write(k, BackendEntry.of(utf8("v"), Long.MAX_VALUE, Long.MAX_VALUE, Set.of())));

    assertStored(k, utf8("v"));
  }

  // ---------------------------------------------------------------- expiry

  @Test
  void entriesExpireAtTheirOwnTime() {
    CacheKey early = key("early");
    CacheKey late = key("late");
    if (supportsFakeTime()) {
      long now = now();
      write(early, utf8("early"), now + 10_000);
      write(late, utf8("late"), now + 60_000);

      ticker.advance(Duration.ofMillis(9_999));
      assertStored(early, utf8("early"));

      ticker.advance(Duration.ofMillis(2));
      assertThat(read(early)).as("entry read 1 ms after its expireAt").isNull();
      assertStored(late, utf8("late"));

      ticker.advance(Duration.ofSeconds(50));
      assertThat(read(late)).as("second entry read after its own expireAt").isNull();
    } else {
      long expireAt = now() + shortExpiry().toMillis();
      write(early, utf8("early"), expireAt);
      write(late, utf8("late"), now() + HOUR);
      byte[] beforeExpiry = read(early);
      if (now() < expireAt) {
        assertThat(beforeExpiry).as("entry read before its expireAt").isEqualTo(utf8("early"));
      }

      awaitExpiry(early);
      assertStored(late, utf8("late"));
    }
  }

  @Test
  void staleEntriesAreKeptUntilExpireAt() {
    // Between staleAt and expireAt the engine serves or revalidates the stale value: the backend
    // must not drop it at staleAt.
    CacheKey k = key("stale");
    long now = now();
    if (supportsFakeTime()) {
      join(backend().write(k, BackendEntry.of(utf8("v"), now + 1_000, now + 20_000, Set.of())));

      ticker.advance(Duration.ofSeconds(10));

      assertStored(k, utf8("v"));
      ticker.advance(Duration.ofSeconds(11));
      assertThat(read(k)).as("stale entry read after its expireAt").isNull();
    } else {
      join(backend().write(k, BackendEntry.of(utf8("v"), now, now + HOUR, Set.of())));

      assertStored(k, utf8("v"));
    }
  }

  @Test
  void writeOfExpiredEntryLeavesNothing() {
    CacheKey k = key("k");
    write(k, utf8("live"));
    long past = now() - 1_000;

    // failing the write is allowed (the engine skips it); serving the old value is not
    CompletableFuture<Void> w =
        backend()
            .write(k, BackendEntry.of(utf8("dead"), past, past, Set.of()))
            .toCompletableFuture();
    try {
      w.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      // accepted
    } catch (InterruptedException | TimeoutException e) {
      fail("write of an expired entry did not complete within " + CALL_TIMEOUT, e);
    }

    assertThat(read(k)).as("read after writing an already expired entry").isNull();
  }

  // ---------------------------------------------------------------- scale

  @Test
  void largeValuesSurviveIntact() {
    Random random = new Random(1);
    if (maxValueBytes() <= 1 << 20) {
      largestValueSurvivesAndLargerOnesAreNeverServed(random, (int) maxValueBytes());
      return;
    }
    byte[] mib = new byte[1 << 20];
    random.nextBytes(mib);
    byte[] other = new byte[(1 << 20) + 1];
    random.nextBytes(other);

    write(key("big"), mib);
    write(key("big2"), other);

    assertStored(key("big"), mib);
    assertStored(key("big2"), other);

    write(key("big"), utf8("small now"));
    assertStored(key("big"), utf8("small now"));
  }

  private void largestValueSurvivesAndLargerOnesAreNeverServed(Random random, int max) {
    byte[] largest = new byte[max];
    random.nextBytes(largest);
    byte[] over = new byte[1 << 20];
    random.nextBytes(over);

    write(key("big"), largest);
    assertStored(key("big"), largest);

    CompletableFuture<Void> w = backend().write(key("big"), entry(over)).toCompletableFuture();
    try {
      w.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      // accepted: the engine skips a failed write
    } catch (InterruptedException | TimeoutException e) {
      fail("write of a value over maxValueBytes() did not complete within " + CALL_TIMEOUT, e);
    }
    assertThat(read(key("big")))
        .as("read after writing %d bytes over the %d-byte limit", over.length, max)
        .isNull();

    write(key("big"), utf8("small now"));
    assertStored(key("big"), utf8("small now"));
  }

  @Test
  void tenThousandKeysAreAllReadBack() {
    int n = 10_000;
    List<CompletableFuture<Void>> writes = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      writes.add(backend().write(key("k" + i), entry(utf8("value-" + i))).toCompletableFuture());
    }
    join(CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)));

    List<CompletableFuture<byte @Nullable []>> reads = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      reads.add(backend().read(key("k" + i)).toCompletableFuture());
    }
    join(CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)));

    List<Integer> wrong = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (!Arrays.equals(reads.get(i).join(), utf8("value-" + i))) {
        wrong.add(i);
      }
    }
    assertThat(wrong).as("keys read back missing or with another key's value").isEmpty();
  }

  @Test
  void concurrentWritersNeverLoseOrMixValues() throws Exception {
    int threads = 8;
    int rounds = 100;
    List<CacheKey> shared = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      shared.add(key("shared-" + i));
    }
    // every value ever written under a key, recorded before it is written
    Map<CacheKey, Set<ByteBuffer>> written = new ConcurrentHashMap<>();
    Map<CacheKey, byte[]> lastOwn = new ConcurrentHashMap<>();
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int writer = t;
        workers.add(
            pool.submit(
                (Callable<Void>)
                    () -> {
                      List<CacheKey> own = new ArrayList<>();
                      for (int i = 0; i < 8; i++) {
                        own.add(key("own-" + writer + "-" + i));
                      }
                      start.await(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                      for (int round = 0; round < rounds; round++) {
                        for (CacheKey k : own) {
                          byte[] v = concurrentValue(k, writer, round);
                          record(written, k, v);
                          write(k, v);
                          lastOwn.put(k, v);
                          assertStored(k, v);
                        }
                        for (CacheKey k : shared) {
                          byte[] v = concurrentValue(k, writer, round);
                          record(written, k, v);
                          write(k, v);
                          CacheKey probe = shared.get(ThreadLocalRandom.current().nextInt(8));
                          assertWrittenFor(probe, read(probe), written);
                        }
                      }
                      return null;
                    }));
      }
      for (Future<?> w : workers) {
        try {
          w.get(1, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
          throw new AssertionError("a writer failed: " + e.getCause(), e.getCause());
        }
      }
    } finally {
      pool.shutdownNow();
    }

    for (Map.Entry<CacheKey, byte[]> e : lastOwn.entrySet()) {
      assertStored(e.getKey(), e.getValue());
    }
    for (CacheKey k : shared) {
      byte[] v = read(k);
      assertThat(v).as("shared key %s after all writers finished", k).isNotNull();
      assertWrittenFor(k, v, written);
    }
  }

  /** 512 bytes that only the given writer, round and key produce. */
  private static byte[] concurrentValue(CacheKey key, int writer, int round) {
    byte[] v = new byte[512];
    new Random(key.hashCode() * 1_000_003L + writer * 10_007L + round).nextBytes(v);
    byte[] label = utf8(key + "|" + writer + "|" + round + "|");
    System.arraycopy(label, 0, v, 0, label.length);
    return v;
  }

  private static void record(Map<CacheKey, Set<ByteBuffer>> written, CacheKey k, byte[] v) {
    written.computeIfAbsent(k, x -> ConcurrentHashMap.newKeySet()).add(ByteBuffer.wrap(v));
  }

  private static void assertWrittenFor(
      CacheKey k, byte @Nullable [] v, Map<CacheKey, Set<ByteBuffer>> written) {
    if (v == null) {
      return; // not written yet by anyone
    }
    Set<ByteBuffer> values = written.getOrDefault(k, Set.of());
    if (!values.contains(ByteBuffer.wrap(v))) {
      fail(
          "value read under %s was never written for that key (%d bytes, starts with \"%s\")",
          k, v.length, new String(v, 0, Math.min(v.length, 40), StandardCharsets.UTF_8));
    }
  }

  // ---------------------------------------------------------------- binary safety and keys

  @Test
  void everyByteValueSurvives() {
    byte[] ascending = new byte[256];
    byte[] descending = new byte[256];
    for (int i = 0; i < 256; i++) {
      ascending[i] = (byte) i;
      descending[i] = (byte) (255 - i);
    }
    List<byte[]> values =
        List.of(
            ascending,
            descending,
            new byte[] {0},
            new byte[64],
            new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xfd},
            utf8("$-1\r\n"),
            utf8("END\r\n"),
            utf8("VALUE k 0 1\r\nx\r\n"),
            new byte[] {(byte) 0xc3, (byte) 0x28, (byte) 0xa0, (byte) 0xa1});
    for (int i = 0; i < values.size(); i++) {
      write(key("bytes-" + i), values.get(i));
    }

    for (int i = 0; i < values.size(); i++) {
      assertStored(key("bytes-" + i), values.get(i));
    }
  }

  @Test
  void awkwardKeysAreDistinctAndReadable() {
    String longText = "x".repeat(4_096);
    List<CacheKey> keys =
        List.of(
            key(""),
            key(" "),
            key("ключ 🔑 鍵 ü"),
            key("a&b=c%d*e:f"),
            key("%26"),
            key("*"),
            key("?"),
            key("\\"),
            key("[a-z]"),
            key("line1\nline2\r\n\ttab\0nul\u007f"),
            key(longText + "a"),
            key(longText + "b"),
            CacheKey.builder(ns).part("", "").part("", "").build(),
            CacheKey.builder(ns).part("a", "").build(),
            CacheKey.builder(ns).part("", "x").part("name", "").build(),
            CacheKey.builder(ns).part("ü & =", "v\n%").part("", "*:*").build(),
            CacheKey.builder(ns).version(7).part("x", "y").build());
    assertThat(new HashSet<>(keys)).as("the keys of this test are distinct").hasSize(keys.size());

    for (int i = 0; i < keys.size(); i++) {
      write(keys.get(i), utf8("value-" + i));
    }

    for (int i = 0; i < keys.size(); i++) {
      assertStored(keys.get(i), utf8("value-" + i));
    }
  }

  @Test
  void keysDifferingInNamespaceVersionOrPartsNeverCollide() {
    List<CacheKey> keys =
        List.of(
            // namespace only
            CacheKey.of(ns, "k"),
            CacheKey.of(otherNs, "k"),
            CacheKey.of(ns, "bc"),
            CacheKey.of(ns + "b", "c"),
            // version only
            CacheKey.of(ns, 1, List.of(new KeyPart("", "k"))),
            CacheKey.of(ns, 1, List.of(new KeyPart("", "0k"))),
            CacheKey.of(ns, 10, List.of(new KeyPart("", "k"))),
            // parts only
            CacheKey.builder(ns).part("", "a").part("", "b").build(),
            CacheKey.of(ns, "a&b"),
            CacheKey.builder(ns).part("a", "b").build(),
            CacheKey.of(ns, "a=b"),
            CacheKey.builder(ns).part("a", "1").part("b", "2").build(),
            CacheKey.builder(ns).part("b", "2").part("a", "1").build(),
            CacheKey.builder(ns).part("a", "1").part("b", "2").part("", "").build(),
            CacheKey.builder(ns).part("a", "1&b=2").build(),
            CacheKey.builder(ns).part("a=1&b", "2").build());
    assertThat(new HashSet<>(keys)).as("the keys of this test are distinct").hasSize(keys.size());

    assertNoCollisions(keys);
  }

  @Test
  void keysThatLookAlikeAsTextStillNeverCollide() {
    // Distinct keys whose readable forms are easy to confuse: no parts versus one empty part, and
    // a lone surrogate versus the replacement characters an encoder may substitute for it. A
    // backend that stores by a string form of the key must keep them apart too.
    List<CacheKey> keys =
        List.of(
            CacheKey.of(ns, 0, List.of()),
            CacheKey.of(ns, ""),
            CacheKey.of(ns, "\uD800"),
            CacheKey.of(ns, "?"),
            CacheKey.of(ns, "\uFFFD"));
    assertThat(new HashSet<>(keys)).as("the keys of this test are distinct").hasSize(keys.size());

    assertNoCollisions(keys);
  }

  private void assertNoCollisions(List<CacheKey> keys) {
    for (int i = 0; i < keys.size(); i++) {
      write(keys.get(i), utf8("value-" + i));
    }
    for (int i = 0; i < keys.size(); i++) {
      assertStored(keys.get(i), utf8("value-" + i));
    }

    // removing one key leaves every other one in place
    assertThat(join(backend().remove(keys.get(0)))).as("remove of %s", keys.get(0)).isTrue();
    for (int i = 1; i < keys.size(); i++) {
      assertStored(keys.get(i), utf8("value-" + i));
    }
  }

  // ---------------------------------------------------------------- invalidation

  @Test
  void patternInvalidationRemovesOnlyMatchingKeysOfTheNamespace() {
    assumeThat(backend())
        .as("backend implements PatternInvalidator")
        .isInstanceOf(PatternInvalidator.class);
    PatternInvalidator invalidator = (PatternInvalidator) backend();
    List<CacheKey> matching =
        List.of(
            key("posts:user:42:1"),
            key("posts:user:42:2"),
            key("posts:user:42:"),
            key("posts:user:42:[x]"),
            CacheKey.of(ns, 3, List.of(new KeyPart("", "posts:user:42:9"))));
    List<CacheKey> kept =
        List.of(
            key("posts:user:420:1"),
            key("posts:user:4:1"),
            key("posts:user:42"),
            key("xposts:user:42:1"),
            CacheKey.builder(ns).part("user", "42").part("post", "1").build(),
            CacheKey.of(otherNs, "posts:user:42:1"));
    writeAll(matching);
    writeAll(kept);

    long removed = join(invalidator.invalidatePattern(ns, "posts:user:42:*"));

    if (invalidationCountsAreExact()) {
      assertThat(removed).as("count returned by invalidatePattern").isEqualTo(matching.size());
    }
    assertGone(matching);
    assertKept(kept);

    long named = join(invalidator.invalidatePattern(ns, "user=42&*"));
    if (invalidationCountsAreExact()) {
      assertThat(named).as("count returned for the named-part pattern").isEqualTo(1);
    }
    assertGone(List.of(kept.get(4)));
    assertThat(join(invalidator.invalidatePattern(ns, "nothing:matches:*")))
        .as("count when nothing matches")
        .isZero();
    assertKept(List.of(kept.get(0), kept.get(5)));
  }

  @Test
  void patternInvalidationFollowsGlobRules() {
    assumeThat(backend())
        .as("backend implements PatternInvalidator")
        .isInstanceOf(PatternInvalidator.class);
    PatternInvalidator invalidator = (PatternInvalidator) backend();
    CacheKey star = key("a*c");
    CacheKey brackets = key("a[b]c");
    CacheKey abc = key("abc");
    CacheKey ac = key("ac");
    writeAll(List.of(star, brackets, abc, ac));

    long escaped = join(invalidator.invalidatePattern(ns, "a\\*c"));
    assertGone(List.of(star));
    assertKept(List.of(brackets, abc, ac));

    long literal = join(invalidator.invalidatePattern(ns, "a[b]c"));
    assertGone(List.of(brackets));
    assertKept(List.of(abc, ac));

    long single = join(invalidator.invalidatePattern(ns, "a?c"));
    assertGone(List.of(abc));
    assertKept(List.of(ac));

    if (invalidationCountsAreExact()) {
      assertThat(List.of(escaped, literal, single))
          .as("counts of the three patterns")
          .containsExactly(1L, 1L, 1L);
    }
  }

  @Test
  void tagInvalidationRemovesExactlyTheTaggedEntries() {
    assumeThat(backend())
        .as("backend implements TagInvalidator")
        .isInstanceOf(TagInvalidator.class);
    TagInvalidator invalidator = (TagInvalidator) backend();
    String t1 = ns + ":author:42 ü&*";
    String t2 = ns + ":t2";
    String t3 = ns + ":t3";
    String t4 = ns + ":t4";
    CacheKey k1 = key("k1");
    CacheKey k2 = key("k2");
    CacheKey k3 = key("k3");
    CacheKey k4 = key("k4");
    CacheKey k5 = CacheKey.of(otherNs, "k5");
    CacheKey retagged = key("retagged");
    CacheKey rewritten = key("rewritten");
    CacheKey removedThenRewritten = key("removed-then-rewritten");
    join(backend().write(k1, entry(utf8("1"), Set.of(t1))));
    join(backend().write(k2, entry(utf8("2"), Set.of(t1, t2))));
    join(backend().write(k3, entry(utf8("3"), Set.of(t2))));
    join(backend().write(k4, entry(utf8("4"), Set.of())));
    join(backend().write(k5, entry(utf8("5"), Set.of(t1))));
    // a tag belongs to the entry written with it, not to the key
    join(backend().write(retagged, entry(utf8("old"), Set.of(t3))));
    join(backend().write(retagged, entry(utf8("new"), Set.of())));
    join(backend().write(rewritten, entry(utf8("old"), Set.of(t4))));
    join(backend().write(rewritten, entry(utf8("new"), Set.of(t4))));
    join(backend().write(removedThenRewritten, entry(utf8("old"), Set.of(t1))));
    join(backend().remove(removedThenRewritten));
    join(backend().write(removedThenRewritten, entry(utf8("new"), Set.of())));

    long removed = join(invalidator.invalidateTag(t1));

    if (invalidationCountsAreExact()) {
      assertThat(removed).as("count returned by invalidateTag").isEqualTo(3);
    }
    assertGone(List.of(k1, k2, k5));
    assertKept(List.of(k3, k4, retagged, rewritten, removedThenRewritten));
    assertThat(join(invalidator.invalidateTag(t1))).as("count of a second invalidateTag").isZero();

    long untagged = join(invalidator.invalidateTag(t3));
    assertStored(retagged, utf8("new"));

    long sameTag = join(invalidator.invalidateTag(t4));
    assertGone(List.of(rewritten));

    long second = join(invalidator.invalidateTag(t2));
    assertGone(List.of(k3));
    assertKept(List.of(k4, removedThenRewritten));
    if (invalidationCountsAreExact()) {
      assertThat(List.of(untagged, sameTag, second))
          .as("counts of t3, t4, t2")
          .containsExactly(0L, 1L, 1L);
    }
  }

  // ---------------------------------------------------------------- through the engine

  @Test
  void secondGetThroughTheEngineIsServedFromTheBackend() {
    CountingUpstream<String, String> loader = CountingUpstream.answering(k -> "value of " + k);
    HitboxCache<String> cache = cache(new RecordingListener());

    CacheResult<String> first = join(cache.getWithStatus("user:42", loader::call));
    awaitStored(cache, "user:42");
    CacheResult<String> second = join(cache.getWithStatus("user:42", loader::call));

    assertThat(first.value()).isEqualTo("value of user:42");
    assertThat(first.status()).isEqualTo(CacheStatus.MISS);
    assertThat(second.value()).isEqualTo("value of user:42");
    assertThat(second.status()).as("status of the second get").isEqualTo(CacheStatus.HIT);
    assertThat(loader.calls()).as("loader calls").isEqualTo(1);

    assertThat(join(cache.invalidate("user:42"))).as("invalidate of a cached key").isTrue();
    assertThat(join(cache.get("user:42", loader::call))).isEqualTo("value of user:42");
    assertThat(loader.calls()).as("loader calls after invalidate").isEqualTo(2);
  }

  @Test
  void garbageBytesAreMissThroughTheEngine() {
    RecordingListener listener = new RecordingListener();
    HitboxCache<String> cache = cache(listener);
    CountingUpstream<String, String> loader = CountingUpstream.answering(k -> "loaded " + k);
    // a genuine envelope to damage
    join(cache.put("genuine", "a genuine value that is long enough to cut"));
    awaitStored(cache, "genuine");
    byte[] genuine = read(CacheKey.of(ns, "genuine"));
    assertThat(genuine).as("envelope written by the engine").isNotNull();
    byte[] random = new byte[64];
    new Random(7).nextBytes(random);
    byte[] trailing = Arrays.copyOf(genuine, genuine.length + 1);
    trailing[trailing.length - 1] = 'x';
    List<byte[]> garbage =
        List.of(
            random,
            new byte[0],
            utf8("plain text, not an envelope"),
            Arrays.copyOf(new byte[] {0x48, 0x42, 99, 2, 0, 0}, 64),
            Arrays.copyOf(genuine, genuine.length / 2),
            Arrays.copyOf(genuine, genuine.length - 1),
            trailing);

    for (int i = 0; i < garbage.size(); i++) {
      write(CacheKey.of(ns, "garbage-" + i), garbage.get(i));
    }
    List<String> answers = new ArrayList<>();
    for (int i = 0; i < garbage.size(); i++) {
      answers.add(join(cache.get("garbage-" + i, loader::call)));
    }

    for (int i = 0; i < garbage.size(); i++) {
      assertThat(answers.get(i)).as("answer for garbage #%d", i).isEqualTo("loaded garbage-" + i);
    }
    assertThat(loader.calls()).as("loader calls, one per garbage entry").isEqualTo(garbage.size());
    assertThat(listener.count("decode-error"))
        .as("decode errors reported (the empty value may read as a plain miss)")
        .isBetween((long) garbage.size() - 1, (long) garbage.size());

    // the engine replaced the garbage with the loaded value
    awaitStored(cache, "garbage-0");
    assertThat(join(cache.get("garbage-0", loader::call))).isEqualTo("loaded garbage-0");
    assertThat(loader.calls()).as("loader calls after the key healed").isEqualTo(garbage.size());
  }

  @Test
  void valuesOfAnotherFormatAreMissThroughTheEngine() {
    HitboxCache<byte[]> bytes =
        HitboxCache.builder(ns, ValueCodec.bytes())
            .backend(backend())
            .ticker(clock())
            .backendTimeout(CALL_TIMEOUT)
            .build();
    join(bytes.put("k", utf8("stored as bytes")));
    awaitStored(bytes, "k");
    CountingUpstream<String, String> loader = CountingUpstream.answering(k -> "loaded " + k);

    String answer = join(cache(new RecordingListener()).get("k", loader::call));

    assertThat(answer).isEqualTo("loaded k");
    assertThat(loader.calls()).isEqualTo(1);
  }

  // ---------------------------------------------------------------- helpers

  private Ticker clock() {
    return supportsFakeTime() ? ticker : Ticker.systemTicker();
  }

  private long now() {
    return clock().currentTimeMillis();
  }

  private HitboxCache<String> cache(RecordingListener listener) {
    return HitboxCache.builder(ns, ValueCodec.utf8())
        .backend(backend())
        .ticker(clock())
        .listener(listener)
        .backendTimeout(CALL_TIMEOUT)
        .policy(CachePolicy.builder().ttl(Duration.ofHours(1)).concurrency(1).build())
        .build();
  }

  /** Writes complete before the engine's get returns only for synchronous backends: wait. */
  private void awaitStored(HitboxCache<?> cache, String key) {
    Awaitility.await("the engine's write of " + key)
        .atMost(CALL_TIMEOUT)
        .pollInterval(Duration.ofMillis(10))
        .until(() -> join(cache.getIfPresent(key)) != null);
  }

  private void awaitExpiry(CacheKey k) {
    Awaitility.await("expiry of " + k)
        .atMost(shortExpiry().plus(CALL_TIMEOUT))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> read(k) == null);
  }

  private CacheKey key(String text) {
    return CacheKey.of(ns, text);
  }

  private BackendEntry entry(byte[] bytes) {
    return entry(bytes, Set.of());
  }

  private BackendEntry entry(byte[] bytes, Set<String> tags) {
    long expireAt = now() + HOUR;
    return BackendEntry.of(bytes, expireAt, expireAt, tags);
  }

  private void write(CacheKey k, byte[] v) {
    join(backend().write(k, entry(v)));
  }

  private void write(CacheKey k, byte[] v, long expireAt) {
    join(backend().write(k, BackendEntry.of(v, expireAt, expireAt, Set.of())));
  }

  private void writeAll(List<CacheKey> keys) {
    for (CacheKey k : keys) {
      write(k, utf8("value of " + k));
    }
  }

  private byte @Nullable [] read(CacheKey k) {
    return join(backend().read(k));
  }

  private void assertStored(CacheKey k, byte[] expected) {
    byte[] actual = read(k);
    if (actual == null) {
      fail("read of %s was a miss (expected %d bytes)", k, expected.length);
      return;
    }
    int at = Arrays.mismatch(actual, expected);
    if (at >= 0) {
      fail(
          "read of %s returned %d bytes differing from the %d written at index %d",
          k, actual.length, expected.length, at);
    }
  }

  private void assertGone(List<CacheKey> keys) {
    for (CacheKey k : keys) {
      assertThat(read(k)).as("read of %s after it was invalidated", k).isNull();
    }
  }

  private void assertKept(List<CacheKey> keys) {
    for (CacheKey k : keys) {
      assertThat(read(k)).as("read of %s, which no invalidation matched", k).isNotNull();
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static <T> T join(CompletionStage<T> stage) {
    assertThat(stage).as("stage returned by the backend").isNotNull();
    try {
      return stage.toCompletableFuture().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("call failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("call did not complete within " + CALL_TIMEOUT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
