package dev.hitbox.rocksdb;

import static java.util.Objects.requireNonNull;

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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;
import org.rocksdb.CompactRangeOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;

/**
 * The embedded persistent backend: entries in a RocksDB database in a directory, where they survive
 * restarts, or in memory. Supports pattern and tag invalidation. Thread-safe.
 *
 * <p>Every call runs on the backend's executor (a pool of its own, or one given to the builder) and
 * completes there; the caller's thread never waits for RocksDB. Writes, removals and invalidations
 * of one backend are serialized (each reads the entry it replaces to keep the indexes exact); reads
 * run in parallel.
 *
 * <p>Besides the entries, the database keeps an index by expiry time and one by tag. A sweep every
 * {@code sweepInterval} deletes expired entries (reads never return them, even before the sweep),
 * and the bound {@code maxBytes} on the live data is kept by evicting the entries that expire first
 * as soon as a write exceeds it. When the files on disk have grown past {@code maxBytes} since
 * entries were deleted, the sweep compacts the database to give the space back.
 *
 * <p>The directory is locked while the backend is open: a second backend on the same path, in this
 * process or another, fails to build with an error naming the path. Call {@link #close()} at
 * shutdown.
 *
 * <pre>{@code
 * RocksDbBackend disk = RocksDbBackend.builder()
 *     .path(Path.of("/var/cache/hitbox"))
 *     .maxBytes(512L << 20)
 *     .build();
 * RocksDbBackend memory = RocksDbBackend.builder().inMemory().maxBytes(64L << 20).build();
 * }</pre>
 */
public final class RocksDbBackend
    implements Backend, PatternInvalidator, TagInvalidator, AutoCloseable {
  /** Default of {@link Builder#maxBytes}: 1 GiB. */
  public static final long DEFAULT_MAX_BYTES = 1L << 30;

  /** The smallest {@link Builder#maxBytes}: 1 MiB. */
  public static final long MIN_MAX_BYTES = 1L << 20;

  /** Default of {@link Builder#sweepInterval}: 30 seconds. */
  public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofSeconds(30);

  /** Entries handled per hold of the write lock by sweeps and invalidations. */
  static final int CHUNK = 1_000;

  private static final AtomicInteger IN_MEMORY_IDS = new AtomicInteger();

  private final String name;
  private final @Nullable Path path;
  private final String location;
  private final KeyFormat keyFormat;
  private final KeyFormat fullKeyFormat;
  private final Ticker ticker;
  private final long maxBytes;
  private final Executor executor;
  private final @Nullable ExecutorService ownExecutor;
  private final ScheduledExecutorService sweeper;
  private final RocksStore store;

  /** Held (shared) by every call that uses the database, and exclusively by {@link #close()}. */
  private final ReentrantReadWriteLock closeLock = new ReentrantReadWriteLock();

  private volatile boolean closed;

  /** Serializes every change of the database and of the fields below. */
  private final ReentrantLock mutation = new ReentrantLock();

  private volatile long liveBytes;
  private volatile long entryCount;
  private volatile long evicted;
  private volatile long expired;

  /** No expiry record sorts before it: sweeps and evictions start here, past their tombstones. */
  private byte[] floor = new byte[0];

  private boolean floorLowered;
  private boolean deletedSinceCompaction;
  private volatile @Nullable CompactRangeOptions compacting;

  private RocksDbBackend(Builder b, RocksStore store, String location) {
    this.name = b.name;
    this.path = b.path;
    this.location = location;
    this.keyFormat = b.keyFormat;
    this.fullKeyFormat = b.keyFormat.withMaxLength(Integer.MAX_VALUE);
    this.ticker = b.ticker;
    this.maxBytes = b.maxBytes;
    this.store = store;
    countLiveEntries();
    if (b.executor != null) {
      this.executor = b.executor;
      this.ownExecutor = null;
    } else {
      ExecutorService pool =
          Executors.newFixedThreadPool(b.threads, daemon("hitbox-rocksdb-" + name));
      this.executor = pool;
      this.ownExecutor = pool;
    }
    this.sweeper =
        Executors.newSingleThreadScheduledExecutor(daemon("hitbox-rocksdb-sweep-" + name));
    long interval = b.sweepInterval.toMillis();
    // The first sweep runs at once: entries that expired while the process was down go now.
    sweeper.scheduleWithFixedDelay(this::sweepQuietly, 0, interval, TimeUnit.MILLISECONDS);
  }

  /** Starts a builder; {@link Builder#path} or {@link Builder#inMemory} must be given. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return name;
  }

  /** The directory of the database; empty in memory. */
  public Optional<Path> path() {
    return Optional.ofNullable(path);
  }

  /** The bound on the live data, in bytes. */
  public long maxBytes() {
    return maxBytes;
  }

  /**
   * The live data now, in bytes: for each entry its key, envelope, header and index records, as
   * written (before RocksDB compresses them). Entries that have expired but are not swept yet count
   * until the sweep.
   */
  public long liveBytes() {
    return liveBytes;
  }

  /** The entries held now, including expired ones the sweep has not deleted yet. */
  public long entryCount() {
    return entryCount;
  }

  /** Entries evicted to keep {@link #maxBytes()} since this backend opened. */
  public long evictedCount() {
    return evicted;
  }

  /** Expired entries deleted by the sweep since this backend opened. */
  public long expiredCount() {
    return expired;
  }

  /**
   * The size of the database's table (SST) files now, in bytes, as RocksDB reports it; the write-
   * ahead log, the info log and the manifest come on top.
   *
   * @throws BackendException if the backend is closed
   */
  public long tableFileBytes() {
    return guarded(
        "tableFileBytes",
        () -> store.db().getAggregatedLongProperty("rocksdb.total-sst-files-size"));
  }

  // ---------------------------------------------------------------- Backend

  @Override
  public CompletionStage<byte @Nullable []> read(CacheKey key) {
    requireNonNull(key, "key");
    return submit(
        "read",
        () -> {
          byte[] k = keyFormat.encode(key);
          byte[] stored = store.db().get(store.entries(), k);
          if (stored == null) {
            return null;
          }
          Records.Header h = header(stored, key);
          if (h.expireAt() <= ticker.currentTimeMillis()) {
            return null;
          }
          return Records.envelope(stored, h);
        });
  }

  @Override
  public CompletionStage<Void> write(CacheKey key, BackendEntry entry) {
    requireNonNull(key, "key");
    requireNonNull(entry, "entry");
    return submit(
        "write",
        () -> {
          writeNow(key, entry);
          return null;
        });
  }

  @Override
  public CompletionStage<Boolean> remove(CacheKey key) {
    requireNonNull(key, "key");
    return submit("remove", () -> removeNow(key));
  }

  @Override
  public CompletionStage<Long> invalidatePattern(String namespace, String pattern) {
    requireNonNull(namespace, "namespace");
    requireNonNull(pattern, "pattern");
    return submit("invalidatePattern", () -> invalidatePatternNow(namespace, pattern));
  }

  @Override
  public CompletionStage<Long> invalidateTag(String tag) {
    requireNonNull(tag, "tag");
    return submit("invalidateTag", () -> invalidateTagNow(tag));
  }

  /**
   * Runs a sweep now on the sweep thread: deletes expired entries, evicts down to {@link
   * #maxBytes()} and compacts when the files have outgrown it.
   *
   * @return a future completed when the sweep is done, or failed with a {@link BackendException}
   */
  public CompletableFuture<Void> cleanUp() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      sweeper.execute(
          () -> {
            try {
              sweep();
              done.complete(null);
            } catch (Throwable t) {
              done.completeExceptionally(failure("sweep", t));
            }
          });
    } catch (RejectedExecutionException e) {
      done.completeExceptionally(new BackendException(location + ": closed", e));
    }
    return done;
  }

  /**
   * Closes the database: stops the sweep (cancelling a running compaction), waits for calls in
   * progress, and releases the directory's lock. Later calls fail with a {@link BackendException}.
   * The backend's own executor is shut down; one given to the builder is not. Idempotent.
   *
   * @throws BackendException if RocksDB reports an error while closing
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    CompactRangeOptions c = compacting;
    if (c != null) {
      c.setCanceled(true);
    }
    sweeper.shutdownNow();
    closeLock.writeLock().lock();
    try {
      store.close();
    } catch (RocksDBException e) {
      throw new BackendException(location + ": close failed: " + e.getMessage(), e);
    } finally {
      closeLock.writeLock().unlock();
      if (ownExecutor != null) {
        ownExecutor.shutdown();
      }
    }
  }

  @Override
  public String toString() {
    return "RocksDbBackend{"
        + name
        + ", "
        + (path == null ? "in memory" : path.toString())
        + ", entries="
        + entryCount
        + ", liveBytes="
        + liveBytes
        + '}';
  }

  // ---------------------------------------------------------------- operations

  private void writeNow(CacheKey key, BackendEntry entry) throws RocksDBException {
    byte[] k = keyFormat.encode(key);
    byte[] fullKey = keyFormat.isHashed(k) ? fullKeyFormat.encode(key) : null;
    long now = ticker.currentTimeMillis();
    byte[] value =
        entry.expireAt() > now
            ? Records.entry(entry.expireAt(), entry.tags(), fullKey, entry.bytes())
            : null;
    mutation.lock();
    try (WriteBatch batch = new WriteBatch()) {
      Change change = new Change();
      byte[] old = store.db().get(store.entries(), k);
      if (old != null) {
        dropIndex(batch, k, old, change);
      }
      if (value != null) {
        batch.put(store.entries(), k, value);
        addIndex(batch, k, value, entry, change);
      } else if (old != null) {
        batch.delete(store.entries(), k);
      }
      commit(batch, change);
      if (liveBytes > maxBytes) {
        evictLocked(Long.MAX_VALUE);
      }
    } finally {
      mutation.unlock();
    }
  }

  private boolean removeNow(CacheKey key) throws RocksDBException {
    byte[] k = keyFormat.encode(key);
    long now = ticker.currentTimeMillis();
    mutation.lock();
    try (WriteBatch batch = new WriteBatch()) {
      byte[] old = store.db().get(store.entries(), k);
      if (old == null) {
        return false;
      }
      Change change = new Change();
      long expireAt = deleteEntry(batch, k, old, change);
      commit(batch, change);
      return expireAt > now;
    } finally {
      mutation.unlock();
    }
  }

  private long invalidatePatternNow(String namespace, String pattern) throws RocksDBException {
    long removed = 0;
    for (byte[] prefix : namespacePrefixes(namespace)) {
      try (RocksIterator it = store.db().newIterator(store.entries())) {
        it.seek(prefix);
        List<byte[]> matching = new ArrayList<>();
        while (true) {
          boolean more = it.isValid() && Records.startsWith(it.key(), prefix);
          if (more) {
            byte[] k = it.key();
            CacheKey decoded = decodeStoredKey(k, it);
            if (decoded != null
                && decoded.namespace().equals(namespace)
                && KeyPattern.matches(pattern, decoded.text())) {
              matching.add(k);
            }
            it.next();
          }
          if (matching.size() >= CHUNK || !more && !matching.isEmpty()) {
            removed += deleteKeys(matching, null);
            matching.clear();
          }
          if (!more) {
            break;
          }
        }
        it.status();
      }
    }
    return removed;
  }

  private long invalidateTagNow(String tag) throws RocksDBException {
    byte[] prefix = Records.tagPrefix(tag);
    long removed = 0;
    try (RocksIterator it = store.db().newIterator(store.tags())) {
      it.seek(prefix);
      List<byte[]> keys = new ArrayList<>();
      while (true) {
        boolean more = it.isValid() && Records.startsWith(it.key(), prefix);
        if (more) {
          byte[] record = it.key();
          keys.add(Arrays.copyOfRange(record, prefix.length, record.length));
          it.next();
        }
        if (keys.size() >= CHUNK || !more && !keys.isEmpty()) {
          removed += deleteKeys(keys, tag);
          keys.clear();
        }
        if (!more) {
          break;
        }
      }
      it.status();
    }
    return removed;
  }

  /**
   * Deletes the entries under {@code keys} (those carrying {@code tag}, when not null).
   *
   * @return how many of them had not expired
   */
  private long deleteKeys(List<byte[]> keys, @Nullable String tag) throws RocksDBException {
    long now = ticker.currentTimeMillis();
    long removed = 0;
    mutation.lock();
    try (WriteBatch batch = new WriteBatch()) {
      Change change = new Change();
      for (byte[] k : keys) {
        byte[] v = store.db().get(store.entries(), k);
        if (v == null) {
          if (tag != null) {
            batch.delete(store.tags(), Records.concat(Records.tagPrefix(tag), k));
          }
          continue;
        }
        if (tag != null && !carries(v, tag)) {
          // a record left by an entry that could not be parsed when it was replaced
          batch.delete(store.tags(), Records.concat(Records.tagPrefix(tag), k));
          continue;
        }
        if (deleteEntry(batch, k, v, change) > now) {
          removed++;
        }
      }
      commit(batch, change);
    } finally {
      mutation.unlock();
    }
    return removed;
  }

  private static boolean carries(byte[] entry, String tag) {
    try {
      return Records.header(entry).tags().contains(tag);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  // ---------------------------------------------------------------- sweep and eviction

  private void sweepQuietly() {
    try {
      sweep();
    } catch (RuntimeException e) {
      // the next sweep tries again; a closed backend stops sweeping
    }
  }

  private void sweep() {
    guarded(
        "sweep",
        () -> {
          sweepExpired();
          return null;
        });
    while (liveBytes > maxBytes) {
      long before = liveBytes;
      guarded("sweep", () -> evictChunk());
      if (liveBytes >= before) {
        break;
      }
    }
    guarded(
        "sweep",
        () -> {
          compactIfOutgrown();
          return null;
        });
  }

  private long evictChunk() throws RocksDBException {
    mutation.lock();
    try {
      return evictLocked(CHUNK);
    } finally {
      mutation.unlock();
    }
  }

  /** Deletes entries with {@code expireAt <= now}, from the floor of the expiry index. */
  private void sweepExpired() throws RocksDBException {
    long now = ticker.currentTimeMillis();
    byte[] upper = Records.expiryBound(now == Long.MAX_VALUE ? now : now + 1);
    byte[] start;
    mutation.lock();
    try {
      start = floor;
      floorLowered = false;
    } finally {
      mutation.unlock();
    }
    if (Arrays.compareUnsigned(start, upper) >= 0) {
      return;
    }
    try (Slice bound = new Slice(upper);
        ReadOptions options = new ReadOptions().setIterateUpperBound(bound);
        RocksIterator it = store.db().newIterator(store.expiry(), options)) {
      it.seek(start);
      List<byte[]> records = new ArrayList<>();
      while (true) {
        boolean more = it.isValid();
        if (more) {
          records.add(it.key());
          it.next();
        }
        if (records.size() >= CHUNK || !more && !records.isEmpty()) {
          deleteExpired(records);
          records.clear();
        }
        if (!more) {
          break;
        }
      }
      it.status();
    }
    mutation.lock();
    try {
      // Every record below upper is gone, unless a write with an older clock added one meanwhile.
      if (!floorLowered && Arrays.compareUnsigned(floor, upper) < 0) {
        floor = upper;
      }
    } finally {
      mutation.unlock();
    }
  }

  private void deleteExpired(List<byte[]> records) throws RocksDBException {
    mutation.lock();
    try (WriteBatch batch = new WriteBatch()) {
      Change change = new Change();
      long n = 0;
      for (byte[] record : records) {
        if (dropRecord(batch, record, change)) {
          n++;
        }
      }
      commit(batch, change);
      expired += n;
    } finally {
      mutation.unlock();
    }
  }

  /**
   * Evicts the entries that expire first until the live data fits {@link #maxBytes}, at most {@code
   * limit} of them. Runs under the mutation lock.
   *
   * @return how many were evicted
   */
  private long evictLocked(long limit) throws RocksDBException {
    long n = 0;
    try (WriteBatch batch = new WriteBatch();
        RocksIterator it = store.db().newIterator(store.expiry())) {
      Change change = new Change();
      it.seek(floor);
      byte[] last = floor;
      while (it.isValid() && liveBytes + change.bytes > maxBytes && n < limit) {
        last = it.key();
        if (dropRecord(batch, last, change)) {
          n++;
        }
        it.next();
      }
      it.status();
      byte[] next = it.isValid() ? it.key() : last;
      commit(batch, change);
      evicted += n;
      if (Arrays.compareUnsigned(next, floor) > 0) {
        floor = next;
      }
    }
    return n;
  }

  /**
   * Deletes the entry an expiry record points to, or the record alone when it is stale. Runs under
   * the mutation lock.
   *
   * @return whether an entry was deleted
   */
  private boolean dropRecord(WriteBatch batch, byte[] record, Change change)
      throws RocksDBException {
    byte[] footprint = store.db().get(store.expiry(), record);
    if (footprint == null) {
      return false; // replaced or removed since it was listed
    }
    byte[] k = Records.storedKeyOf(record);
    byte[] v = store.db().get(store.entries(), k);
    if (v != null) {
      try {
        if (Records.header(v).expireAt() == Records.expireAtOf(record)) {
          deleteEntry(batch, k, v, change);
          return true;
        }
      } catch (IllegalArgumentException e) {
        // unparseable entry: its record is stale, drop the record alone
      }
    }
    batch.delete(store.expiry(), record);
    change.bytes -= Records.getLong(footprint, 0);
    change.count--;
    return false;
  }

  private void compactIfOutgrown() throws RocksDBException {
    boolean deleted;
    mutation.lock();
    try {
      deleted = deletedSinceCompaction;
    } finally {
      mutation.unlock();
    }
    if (!deleted
        || store.db().getAggregatedLongProperty("rocksdb.total-sst-files-size") <= maxBytes) {
      return;
    }
    mutation.lock();
    try {
      deletedSinceCompaction = false;
    } finally {
      mutation.unlock();
    }
    try (CompactRangeOptions options = new CompactRangeOptions()) {
      compacting = options;
      try {
        store.compactAll(options);
      } finally {
        compacting = null;
      }
    }
  }

  // ---------------------------------------------------------------- index upkeep

  /** Changes of the counters by one batch, applied once the batch is written. */
  private static final class Change {
    long bytes;
    long count;
    boolean deleted;
    byte @Nullable [] lowest;
  }

  private void commit(WriteBatch batch, Change change) throws RocksDBException {
    if (batch.count() > 0) {
      store.db().write(store.writeOptions(), batch);
    }
    liveBytes += change.bytes;
    entryCount += change.count;
    if (change.deleted) {
      deletedSinceCompaction = true;
    }
    byte[] lowest = change.lowest;
    if (lowest != null && Arrays.compareUnsigned(lowest, floor) < 0) {
      floor = lowest;
      floorLowered = true;
    }
  }

  private void addIndex(WriteBatch batch, byte[] k, byte[] value, BackendEntry entry, Change change)
      throws RocksDBException {
    byte[] record = Records.expiryKey(entry.expireAt(), k);
    long footprint = footprint(k, value.length, entry.tags());
    batch.put(store.expiry(), record, Records.longBytes(footprint));
    for (String tag : entry.tags()) {
      batch.put(store.tags(), Records.concat(Records.tagPrefix(tag), k), new byte[0]);
    }
    change.bytes += footprint;
    change.count++;
    change.lowest = record;
  }

  /**
   * Deletes an entry and its index records; returns its {@code expireAt} ({@code MAX} if unknown).
   */
  private long deleteEntry(WriteBatch batch, byte[] k, byte[] value, Change change)
      throws RocksDBException {
    batch.delete(store.entries(), k);
    change.deleted = true;
    return dropIndex(batch, k, value, change);
  }

  private long dropIndex(WriteBatch batch, byte[] k, byte[] value, Change change)
      throws RocksDBException {
    change.deleted = true;
    Records.Header h;
    try {
      h = Records.header(value);
    } catch (IllegalArgumentException e) {
      // Not written by this backend: no index records are known; stale ones go with the sweep.
      return Long.MAX_VALUE;
    }
    batch.delete(store.expiry(), Records.expiryKey(h.expireAt(), k));
    for (String tag : h.tags()) {
      batch.delete(store.tags(), Records.concat(Records.tagPrefix(tag), k));
    }
    change.bytes -= footprint(k, value.length, h.tags());
    change.count--;
    return h.expireAt();
  }

  /** What an entry costs: its key and value, its expiry record and its tag records. */
  static long footprint(byte[] k, int valueLength, Iterable<String> tags) {
    long bytes = k.length + (long) valueLength + Records.EXPIRY_KEY_PREFIX + k.length + 8;
    for (String tag : tags) {
      bytes += Records.tagPrefix(tag).length + k.length;
    }
    return bytes;
  }

  /** Sums the footprints in the expiry index: the state a reopened database starts from. */
  private void countLiveEntries() {
    long bytes = 0;
    long count = 0;
    try (RocksIterator it = store.db().newIterator(store.expiry())) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        bytes += Records.getLong(it.value(), 0);
        count++;
      }
      it.status();
    } catch (RocksDBException e) {
      store.closeQuietly();
      throw new BackendException(location + ": cannot read the expiry index: " + e.getMessage(), e);
    }
    liveBytes = bytes;
    entryCount = count;
  }

  // ---------------------------------------------------------------- keys

  /** Where the stored keys of a namespace begin: its encoded keys, and its hashed ones. */
  private List<byte[]> namespacePrefixes(String namespace) {
    byte[] hashed = (namespace + ":").getBytes(StandardCharsets.US_ASCII);
    if (keyFormat.name().equals(KeyFormat.URL_ENCODED.name())) {
      return List.of(hashed); // namespace:version:... and namespace:sha256 alike
    }
    // Bitcode: the marker, the namespace's length as a varint, the namespace
    byte[] ns = namespace.getBytes(StandardCharsets.US_ASCII);
    byte[] prefix = new byte[ns.length + 6];
    int at = 0;
    prefix[at++] = 0x01;
    int length = ns.length;
    while ((length & ~0x7f) != 0) {
      prefix[at++] = (byte) (length & 0x7f | 0x80);
      length >>>= 7;
    }
    prefix[at++] = (byte) length;
    System.arraycopy(ns, 0, prefix, at, ns.length);
    return List.of(Arrays.copyOf(prefix, at + ns.length), hashed);
  }

  /** The key stored under {@code k}, from the entry's header when {@code k} is a hash. */
  private @Nullable CacheKey decodeStoredKey(byte[] k, RocksIterator it) {
    try {
      if (keyFormat.isHashed(k)) {
        byte[] full = Records.header(it.value()).fullKey();
        return full == null ? null : fullKeyFormat.decode(full);
      }
      return keyFormat.decode(k);
    } catch (IllegalArgumentException e) {
      return null; // written with another key format, or not by this backend
    }
  }

  private Records.Header header(byte[] stored, CacheKey key) {
    try {
      return Records.header(stored);
    } catch (IllegalArgumentException e) {
      throw new BackendException(
          location + ": the entry under " + key + " is unreadable: " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- plumbing

  /** A call on the database. */
  @FunctionalInterface
  private interface Call<T> {
    T run() throws RocksDBException;
  }

  private <T> CompletableFuture<T> submit(String op, Call<T> call) {
    CompletableFuture<T> result = new CompletableFuture<>();
    if (closed) {
      result.completeExceptionally(new BackendException(location + ": closed"));
      return result;
    }
    try {
      executor.execute(
          () -> {
            try {
              result.complete(guarded(op, call));
            } catch (Throwable t) {
              result.completeExceptionally(failure(op, t));
            }
          });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(
          new BackendException(location + ": " + op + " rejected by the executor", e));
    }
    return result;
  }

  private <T> T guarded(String op, Call<T> call) {
    closeLock.readLock().lock();
    try {
      if (closed) {
        throw new BackendException(location + ": closed");
      }
      return call.run();
    } catch (RocksDBException e) {
      throw new BackendException(location + ": " + op + " failed: " + e.getMessage(), e);
    } finally {
      closeLock.readLock().unlock();
    }
  }

  private Throwable failure(String op, Throwable t) {
    if (t instanceof BackendException || t instanceof Error) {
      return t;
    }
    return new BackendException(location + ": " + op + " failed: " + t, t);
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  // ---------------------------------------------------------------- builder

  /** Builds a {@link RocksDbBackend}; setters validate at once. Not thread-safe. */
  public static final class Builder {
    private @Nullable Path path;
    private boolean inMemory;
    private long maxBytes = DEFAULT_MAX_BYTES;
    private Duration sweepInterval = DEFAULT_SWEEP_INTERVAL;
    private int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    private @Nullable Executor executor;
    private KeyFormat keyFormat = KeyFormat.URL_ENCODED;
    private Ticker ticker = Ticker.systemTicker();
    private String name = "rocksdb";

    private Builder() {}

    /**
     * Keeps the database in {@code directory}, created if missing; entries survive restarts.
     * Exclusive with {@link #inMemory()}.
     */
    public Builder path(Path directory) {
      this.path = requireNonNull(directory, "directory");
      return this;
    }

    /**
     * Keeps the database in memory (RocksDB's memory environment): nothing touches the disk and
     * everything is gone when the backend closes. Exclusive with {@link #path}.
     */
    public Builder inMemory() {
      this.inMemory = true;
      return this;
    }

    /**
     * Bounds the live data (default 1 GiB): when a write takes it past this, the entries that
     * expire first are evicted. Also sizes RocksDB's write buffers ({@code maxBytes / 16}, 64 KiB
     * to 64 MiB).
     *
     * @throws ConfigurationException unless {@code >= 1 MiB}, e.g. {@code "max_bytes: 1000
     *     (expected: >= 1048576)"}
     */
    public Builder maxBytes(long bytes) {
      if (bytes < MIN_MAX_BYTES) {
        throw new ConfigurationException(
            "max_bytes: " + bytes + " (expected: >= " + MIN_MAX_BYTES + ")");
      }
      this.maxBytes = bytes;
      return this;
    }

    /**
     * How often expired entries are deleted (default 30 s); reads never return them meanwhile.
     *
     * @throws ConfigurationException unless between 10 ms and 1 day
     */
    public Builder sweepInterval(Duration interval) {
      requireNonNull(interval, "interval");
      if (interval.compareTo(Duration.ofMillis(10)) < 0
          || interval.compareTo(Duration.ofDays(1)) > 0) {
        throw new ConfigurationException(
            "sweep_interval: " + interval + " (expected: between 10ms and 1d)");
      }
      this.sweepInterval = interval;
      return this;
    }

    /**
     * Threads of the backend's own executor (default: the number of processors, at least 2).
     * Ignored when {@link #executor} is set.
     *
     * @throws ConfigurationException unless between 1 and 256
     */
    public Builder threads(int threads) {
      if (threads < 1 || threads > 256) {
        throw new ConfigurationException("threads: " + threads + " (expected: 1 to 256)");
      }
      this.threads = threads;
      return this;
    }

    /**
     * Runs the RocksDB calls on {@code executor} instead of a pool of the backend's own; returned
     * stages complete there. The backend does not shut it down.
     */
    public Builder executor(Executor executor) {
      this.executor = requireNonNull(executor, "executor");
      return this;
    }

    /** How keys are stored (default {@link KeyFormat#URL_ENCODED}). */
    public Builder keyFormat(KeyFormat keyFormat) {
      this.keyFormat = requireNonNull(keyFormat, "keyFormat");
      return this;
    }

    /** The clock that entries' {@code expireAt} is compared with (default the system clock). */
    public Builder ticker(Ticker ticker) {
      this.ticker = requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Sets the name used in metrics and thread names (default {@code "rocksdb"}).
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
     * Opens the database (creating it if missing) and returns the backend. Blocks while RocksDB
     * opens and replays its log.
     *
     * @throws ConfigurationException if neither or both of {@code path} and {@code inMemory} were
     *     given
     * @throws BackendException if the database cannot be opened: the directory is locked by another
     *     backend (in this process or another), cannot be created or written, or is corrupt; the
     *     message names the directory
     */
    public RocksDbBackend build() {
      if (path != null && inMemory) {
        throw new ConfigurationException(
            "path: " + path + " (expected: either path or in_memory, not both)");
      }
      if (path == null && !inMemory) {
        throw new ConfigurationException(
            "path: missing (expected: a directory, or in_memory for a database in memory)");
      }
      String location;
      RocksStore store;
      if (path != null) {
        Path dir = path.toAbsolutePath();
        location = "rocksdb " + dir;
        store = RocksStore.open(dir, null, maxBytes, location);
      } else {
        location = "rocksdb in memory (" + name + ")";
        String virtual = "/hitbox-rocksdb-in-memory/" + IN_MEMORY_IDS.incrementAndGet();
        store = RocksStore.open(null, virtual, maxBytes, location);
      }
      return new RocksDbBackend(this, store, location);
    }
  }
}
