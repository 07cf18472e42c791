package dev.hitbox.memcached;

import static java.util.Objects.requireNonNull;

import com.spotify.folsom.BinaryMemcacheClient;
import com.spotify.folsom.GetResult;
import com.spotify.folsom.MemcacheClientBuilder;
import com.spotify.folsom.MemcacheStatus;
import dev.hitbox.core.BackendException;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.KeyFormat;
import dev.hitbox.core.Ticker;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.core.spi.KeyPattern;
import dev.hitbox.core.spi.PatternInvalidator;
import dev.hitbox.core.spi.TagInvalidator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A backend on one or more Memcached servers, through the non-blocking folsom client and the binary
 * protocol. Keys are spread over the servers by consistent hashing (ketama); a server that is down
 * costs only its own share of the keys, which miss until it is back. Thread-safe; every call
 * returns at once and completes on folsom's reply executor.
 *
 * <pre>{@code
 * MemcachedBackend memcached = MemcachedBackend.builder()
 *     .servers("10.0.0.1:11211", "10.0.0.2:11211", "10.0.0.3:11211")
 *     .maxConnections(10)
 *     .requestTimeout(Duration.ofMillis(200))
 *     .build();
 * // ... use it as an endpoint's or a cache's backend, then:
 * memcached.close();
 * }</pre>
 *
 * <p><b>Keys.</b> A {@link CacheKey} is stored under its {@link KeyFormat#encodeToString string
 * form}: printable ASCII without spaces, at most 250 characters (longer keys are replaced by the
 * namespace and a SHA-256), which is what Memcached accepts.
 *
 * <p><b>Expiry.</b> Memcached counts whole seconds, so an entry is given {@code ceil(remaining
 * seconds) + 1} seconds: it is never dropped before its {@code expireAt}, and a read after {@code
 * expireAt} is a miss because every stored item carries its exact {@code expireAt}.
 *
 * <p><b>Invalidation.</b> Memcached cannot list or delete keys by pattern, so invalidation works
 * through generation records that every server keeps for the keys it holds. Per namespace, {@code
 * hitbox:gen:ns:NAME} holds an epoch and the patterns invalidated since; per tag, {@code
 * hitbox:gen:tag:TAG} holds a counter. An entry is stored with the epoch, the number of patterns
 * and the tag counters it saw, and is a miss when a read finds the epoch changed, a newer pattern
 * matching its key, or a tag counter moved. A read fetches the entry and its namespace record in
 * one multi-get from the entry's own server, plus one more round trip to the same server when the
 * entry has tags. Invalidation updates the records on every server and returns {@code 0}: the
 * number of entries it made unreachable is not known. When a namespace has {@link
 * Builder#maxPatternsPerNamespace collected too many patterns}, the next pattern starts a new epoch
 * instead, which invalidates the whole namespace. The records never expire but may be evicted; an
 * evicted record makes the entries that relied on it miss, never live longer.
 *
 * <p><b>Large values.</b> A value that does not fit the {@link Builder#maxItemSize item size limit}
 * is not stored, and the previous value under the key is deleted; the write still completes
 * normally and is counted by {@link #oversizedSkips()}.
 */
public final class MemcachedBackend
    implements Backend, PatternInvalidator, TagInvalidator, AutoCloseable {

  /** Bytes an item costs Memcached beyond its key and value (item header, CAS, flags, CRLF). */
  static final int ITEM_OVERHEAD = 64;

  /** The bytes of the fixed part of a stored item's header. */
  static final int HEADER_BYTES = 25;

  /** A namespace record never grows past this; the next pattern starts a new epoch instead. */
  static final int MAX_RECORD_BYTES = 64 * 1024;

  /** Requests one connection queues before folsom rejects more (its own default is 1,000). */
  static final int MAX_PENDING_PER_CONNECTION = 10_000;

  private static final int CAS_ATTEMPTS = 32;
  private static final long NEVER = 0;

  private final List<Node> nodes;
  private final Ring ring;
  private final KeyFormat keyFormat;
  private final int maxItemSize;
  private final int maxPatterns;
  private final long requestTimeoutNanos;
  private final Ticker ticker;
  private final String name;
  private final String description;
  private final LongAdder oversizedSkips = new LongAdder();
  private final LongAdder invalidatedReads = new LongAdder();
  private final ConcurrentHashMap<String, CompletableFuture<?>> inFlight =
      new ConcurrentHashMap<>();

  /** One server and its client. */
  private record Node(String address, BinaryMemcacheClient<byte[]> client) {}

  private MemcachedBackend(Builder b) {
    this.keyFormat = b.keyFormat;
    this.maxItemSize = b.maxItemSize;
    this.maxPatterns = b.maxPatternsPerNamespace;
    this.requestTimeoutNanos = b.requestTimeout.toNanos();
    this.ticker = b.ticker;
    this.name = b.name;
    long maxBackoff = b.maxReconnectDelay.toMillis();
    List<Node> list = new ArrayList<>(b.servers.size());
    for (String address : b.servers) {
      HostPort hp = HostPort.parse(address);
      BinaryMemcacheClient<byte[]> client =
          MemcacheClientBuilder.newByteArrayClient()
              .withAddress(hp.host(), hp.port())
              .withConnections(b.maxConnections)
              .withConnectionTimeoutMillis(b.connectTimeout.toMillis())
              .withMaxOutstandingRequests(MAX_PENDING_PER_CONNECTION)
              .withMaxSetLength(b.maxItemSize)
              .withBackoff(attempt -> Math.min(maxBackoff, 10L << Math.min(attempt, 20)))
              .connectBinary();
      list.add(new Node(address, client));
    }
    this.nodes = List.copyOf(list);
    this.ring = new Ring(b.servers);
    this.description =
        "MemcachedBackend{"
            + name
            + ", servers="
            + b.servers
            + ", maxConnections="
            + b.maxConnections
            + ", keyFormat="
            + keyFormat
            + ", maxItemSize="
            + maxItemSize
            + '}';
  }

  /**
   * Starts a backend. Default: one server at {@code 127.0.0.1:11211}, 10 connections to each
   * server, the settings documented on each {@link Builder} method.
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return name;
  }

  // ---------------------------------------------------------------- read

  @Override
  public CompletionStage<byte @Nullable []> read(CacheKey key) {
    requireNonNull(key, "key");
    String k = keyFormat.encodeToString(key);
    Node node = node(k);
    return bounded(
        node.client()
            .get(List.of(k, MetaKeys.namespace(key.namespace())))
            .thenCompose(values -> check(node, key, values.get(0), values.get(1))));
  }

  private CompletionStage<byte @Nullable []> check(
      Node node, CacheKey key, byte @Nullable [] stored, byte @Nullable [] record) {
    if (stored == null) {
      return CompletableFuture.completedFuture(null);
    }
    StoredItem item = StoredItem.decode(stored);
    if (item.expireAt() <= ticker.currentTimeMillis()) {
      return CompletableFuture.completedFuture(null);
    }
    if (!liveInNamespace(item, key, record)) {
      invalidatedReads.increment();
      return CompletableFuture.completedFuture(null);
    }
    if (item.tags().isEmpty()) {
      return CompletableFuture.completedFuture(item.envelope());
    }
    List<String> tagKeys = new ArrayList<>(item.tags().size());
    for (String tag : item.tags()) {
      tagKeys.add(MetaKeys.tag(tag));
    }
    return node.client()
        .get(tagKeys)
        .thenApply(
            counters -> {
              for (int i = 0; i < counters.size(); i++) {
                if (!sameGeneration(counters.get(i), item.generations()[i])) {
                  invalidatedReads.increment();
                  return null;
                }
              }
              return item.envelope();
            });
  }

  /** Whether no namespace epoch change and no newer pattern has invalidated the entry. */
  private static boolean liveInNamespace(
      StoredItem item, CacheKey key, byte @Nullable [] recordBytes) {
    if (recordBytes == null) {
      return false;
    }
    NamespaceRecord record = NamespaceRecord.decode(recordBytes);
    List<String> patterns = record.patterns();
    if (record.epoch() != item.epoch() || item.patterns() > patterns.size()) {
      return false;
    }
    for (int i = item.patterns(); i < patterns.size(); i++) {
      if (KeyPattern.matches(patterns.get(i), key.text())) {
        return false;
      }
    }
    return true;
  }

  private static boolean sameGeneration(byte @Nullable [] counter, long expected) {
    if (counter == null) {
      return false;
    }
    try {
      return Long.parseUnsignedLong(new String(counter, StandardCharsets.US_ASCII).trim())
          == expected;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  // ---------------------------------------------------------------- write

  @Override
  public CompletionStage<Void> write(CacheKey key, BackendEntry entry) {
    requireNonNull(key, "key");
    requireNonNull(entry, "entry");
    String k = keyFormat.encodeToString(key);
    Node node = node(k);
    long now = ticker.currentTimeMillis();
    if (entry.expireAt() <= now) {
      // an expired entry replaces the previous one with nothing
      return bounded(node.client().delete(k).thenApply(status -> null));
    }
    if (oversized(k, HEADER_BYTES + (long) entry.bytes().length)) {
      return bounded(skip(node, k));
    }
    int ttl = ttlSeconds(entry.expireAt(), now);
    List<String> tags = List.copyOf(entry.tags());
    CompletableFuture<NamespaceRecord> record =
        shared(
            "ns " + node.address() + ' ' + key.namespace(),
            () -> namespaceRecord(node, key.namespace()));
    CompletableFuture<long[]> generations = tagGenerations(node, tags);
    return bounded(
        record
            .thenCombine(
                generations,
                (r, g) ->
                    StoredItem.encode(
                        r.epoch(), r.patterns().size(), entry.expireAt(), tags, g, entry.bytes()))
            .thenCompose(bytes -> store(node, k, bytes, ttl)));
  }

  /**
   * Memcached's expiry for an entry: whole seconds, rounded up and one more, because Memcached's
   * clock ticks once a second and may drop an item up to a second early. Relative times over 30
   * days are turned into absolute ones by folsom; {@code 0} (never) for expiries beyond 2038.
   */
  static int ttlSeconds(long expireAt, long now) {
    long seconds = (expireAt - now + 999) / 1000 + 1;
    long limit = Integer.MAX_VALUE - 1 - now / 1000;
    return seconds >= limit ? (int) NEVER : (int) seconds;
  }

  private boolean oversized(String key, long valueBytes) {
    return valueBytes + key.length() + ITEM_OVERHEAD > maxItemSize;
  }

  private CompletionStage<Void> store(Node node, String k, byte[] bytes, int ttl) {
    if (oversized(k, bytes.length)) {
      return skip(node, k);
    }
    return node.client()
        .set(k, bytes, ttl)
        .thenCompose(
            status -> {
              if (status == MemcacheStatus.OK) {
                return CompletableFuture.completedFuture(null);
              }
              if (status == MemcacheStatus.VALUE_TOO_LARGE) {
                return skip(node, k);
              }
              return CompletableFuture.failedFuture(failure(node, "set", status));
            });
  }

  /** Counts a value too large to store and deletes the value it should have replaced. */
  private CompletionStage<Void> skip(Node node, String k) {
    oversizedSkips.increment();
    return node.client().delete(k).thenApply(status -> null);
  }

  /** The namespace record on {@code node}, created with a fresh epoch when there is none. */
  private CompletionStage<NamespaceRecord> namespaceRecord(Node node, String namespace) {
    String nsKey = MetaKeys.namespace(namespace);
    return node.client()
        .get(nsKey)
        .thenCompose(
            bytes -> {
              if (bytes != null) {
                return CompletableFuture.completedFuture(NamespaceRecord.decode(bytes));
              }
              NamespaceRecord fresh = NamespaceRecord.fresh(randomEpoch());
              return node.client()
                  .add(nsKey, fresh.encode(), (int) NEVER)
                  .thenCompose(
                      status ->
                          status == MemcacheStatus.OK
                              ? CompletableFuture.completedFuture(fresh)
                              // another writer created it first: use theirs
                              : node.client()
                                  .get(nsKey)
                                  .thenApply(
                                      again -> {
                                        if (again == null) {
                                          throw new BackendException(
                                              "namespace record "
                                                  + nsKey
                                                  + " vanished on "
                                                  + node.address());
                                        }
                                        return NamespaceRecord.decode(again);
                                      }));
            });
  }

  /** The current counter of each tag on {@code node}, each created at a random value if absent. */
  private CompletableFuture<long[]> tagGenerations(Node node, List<String> tags) {
    if (tags.isEmpty()) {
      return CompletableFuture.completedFuture(new long[0]);
    }
    List<CompletableFuture<Long>> counters = new ArrayList<>(tags.size());
    for (String tag : tags) {
      String tagKey = MetaKeys.tag(tag);
      counters.add(
          shared(
              "tag " + node.address() + ' ' + tagKey,
              () -> node.client().incr(tagKey, 0, randomCounter(), (int) NEVER)));
    }
    return CompletableFuture.allOf(counters.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              long[] g = new long[counters.size()];
              for (int i = 0; i < g.length; i++) {
                Long value = counters.get(i).join();
                if (value == null) {
                  throw new BackendException(
                      "tag counter " + MetaKeys.tag(tags.get(i)) + " missing on " + node.address());
                }
                g[i] = value;
              }
              return g;
            });
  }

  /**
   * Runs {@code lookup} unless the same lookup is already in flight, and then joins it: a burst of
   * writes to one namespace reads its record once. A joined lookup may have started before an
   * invalidation that happened before this write; the entry then records older generations and
   * reads as dead, a wasted write but never a live entry that should be dead. The shared stage is
   * only composed on internally, never handed to a caller.
   */
  @SuppressWarnings("unchecked")
  private <T> CompletableFuture<T> shared(String id, Supplier<CompletionStage<T>> lookup) {
    CompletableFuture<T> mine = new CompletableFuture<>();
    CompletableFuture<?> running = inFlight.putIfAbsent(id, mine);
    if (running != null) {
      return (CompletableFuture<T>) running;
    }
    CompletionStage<T> stage;
    try {
      stage = lookup.get();
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    stage.whenComplete(
        (v, e) -> {
          inFlight.remove(id, mine);
          if (e != null) {
            mine.completeExceptionally(e);
          } else {
            mine.complete(v);
          }
        });
    return mine;
  }

  // ---------------------------------------------------------------- remove and invalidation

  @Override
  public CompletionStage<Boolean> remove(CacheKey key) {
    requireNonNull(key, "key");
    String k = keyFormat.encodeToString(key);
    Node node = node(k);
    return bounded(node.client().delete(k).thenApply(status -> status == MemcacheStatus.OK));
  }

  /**
   * Makes every entry of {@code namespace} whose key text matches {@code pattern} a miss, by adding
   * the pattern to the namespace record on every server (compare-and-set, retried on conflict).
   * Entries written later are not affected. When the record holds {@link
   * Builder#maxPatternsPerNamespace} patterns already, a new epoch is started instead, which makes
   * the whole namespace miss.
   *
   * @return a stage with {@code 0}: Memcached cannot count the entries affected; it fails with a
   *     {@link BackendException} when a server could not be updated (entries on that server may
   *     then survive if it comes back with its memory intact: retry the invalidation)
   */
  @Override
  public CompletionStage<Long> invalidatePattern(String namespace, String pattern) {
    requireNonNull(namespace, "namespace");
    requireNonNull(pattern, "pattern");
    String nsKey = MetaKeys.namespace(CacheKey.checkNamespace(namespace));
    List<CompletableFuture<Void>> all = new ArrayList<>(nodes.size());
    for (Node node : nodes) {
      all.add(naming(node, "invalidatePattern", addPattern(node, nsKey, pattern, CAS_ATTEMPTS)));
    }
    return bounded(
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(v -> 0L));
  }

  private CompletionStage<Void> addPattern(Node node, String nsKey, String pattern, int attempts) {
    return node.client()
        .casGet(nsKey)
        .thenCompose(
            (@Nullable GetResult<byte[]> current) -> {
              if (current == null) {
                // no record: no entry on this server can be live in this namespace
                return CompletableFuture.completedFuture(null);
              }
              NamespaceRecord next = next(NamespaceRecord.decode(current.getValue()), pattern);
              return node.client()
                  .set(nsKey, next.encode(), (int) NEVER, current.getCas())
                  .thenCompose(
                      status -> {
                        if (status == MemcacheStatus.OK) {
                          return CompletableFuture.completedFuture(null);
                        }
                        if ((status == MemcacheStatus.KEY_EXISTS
                                || status == MemcacheStatus.KEY_NOT_FOUND
                                || status == MemcacheStatus.ITEM_NOT_STORED)
                            && attempts > 1) {
                          return addPattern(node, nsKey, pattern, attempts - 1);
                        }
                        return CompletableFuture.failedFuture(
                            failure(node, "invalidatePattern", status));
                      });
            });
  }

  private NamespaceRecord next(NamespaceRecord current, String pattern) {
    if (current.patterns().size() >= maxPatterns) {
      return NamespaceRecord.fresh(randomEpoch());
    }
    NamespaceRecord next;
    try {
      next = current.plus(pattern);
      if (next.encode().length <= MAX_RECORD_BYTES) {
        return next;
      }
    } catch (java.io.UncheckedIOException e) {
      // a pattern over 65,535 bytes: fall through to a new epoch
    }
    return NamespaceRecord.fresh(randomEpoch());
  }

  /**
   * Makes every entry written with {@code tag} a miss, by moving the tag's counter on every server.
   * Entries written later carry the new counter and are not affected.
   *
   * @return a stage with {@code 0}: Memcached cannot count the entries affected; it fails with a
   *     {@link BackendException} when a server could not be updated
   */
  @Override
  public CompletionStage<Long> invalidateTag(String tag) {
    requireNonNull(tag, "tag");
    String tagKey = MetaKeys.tag(tag);
    List<CompletableFuture<Long>> all = new ArrayList<>(nodes.size());
    for (Node node : nodes) {
      all.add(
          naming(
              node, "invalidateTag", node.client().incr(tagKey, 1, randomCounter(), (int) NEVER)));
    }
    return bounded(
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(v -> 0L));
  }

  // ---------------------------------------------------------------- plumbing

  private Node node(String key) {
    return nodes.size() == 1
        ? nodes.get(0)
        : nodes.get(ring.server(key.getBytes(StandardCharsets.US_ASCII)));
  }

  /** The index in {@link Builder#servers} of the server that holds {@code key}. For tests. */
  int serverOf(CacheKey key) {
    return nodes.size() == 1
        ? 0
        : ring.server(keyFormat.encodeToString(key).getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * The caller's own future, failed with a {@link java.util.concurrent.TimeoutException} after the
   * request timeout; folsom's internal futures are never completed from outside.
   */
  private <T> CompletableFuture<T> bounded(CompletionStage<T> stage) {
    CompletableFuture<T> own = new CompletableFuture<>();
    stage.whenComplete(
        (v, e) -> {
          if (e != null) {
            own.completeExceptionally(e);
          } else {
            own.complete(v);
          }
        });
    return own.orTimeout(requestTimeoutNanos, TimeUnit.NANOSECONDS);
  }

  /** {@code stage}, with a failure turned into a {@link BackendException} naming the server. */
  private static <T> CompletableFuture<T> naming(
      Node node, String operation, CompletionStage<T> stage) {
    return stage
        .handle(
            (v, e) -> {
              if (e == null) {
                return v;
              }
              Throwable cause =
                  e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
              if (cause instanceof BackendException b) {
                throw b;
              }
              throw new BackendException(
                  "memcached " + node.address() + " failed " + operation + ": " + cause, cause);
            })
        .toCompletableFuture();
  }

  private static BackendException failure(Node node, String operation, MemcacheStatus status) {
    return new BackendException(
        "memcached " + node.address() + " answered " + status + " to " + operation);
  }

  private static long randomEpoch() {
    return ThreadLocalRandom.current().nextLong();
  }

  /** Counters start at a random value below 2^62, so a re-created counter never matches. */
  private static long randomCounter() {
    return ThreadLocalRandom.current().nextLong(1L << 62);
  }

  /**
   * Writes skipped because the value did not fit the item size limit (the configured {@link
   * Builder#maxItemSize} or the server's own). Such a write completes normally: the caller is never
   * told, the entry is just not cached.
   */
  public long oversizedSkips() {
    return oversizedSkips.sum();
  }

  /**
   * Reads that found an entry but answered a miss because a pattern or tag invalidation (or an
   * evicted generation record) had made it dead.
   */
  public long invalidatedReads() {
    return invalidatedReads.sum();
  }

  /**
   * A stage that completes when at least one connection to every server is open. The backend does
   * not wait for connections by itself: calls made before a server's first connection is up fail (a
   * miss or a skipped write to the engine). Wait on this at startup to warm up, bounded by a
   * timeout of your own, since a server that is down never completes it.
   *
   * <pre>{@code
   * backend.connected().get(5, TimeUnit.SECONDS);
   * }</pre>
   *
   * @return a new stage for each call
   */
  public CompletableFuture<Void> connected() {
    List<CompletableFuture<Void>> all = new ArrayList<>(nodes.size());
    for (Node n : nodes) {
      all.add(n.client().connectFuture().toCompletableFuture());
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }

  /** The servers, as configured, in the order consistent hashing numbers them. */
  public List<String> servers() {
    List<String> list = new ArrayList<>(nodes.size());
    for (Node n : nodes) {
      list.add(n.address());
    }
    return List.copyOf(list);
  }

  /** Closes the connections to every server; calls made afterwards fail (a miss to the engine). */
  @Override
  public void close() {
    for (Node n : nodes) {
      n.client().shutdown();
    }
  }

  @Override
  public String toString() {
    return description;
  }

  /** A parsed {@code host:port}. */
  record HostPort(String host, int port) {
    static final int DEFAULT_PORT = 11211;

    /**
     * Parses {@code host:port}, {@code host} (port 11211), {@code [v6]:port} or {@code [v6]}.
     *
     * @throws ConfigurationException naming the bad address
     */
    static HostPort parse(String address) {
      String host = address;
      String port = null;
      if (address.startsWith("[")) {
        int close = address.indexOf(']');
        if (close < 0) {
          throw bad(address);
        }
        host = address.substring(1, close);
        String rest = address.substring(close + 1);
        if (!rest.isEmpty()) {
          if (!rest.startsWith(":")) {
            throw bad(address);
          }
          port = rest.substring(1);
        }
      } else {
        int colon = address.lastIndexOf(':');
        if (colon >= 0) {
          if (address.indexOf(':') != colon) {
            throw bad(address); // a bare IPv6 address must be bracketed
          }
          host = address.substring(0, colon);
          port = address.substring(colon + 1);
        }
      }
      if (host.isBlank() || host.chars().anyMatch(c -> c <= ' ')) {
        throw bad(address);
      }
      int p = DEFAULT_PORT;
      if (port != null) {
        try {
          p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
          throw bad(address);
        }
        if (p < 1 || p > 65535) {
          throw bad(address);
        }
      }
      return new HostPort(host, p);
    }

    private static ConfigurationException bad(String address) {
      return new ConfigurationException(
          "servers: \""
              + address
              + "\" (expected: host:port with a port of 1 to 65535, [ipv6]:port, or a host alone"
              + " for port 11211)");
    }
  }

  /**
   * Builds a {@link MemcachedBackend}; setters validate at once, {@link #build()} checks the
   * settings against each other. Not thread-safe. Setting names in error messages are those of the
   * YAML configuration ({@code max_connections}, ...).
   */
  public static final class Builder {
    /** The default {@link #maxConnections}: 10, as in the seed configuration. */
    public static final int DEFAULT_MAX_CONNECTIONS = 10;

    /** The default {@link #minConnections}: 2, as in the seed configuration. */
    public static final int DEFAULT_MIN_CONNECTIONS = 2;

    /** The default {@link #maxItemSize}: 1 MiB, Memcached's own default ({@code -I 1m}). */
    public static final int DEFAULT_MAX_ITEM_SIZE = 1 << 20;

    /** The default {@link #maxPatternsPerNamespace}: 32. */
    public static final int DEFAULT_MAX_PATTERNS_PER_NAMESPACE = 32;

    private List<String> servers = List.of("127.0.0.1:11211");
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private int minConnections = DEFAULT_MIN_CONNECTIONS;
    private Duration connectTimeout = Duration.ofSeconds(3);
    private Duration requestTimeout = Duration.ofSeconds(1);
    private Duration maxReconnectDelay = Duration.ofSeconds(1);
    private KeyFormat keyFormat = KeyFormat.URL_ENCODED;
    private int maxItemSize = DEFAULT_MAX_ITEM_SIZE;
    private int maxPatternsPerNamespace = DEFAULT_MAX_PATTERNS_PER_NAMESPACE;
    private Ticker ticker = Ticker.systemTicker();
    private String name = "memcached";

    private Builder() {}

    /**
     * Sets the servers (default {@code 127.0.0.1:11211}), each {@code host:port}, {@code
     * [ipv6]:port}, or a host alone for port 11211. Keys are spread over them by consistent
     * hashing; list the same servers, in any order, in every process that shares the cache.
     *
     * @throws ConfigurationException if the list is empty, an address does not parse, or one is
     *     given twice
     */
    public Builder servers(String... servers) {
      return servers(Arrays.asList(requireNonNull(servers, "servers")));
    }

    /**
     * Sets the servers; see {@link #servers(String...)}.
     *
     * @throws ConfigurationException if the list is empty, an address does not parse, or one is
     *     given twice
     */
    public Builder servers(List<String> servers) {
      requireNonNull(servers, "servers");
      if (servers.isEmpty()) {
        throw new ConfigurationException("servers: [] (expected: at least one host:port)");
      }
      Set<HostPort> seen = new HashSet<>();
      List<String> list = new ArrayList<>(servers.size());
      for (String s : servers) {
        requireNonNull(s, "server");
        HostPort hp = HostPort.parse(s.strip());
        if (!seen.add(hp)) {
          throw new ConfigurationException(
              "servers: \"" + s + "\" is listed twice (expected: each server once)");
        }
        list.add(s.strip());
      }
      this.servers = List.copyOf(list);
      return this;
    }

    /**
     * Sets how many connections are opened to each server (default {@value
     * #DEFAULT_MAX_CONNECTIONS}); requests are spread over them round-robin, each pipelining many
     * requests. folsom keeps exactly this many open and reopens lost ones, so this is both the
     * maximum and the number in use. One or two per server are often enough.
     *
     * @throws ConfigurationException unless 1 to 1,024
     */
    public Builder maxConnections(int connections) {
      if (connections < 1 || connections > 1024) {
        throw new ConfigurationException(
            "max_connections: " + connections + " (expected: 1 to 1024)");
      }
      this.maxConnections = connections;
      return this;
    }

    /**
     * Sets the least number of connections per server (default {@value #DEFAULT_MIN_CONNECTIONS}).
     * Accepted for compatibility with configurations that set it: folsom does not shrink its pool,
     * it always keeps {@link #maxConnections} open, so this only has to be {@code <=
     * max_connections}.
     *
     * @throws ConfigurationException unless 0 to 1,024 (checked against {@code max_connections} by
     *     {@link #build()})
     */
    public Builder minConnections(int connections) {
      if (connections < 0 || connections > 1024) {
        throw new ConfigurationException(
            "min_connections: " + connections + " (expected: 0 to 1024)");
      }
      this.minConnections = connections;
      return this;
    }

    /**
     * Sets how long a connection may go without an answer to its oldest request before it is
     * considered dead, closed and reopened (default 3 s; folsom's connection timeout). Requests to
     * a server with no open connection fail at once, which the engine serves as a miss.
     *
     * @throws ConfigurationException unless between 1 ms and 10 minutes
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = checkDuration("connect_timeout", timeout);
      return this;
    }

    /**
     * Sets how long one backend call (a read with its generation checks, a write with its
     * generation lookups, an invalidation on every server) may take before its stage fails with a
     * {@link java.util.concurrent.TimeoutException} (default 1 s). The engine's own {@code
     * backendTimeout} (default 50 ms) usually ends the wait first.
     *
     * @throws ConfigurationException unless between 1 ms and 10 minutes
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = checkDuration("request_timeout", timeout);
      return this;
    }

    /**
     * Sets the longest pause between attempts to reconnect to a server that went away (default 1 s;
     * the pauses start at 10 ms and double). A restarted server is used again within about this
     * long.
     *
     * @throws ConfigurationException unless between 1 ms and 10 minutes
     */
    public Builder maxReconnectDelay(Duration delay) {
      this.maxReconnectDelay = checkDuration("max_reconnect_delay", delay);
      return this;
    }

    /**
     * Sets how keys are turned into Memcached keys (default {@link KeyFormat#URL_ENCODED}: readable
     * in {@code stats cachedump} and in logs; {@link KeyFormat#BITCODE} is shorter). Either way the
     * key is its string form: printable ASCII without spaces, hashed when longer than the format's
     * {@code maxLength}.
     *
     * @throws ConfigurationException if the format's {@code maxLength} is over 250, Memcached's key
     *     limit
     */
    public Builder keyFormat(KeyFormat format) {
      requireNonNull(format, "format");
      if (format.maxLength() > MetaKeys.MAX_KEY_LENGTH) {
        throw new ConfigurationException(
            "key_format: "
                + format
                + " (expected: maxLength <= "
                + MetaKeys.MAX_KEY_LENGTH
                + ", Memcached's key limit)");
      }
      this.keyFormat = format;
      return this;
    }

    /**
     * Sets the largest item the servers accept, as their {@code -I} option says (default 1 MiB). A
     * value whose item (key, value and about 90 bytes of headers) would be larger is not sent: the
     * write completes normally, the previous value is deleted and counts it ({@link
     * MemcachedBackend#oversizedSkips()}). A server with a smaller limit refuses such values
     * itself, with the same result.
     *
     * @throws ConfigurationException unless between 1 KiB and 1 GiB
     */
    public Builder maxItemSize(int bytes) {
      if (bytes < 1024 || bytes > 1 << 30) {
        throw new ConfigurationException(
            "max_item_size: " + bytes + " (expected: 1024 to 1073741824 bytes)");
      }
      this.maxItemSize = bytes;
      return this;
    }

    /**
     * Sets how many invalidated patterns a namespace record keeps (default {@value
     * #DEFAULT_MAX_PATTERNS_PER_NAMESPACE}). Every read fetches the record, and matches its key
     * against the patterns added after the entry was written, so fewer is cheaper; when the record
     * is full, the next pattern invalidation starts a new epoch, which makes the whole namespace
     * miss.
     *
     * @throws ConfigurationException unless 1 to 1,000
     */
    public Builder maxPatternsPerNamespace(int patterns) {
      if (patterns < 1 || patterns > 1000) {
        throw new ConfigurationException(
            "max_patterns_per_namespace: " + patterns + " (expected: 1 to 1000)");
      }
      this.maxPatternsPerNamespace = patterns;
      return this;
    }

    /**
     * Sets the clock that entries' {@code expireAt} is compared with (default the system clock).
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Sets the name used in metrics (default {@code "memcached"}).
     *
     * @throws ConfigurationException if blank
     */
    public Builder name(String name) {
      requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new ConfigurationException("name: \"" + name + "\" (expected: non-blank)");
      }
      this.name = name;
      return this;
    }

    /**
     * Builds the backend and starts connecting to every server in the background; it does not wait
     * for the connections (calls made before they are up are misses).
     *
     * @throws ConfigurationException if {@code min_connections > max_connections}
     */
    public MemcachedBackend build() {
      if (minConnections > maxConnections) {
        throw new ConfigurationException(
            "min_connections: "
                + minConnections
                + " (expected: <= max_connections "
                + maxConnections
                + ")");
      }
      return new MemcachedBackend(this);
    }

    private static Duration checkDuration(String setting, Duration d) {
      requireNonNull(d, setting);
      if (d.compareTo(Duration.ofMillis(1)) < 0 || d.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new ConfigurationException(
            setting + ": " + d + " (expected: between PT0.001S and PT10M)");
      }
      return d;
    }
  }
}
