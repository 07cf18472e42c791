package dev.hitbox.jdbc;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
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
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The SQL backend: entries in a table of any database with a JDBC driver. An embedded SQLite file
 * (the default, no server) keeps the cache across restarts; PostgreSQL shares it between processes;
 * H2 works too.
 *
 * <ul>
 *   <li><b>Schema.</b> One row per entry ({@code cache_key} primary key, {@code namespace}, {@code
 *       key_text}, {@code value}, {@code stale_at}, {@code expire_at}) and one row per tag of an
 *       entry in {@code <table>_tags}; created at {@link Builder#build()} unless {@link
 *       Builder#autoCreate(boolean) autoCreate(false)}. See {@code docs/backends.md}.
 *   <li><b>One statement per read</b>, one transaction per write: an upsert ({@code INSERT ... ON
 *       CONFLICT DO UPDATE} on SQLite and PostgreSQL, {@code MERGE} on H2), then the entry's tags.
 *   <li><b>Expiry.</b> Reads skip rows whose {@code expire_at} has passed by the {@link
 *       Builder#ticker(Ticker) ticker}; a background sweep deletes them every {@link
 *       Builder#sweepInterval(Duration) sweepInterval}.
 *   <li><b>Pattern invalidation</b> selects the namespace's rows whose key text starts with the
 *       pattern's literal beginning ({@code LIKE}), matches each text with the glob ({@link
 *       KeyPattern}) and deletes the matches. It reaches every key, hashed long ones included,
 *       because the text is stored beside the key.
 *   <li><b>Tag invalidation</b> deletes the entries listed under the tag in the tag table.
 * </ul>
 *
 * <p>JDBC blocks, so every call runs on a bounded executor of its own ({@link Builder#poolSize(int)
 * poolSize} threads, one per pooled connection, and a queue of {@value #MAX_QUEUED} calls; a call
 * past that fails at once) or on one {@link Builder#executor(Executor) you give}; never on the
 * caller's thread. Returned stages complete on those threads. Connections come from a HikariCP
 * pool.
 *
 * <p>SQLite allows one writer at a time: the file is opened in WAL mode (readers never wait for the
 * writer), write transactions start {@code IMMEDIATE} and take turns inside the process, and a
 * writer waits up to 5 s for another process.
 *
 * <p>Keys are stored as the {@link Builder#keyFormat(KeyFormat) key format}'s string form ({@code
 * authors:0:author_id=42}), values as the envelope bytes the engine wrote. Thread-safe. {@link
 * #close()} stops the sweep and the threads and closes the connections.
 *
 * <pre>{@code
 * JdbcBackend sqlite = JdbcBackend.builder()
 *     .url("jdbc:sqlite:/var/lib/hitbox/cache.db")
 *     .build();
 * JdbcBackend postgres = JdbcBackend.builder()
 *     .url("jdbc:postgresql://db.internal:5432/app")
 *     .username("hitbox").password(System.getenv("HITBOX_DB_PASSWORD"))
 *     .table("http_cache")
 *     .poolSize(8)
 *     .build();
 * }</pre>
 */
public final class JdbcBackend
    implements Backend, PatternInvalidator, TagInvalidator, AutoCloseable {
  /** Calls that may wait for a thread of the backend's own executor. */
  static final int MAX_QUEUED = 65_536;

  /** Writes per transaction at most. */
  static final int WRITE_BATCH = 256;

  /** Keys per {@code DELETE ... IN (...)} of pattern invalidation. */
  private static final int DELETE_BATCH = 500;

  private static final System.Logger LOG = System.getLogger("dev.hitbox.jdbc");

  private final String name;
  private final String maskedUrl;
  private final Sql sql;
  private final KeyFormat keyFormat;
  private final Ticker ticker;
  private final HikariDataSource pool;
  private final Executor executor;
  private final @Nullable ExecutorService ownExecutor;
  private final @Nullable ScheduledExecutorService sweeper;
  private final @Nullable ReentrantLock writeLock;
  private final AtomicBoolean orphanTags = new AtomicBoolean();
  private final ConcurrentLinkedQueue<PendingWrite> pending = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pendingWrites = new AtomicInteger();
  private final AtomicInteger writers = new AtomicInteger();
  private final int maxWriters;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong sweptRows = new AtomicLong();
  private final AtomicLong sweepErrors = new AtomicLong();

  private JdbcBackend(Builder b, HikariDataSource pool, Sql sql, int threads) {
    this.name = b.name;
    this.maskedUrl = Errors.masked(b.url);
    this.sql = sql;
    this.keyFormat = b.keyFormat;
    this.ticker = b.ticker;
    this.pool = pool;
    this.writeLock = sql.dialect == SqlDialect.SQLITE ? new ReentrantLock() : null;
    // SQLite has one writer at a time; elsewhere writers leave half the connections to readers.
    this.maxWriters = writeLock != null ? 1 : Math.max(1, threads / 2);
    if (b.executor != null) {
      this.executor = b.executor;
      this.ownExecutor = null;
    } else {
      ThreadPoolExecutor own =
          new ThreadPoolExecutor(
              threads,
              threads,
              30,
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(MAX_QUEUED),
              daemonThreads("hitbox-jdbc-" + b.name + "-"));
      own.allowCoreThreadTimeOut(true);
      this.executor = own;
      this.ownExecutor = own;
    }
    if (b.sweepInterval.isZero()) {
      this.sweeper = null;
    } else {
      ScheduledThreadPoolExecutor s =
          new ScheduledThreadPoolExecutor(1, daemonThreads("hitbox-jdbc-" + b.name + "-sweep-"));
      long every = b.sweepInterval.toMillis();
      s.scheduleWithFixedDelay(this::sweepInBackground, every, every, TimeUnit.MILLISECONDS);
      this.sweeper = s;
    }
  }

  /**
   * Starts a backend for the SQLite file {@code hitbox-cache.db} in the working directory, table
   * {@code hitbox_cache}, created if missing.
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return name;
  }

  /** The dialect in use. */
  public SqlDialect dialect() {
    return sql.dialect;
  }

  /** The table of the entries; the tags are in this name followed by {@code _tags}. */
  public String table() {
    return sql.table;
  }

  /** The key format the keys are stored in. */
  public KeyFormat keyFormat() {
    return keyFormat;
  }

  /** Reads with one {@code SELECT} of the row, if it has not expired. */
  @Override
  public CompletionStage<byte @Nullable []> read(CacheKey key) {
    String k = keyFormat.encodeToString(key);
    return call(
        () -> {
          try (Connection c = pool.getConnection();
              PreparedStatement ps = c.prepareStatement(sql.read)) {
            ps.setString(1, k);
            ps.setLong(2, ticker.currentTimeMillis());
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? rs.getBytes(1) : null;
            }
          }
        });
  }

  /**
   * Writes in one transaction: the upsert of the row, then the entry's tags replace the key's
   * previous ones. Writes that arrive while others are running are grouped, up to {@value
   * #WRITE_BATCH} per transaction (one commit for all of them). An entry that has already expired
   * is removed instead.
   */
  @Override
  public CompletionStage<Void> write(CacheKey key, BackendEntry entry) {
    requireNonNull(entry, "entry");
    String k = keyFormat.encodeToString(key);
    if (entry.expireAt() <= ticker.currentTimeMillis()) {
      return call(
          () -> {
            transaction(c -> removeKey(c, k, Long.MIN_VALUE));
            return null;
          });
    }
    if (closed.get()) {
      return CompletableFuture.failedFuture(new BackendException(name + ": closed"));
    }
    if (pendingWrites.incrementAndGet() > MAX_QUEUED) {
      pendingWrites.decrementAndGet();
      return CompletableFuture.failedFuture(
          new BackendException(name + ": " + MAX_QUEUED + " writes already waiting"));
    }
    PendingWrite w =
        new PendingWrite(k, key.namespace(), key.text(), entry, new CompletableFuture<>());
    pending.add(w);
    startWriter();
    return w.done;
  }

  /** Starts one more writer task unless the most allowed are running. */
  private void startWriter() {
    while (true) {
      int n = writers.get();
      if (n >= maxWriters) {
        return;
      }
      if (writers.compareAndSet(n, n + 1)) {
        break;
      }
    }
    try {
      executor.execute(this::drainWrites);
    } catch (RejectedExecutionException e) {
      writers.decrementAndGet();
      failPending(
          new BackendException(
              name + ": " + (closed.get() ? "closed" : "no thread to run the write"), e));
    }
  }

  private void failPending(Throwable error) {
    PendingWrite w;
    while ((w = pending.poll()) != null) {
      pendingWrites.decrementAndGet();
      w.done.completeExceptionally(error);
    }
  }

  private void drainWrites() {
    try {
      while (true) {
        List<PendingWrite> batch = new ArrayList<>();
        PendingWrite w;
        while (batch.size() < WRITE_BATCH && (w = pending.poll()) != null) {
          batch.add(w);
        }
        if (batch.isEmpty()) {
          break;
        }
        pendingWrites.addAndGet(-batch.size());
        writeBatch(batch);
      }
    } finally {
      writers.decrementAndGet();
    }
    if (!pending.isEmpty()) {
      startWriter(); // a write queued after the loop saw the queue empty
    }
  }

  /**
   * Writes a batch in one transaction, the last write of each key only (the earlier ones were
   * overwritten at once), in key order so that concurrent batches lock rows in the same order. When
   * the transaction fails, each write is tried alone so that one bad entry fails only itself.
   */
  private void writeBatch(List<PendingWrite> batch) {
    TreeMap<String, PendingWrite> last = new TreeMap<>();
    for (PendingWrite w : batch) {
      last.put(w.key, w);
    }
    List<PendingWrite> writes = List.copyOf(last.values());
    try {
      transaction(c -> writeRows(c, writes));
      for (PendingWrite w : batch) {
        w.done.complete(null);
      }
      return;
    } catch (SQLException | RuntimeException e) {
      if (batch.size() == 1) {
        batch.get(0).done.completeExceptionally(failure(e));
        return;
      }
    }
    for (PendingWrite w : writes) {
      try {
        transaction(c -> writeRows(c, List.of(w)));
        for (PendingWrite same : batch) {
          if (same.key.equals(w.key)) {
            same.done.complete(null);
          }
        }
      } catch (SQLException | RuntimeException e) {
        for (PendingWrite same : batch) {
          if (same.key.equals(w.key)) {
            same.done.completeExceptionally(failure(e));
          }
        }
      }
    }
  }

  private Throwable failure(Exception e) {
    return e instanceof SQLException
        ? new BackendException(name + " (" + maskedUrl + "): " + Errors.message(e), e)
        : e;
  }

  /** Upserts the rows, then replaces their keys' tags. */
  private @Nullable Void writeRows(Connection c, List<PendingWrite> writes) throws SQLException {
    if (sql.dialect == SqlDialect.STANDARD) {
      for (PendingWrite w : writes) {
        upsertStandard(c, w);
      }
    } else {
      try (PreparedStatement ps = c.prepareStatement(sql.upsert)) {
        for (PendingWrite w : writes) {
          ps.setString(1, w.key);
          ps.setString(2, w.namespace);
          ps.setString(3, w.text);
          ps.setBytes(4, w.entry.bytes());
          ps.setLong(5, w.entry.staleAt());
          ps.setLong(6, w.entry.expireAt());
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    try (PreparedStatement ps = c.prepareStatement(sql.deleteTagsOfKey)) {
      for (PendingWrite w : writes) {
        ps.setString(1, w.key);
        ps.addBatch();
      }
      ps.executeBatch();
    }
    boolean tagged = false;
    try (PreparedStatement ps = c.prepareStatement(sql.insertTag)) {
      for (PendingWrite w : writes) {
        for (String tag : w.entry.tags()) {
          ps.setString(1, tag);
          ps.setString(2, w.key);
          ps.addBatch();
          tagged = true;
        }
      }
      if (tagged) {
        ps.executeBatch();
      }
    }
    return null;
  }

  private void upsertStandard(Connection c, PendingWrite w) throws SQLException {
    BackendEntry e = w.entry;
    int updated;
    try (PreparedStatement ps = c.prepareStatement(sql.update)) {
      ps.setString(1, w.namespace);
      ps.setString(2, w.text);
      ps.setBytes(3, e.bytes());
      ps.setLong(4, e.staleAt());
      ps.setLong(5, e.expireAt());
      ps.setString(6, w.key);
      updated = ps.executeUpdate();
    }
    if (updated == 0) {
      // A concurrent insert of the same key fails this one on the primary key: the transaction
      // is then retried and updates.
      try (PreparedStatement ps = c.prepareStatement(sql.insert)) {
        ps.setString(1, w.key);
        ps.setString(2, w.namespace);
        ps.setString(3, w.text);
        ps.setBytes(4, e.bytes());
        ps.setLong(5, e.staleAt());
        ps.setLong(6, e.expireAt());
        ps.executeUpdate();
      }
    }
  }

  /** A write waiting for a writer task; {@code done} is this caller's own future. */
  private record PendingWrite(
      String key,
      String namespace,
      String text,
      BackendEntry entry,
      CompletableFuture<Void> done) {}

  /** Removes the row and its tags in one transaction. */
  @Override
  public CompletionStage<Boolean> remove(CacheKey key) {
    String k = keyFormat.encodeToString(key);
    return call(() -> transaction(c -> removeKey(c, k, ticker.currentTimeMillis())));
  }

  /** Deletes a key's row and tags; whether a row that had not expired at {@code now} was there. */
  private boolean removeKey(Connection c, String k, long now) throws SQLException {
    int live;
    try (PreparedStatement ps = c.prepareStatement(sql.removeLive)) {
      ps.setString(1, k);
      ps.setLong(2, now);
      live = ps.executeUpdate();
    }
    if (live == 0) {
      try (PreparedStatement ps = c.prepareStatement(sql.removeAny)) {
        ps.setString(1, k);
        ps.executeUpdate();
      }
    }
    try (PreparedStatement ps = c.prepareStatement(sql.deleteTagsOfKey)) {
      ps.setString(1, k);
      ps.executeUpdate();
    }
    return live > 0;
  }

  /**
   * Selects the namespace's rows whose key text starts with the pattern's literal beginning ({@code
   * LIKE}), matches each text with the glob and deletes the matches with their tags, 500 per
   * transaction. The cost is one indexed scan of the namespace's rows.
   *
   * @return a stage with the number of entries removed that had not expired
   */
  @Override
  public CompletionStage<Long> invalidatePattern(String namespace, String pattern) {
    requireNonNull(namespace, "namespace");
    requireNonNull(pattern, "pattern");
    try {
      CacheKey.checkNamespace(namespace);
    } catch (ConfigurationException e) {
      return CompletableFuture.failedFuture(e);
    }
    return call(
        () -> {
          List<String> matching = new ArrayList<>();
          try (Connection c = pool.getConnection();
              PreparedStatement ps = c.prepareStatement(sql.selectPattern)) {
            ps.setFetchSize(1_000);
            ps.setString(1, namespace);
            ps.setString(2, Sql.likePrefix(pattern));
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                if (KeyPattern.matches(pattern, rs.getString(2))) {
                  matching.add(rs.getString(1));
                }
              }
            }
          }
          long removed = 0;
          for (int from = 0; from < matching.size(); from += DELETE_BATCH) {
            List<String> batch =
                matching.subList(from, Math.min(matching.size(), from + DELETE_BATCH));
            removed += transaction(c -> removeKeys(c, batch, ticker.currentTimeMillis()));
          }
          return removed;
        });
  }

  private long removeKeys(Connection c, List<String> keys, long now) throws SQLException {
    int live;
    try (PreparedStatement ps = c.prepareStatement(sql.removeLiveIn(keys.size()))) {
      ps.setLong(1, now);
      for (int i = 0; i < keys.size(); i++) {
        ps.setString(i + 2, keys.get(i));
      }
      live = ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement(sql.removeAnyIn(keys.size()))) {
      for (int i = 0; i < keys.size(); i++) {
        ps.setString(i + 1, keys.get(i));
      }
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement(sql.deleteOrphanTagsIn(keys.size()))) {
      for (int i = 0; i < keys.size(); i++) {
        ps.setString(i + 1, keys.get(i));
      }
      ps.executeUpdate();
    }
    return live;
  }

  /**
   * Deletes, in one transaction, the entries listed under {@code tag} in the tag table, then the
   * tag's rows. Other tags of the deleted entries are left to the next sweep. The cost is
   * proportional to the entries carrying the tag (an index lookup), not to the table.
   *
   * @return a stage with the number of entries removed that had not expired
   */
  @Override
  public CompletionStage<Long> invalidateTag(String tag) {
    requireNonNull(tag, "tag");
    return call(
        () ->
            transaction(
                c -> {
                  long live;
                  try (PreparedStatement ps = c.prepareStatement(sql.invalidateTagLive)) {
                    ps.setLong(1, ticker.currentTimeMillis());
                    ps.setString(2, tag);
                    live = ps.executeUpdate();
                  }
                  int expired;
                  try (PreparedStatement ps = c.prepareStatement(sql.invalidateTagAny)) {
                    ps.setString(1, tag);
                    expired = ps.executeUpdate();
                  }
                  try (PreparedStatement ps = c.prepareStatement(sql.deleteOrphanTagsOfTag)) {
                    ps.setString(1, tag);
                    ps.executeUpdate();
                  }
                  if (live + expired > 0) {
                    orphanTags.set(true);
                  }
                  return live;
                }));
  }

  /**
   * Deletes every row that has expired, and the tag rows left without an entry, now; the background
   * sweep does the same every {@code sweepInterval}.
   *
   * @return a stage with the number of entry rows deleted
   */
  public CompletableFuture<Long> sweep() {
    return call(
        () ->
            transaction(
                c -> {
                  long n;
                  try (PreparedStatement ps = c.prepareStatement(sql.sweepEntries)) {
                    ps.setLong(1, ticker.currentTimeMillis());
                    n = ps.executeUpdate();
                  }
                  if (n > 0 || orphanTags.getAndSet(false)) {
                    try (Statement s = c.createStatement()) {
                      s.executeUpdate(sql.sweepOrphanTags);
                    }
                  }
                  sweptRows.addAndGet(n);
                  return n;
                }));
  }

  private void sweepInBackground() {
    if (closed.get()) {
      return;
    }
    try {
      sweep()
          .whenComplete(
              (n, e) -> {
                if (e != null && !closed.get()) {
                  sweepErrors.incrementAndGet();
                  LOG.log(System.Logger.Level.WARNING, name + ": sweep failed", e);
                }
              });
    } catch (RuntimeException e) {
      sweepErrors.incrementAndGet();
    }
  }

  /** Rows deleted by sweeps so far. */
  public long sweptRows() {
    return sweptRows.get();
  }

  /** Sweeps that failed so far (each is also logged as a warning). */
  public long sweepErrors() {
    return sweepErrors.get();
  }

  /**
   * The number of rows in the table, expired ones included; a full count, for tests and reports.
   */
  long rowCount() throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql.count)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The number of rows in the tag table; for tests. */
  long tagRowCount() throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + sql.tags)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** A pooled connection; for tests. */
  Connection connection() throws SQLException {
    return pool.getConnection();
  }

  /**
   * Stops the sweep, waits up to 5 s for running calls, and closes the connections. Calls made
   * afterwards fail. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (sweeper != null) {
      sweeper.shutdownNow();
    }
    ExecutorService own = ownExecutor;
    if (own != null) {
      own.shutdown();
      try {
        if (!own.awaitTermination(5, TimeUnit.SECONDS)) {
          own.shutdownNow();
        }
      } catch (InterruptedException e) {
        own.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    failPending(new BackendException(name + ": closed"));
    pool.close();
  }

  @Override
  public String toString() {
    return "JdbcBackend{" + name + ", " + maskedUrl + ", table=" + sql.table + '}';
  }

  // ---------------------------------------------------------------- plumbing

  /** A unit of blocking work. */
  @FunctionalInterface
  private interface Work<T> {
    T run() throws SQLException;
  }

  /** A unit of work on a connection inside a transaction. */
  @FunctionalInterface
  private interface InTransaction<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> CompletableFuture<T> call(Work<T> work) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(new BackendException(name + ": closed"));
    }
    try {
      return CompletableFuture.supplyAsync(
          () -> {
            try {
              return work.run();
            } catch (SQLException e) {
              throw new CompletionException(
                  new BackendException(name + " (" + maskedUrl + "): " + Errors.message(e), e));
            }
          },
          executor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(
          new BackendException(
              name
                  + ": "
                  + (closed.get() ? "closed" : MAX_QUEUED + " calls already waiting for a thread"),
              e));
    }
  }

  /**
   * Runs {@code work} in a transaction, once more if it failed on a constraint, a serialization
   * failure or a deadlock (a concurrent writer of the same key), and on SQLite after taking the
   * process's turn to write.
   */
  private <T> T transaction(InTransaction<T> work) throws SQLException {
    ReentrantLock lock = writeLock;
    if (lock != null) {
      lock.lock();
    }
    try {
      try {
        return transactionOnce(work);
      } catch (SQLException e) {
        if (!retriable(e)) {
          throw e;
        }
        return transactionOnce(work);
      }
    } finally {
      if (lock != null) {
        lock.unlock();
      }
    }
  }

  private static boolean retriable(SQLException e) {
    String state = e.getSQLState();
    return state != null
        && (state.startsWith("23") || state.equals("40001") || state.equals("40P01"));
  }

  private <T> T transactionOnce(InTransaction<T> work) throws SQLException {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException r) {
          e.addSuppressed(r);
        }
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }

  private static ConfigurationException configError(String message) {
    return new ConfigurationException(message);
  }

  private static ConfigurationException configError(String message, Throwable cause) {
    ConfigurationException e = new ConfigurationException(message);
    e.initCause(cause);
    return e;
  }

  private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  // ---------------------------------------------------------------- builder

  /**
   * Builds a {@link JdbcBackend}; setters validate at once and throw a {@link
   * ConfigurationException} naming the setting, the value and what is expected. Not thread-safe.
   */
  public static final class Builder {
    private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,47}");
    private static final int MAX_POOL_SIZE = 256;

    private String url = "jdbc:sqlite:hitbox-cache.db";
    private @Nullable String username;
    private @Nullable String password;
    private String table = "hitbox_cache";
    private boolean autoCreate = true;
    private int poolSize;
    private Duration sweepInterval = Duration.ofMinutes(1);
    private Duration connectionTimeout = Duration.ofSeconds(5);
    private @Nullable SqlDialect dialect;
    private KeyFormat keyFormat = KeyFormat.URL_ENCODED;
    private String name = "jdbc";
    private Ticker ticker = Ticker.systemTicker();
    private @Nullable Executor executor;

    private Builder() {}

    /**
     * Sets the JDBC URL (default {@code jdbc:sqlite:hitbox-cache.db}): {@code jdbc:sqlite:FILE},
     * {@code jdbc:postgresql://HOST[:PORT]/DATABASE}, {@code jdbc:h2:FILE} or any URL whose driver
     * is on the class path. The SQLite and PostgreSQL drivers come with this module.
     *
     * @throws ConfigurationException unless it starts with {@code jdbc:} (the message never repeats
     *     a password)
     */
    public Builder url(String url) {
      requireNonNull(url, "url");
      if (!url.regionMatches(true, 0, "jdbc:", 0, 5) || url.length() < 7) {
        throw configError(
            "url: \""
                + Errors.masked(url)
                + "\" (expected: a JDBC URL such as jdbc:sqlite:/var/lib/hitbox/cache.db or"
                + " jdbc:postgresql://host:5432/database)");
      }
      this.url = url;
      return this;
    }

    /** Sets the database user (default none: the URL's or the driver's). */
    public Builder username(String username) {
      this.username = requireNonNull(username, "username");
      return this;
    }

    /** Sets the database password (default none). Never shown in messages. */
    public Builder password(String password) {
      this.password = requireNonNull(password, "password");
      return this;
    }

    /**
     * Sets the table of the entries (default {@code hitbox_cache}); the tags go to this name
     * followed by {@code _tags}. Unquoted, so PostgreSQL folds it to lower case and H2 to upper.
     *
     * @throws ConfigurationException unless 1 to 48 letters, digits or {@code _}, not starting with
     *     a digit (anything else could change the SQL it is spliced into)
     */
    public Builder table(String table) {
      requireNonNull(table, "table");
      if (!TABLE.matcher(table).matches()) {
        throw configError(
            "table: \""
                + table
                + "\" (expected: 1 to 48 letters, digits or _, not starting with a digit)");
      }
      this.table = table;
      return this;
    }

    /**
     * Whether {@link #build()} creates the tables and indexes when missing (default {@code true}).
     * With {@code false} it only checks that the table exists.
     */
    public Builder autoCreate(boolean autoCreate) {
      this.autoCreate = autoCreate;
      return this;
    }

    /**
     * Sets the number of pooled connections and of threads that run the calls (default 4 for
     * SQLite, 8 otherwise). An in-memory SQLite database always uses 1.
     *
     * @throws ConfigurationException unless 1 to 256
     */
    public Builder poolSize(int poolSize) {
      if (poolSize < 1 || poolSize > MAX_POOL_SIZE) {
        throw configError("pool_size: " + poolSize + " (expected: 1.." + MAX_POOL_SIZE + ")");
      }
      this.poolSize = poolSize;
      return this;
    }

    /**
     * Sets how often expired rows are deleted in the background (default 1 minute; zero turns the
     * background sweep off, {@link JdbcBackend#sweep()} still works). Reads never return expired
     * rows, swept or not.
     *
     * @throws ConfigurationException if negative
     */
    public Builder sweepInterval(Duration interval) {
      requireNonNull(interval, "sweep_interval");
      if (interval.isNegative()) {
        throw configError(
            "sweep_interval: " + interval + " (expected: >= 0, 0 to turn the sweep off)");
      }
      this.sweepInterval = interval;
      return this;
    }

    /**
     * Bounds the wait for a connection, from the pool or new (default 5 s).
     *
     * @throws ConfigurationException unless at least 250 ms (HikariCP's minimum)
     */
    public Builder connectionTimeout(Duration timeout) {
      requireNonNull(timeout, "connection_timeout");
      if (timeout.compareTo(Duration.ofMillis(250)) < 0) {
        throw configError("connection_timeout: " + timeout + " (expected: >= 250ms)");
      }
      this.connectionTimeout = timeout;
      return this;
    }

    /** Sets the dialect instead of detecting it from the URL. */
    public Builder dialect(SqlDialect dialect) {
      this.dialect = requireNonNull(dialect, "dialect");
      return this;
    }

    /** Sets how keys are written (default {@link KeyFormat#URL_ENCODED}). */
    public Builder keyFormat(KeyFormat keyFormat) {
      this.keyFormat = requireNonNull(keyFormat, "keyFormat");
      return this;
    }

    /**
     * Sets the name used in metrics, logs and thread names (default {@code "jdbc"}).
     *
     * @throws ConfigurationException if blank
     */
    public Builder name(String name) {
      requireNonNull(name, "name");
      if (name.isBlank()) {
        throw configError("name: \"" + name + "\" (expected: non-blank)");
      }
      this.name = name;
      return this;
    }

    /** Sets the clock that rows' {@code expire_at} is compared with (default the system clock). */
    public Builder ticker(Ticker ticker) {
      this.ticker = requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Runs the blocking JDBC calls on this executor instead of the backend's own bounded one (which
     * is then not created); give it about {@code poolSize} threads.
     */
    public Builder executor(Executor executor) {
      this.executor = requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Opens the connection pool, creates the schema when missing (unless {@code autoCreate(false)})
     * and starts the sweep. Blocks until the database answers or the connection timeout passes.
     *
     * @throws ConfigurationException naming the URL (without password) and why it cannot be used:
     *     no driver for it, a directory that does not exist or cannot be written, the database
     *     refusing the connection or the credentials, a missing table
     */
    public JdbcBackend build() {
      SqlDialect d = dialect != null ? dialect : SqlDialect.of(url);
      boolean sqlite = url.regionMatches(true, 0, "jdbc:sqlite:", 0, 12);
      boolean memory = sqlite && Errors.sqliteInMemory(url);
      if (sqlite && !memory) {
        Path file = Errors.sqliteFile(url);
        String problem = file == null ? null : Errors.sqliteDirectoryProblem(file);
        if (problem != null) {
          throw configError(
              "url: \"" + Errors.masked(url) + "\" (cannot open the database: " + problem + ")");
        }
      }
      int size = memory ? 1 : poolSize > 0 ? poolSize : sqlite ? 4 : 8;
      HikariConfig hc = new HikariConfig();
      hc.setJdbcUrl(url);
      if (username != null) {
        hc.setUsername(username);
      }
      if (password != null) {
        hc.setPassword(password);
      }
      hc.setPoolName("hitbox-jdbc-" + name);
      hc.setMaximumPoolSize(size);
      hc.setMinimumIdle(Math.min(size, 2));
      hc.setConnectionTimeout(connectionTimeout.toMillis());
      hc.setAutoCommit(true);
      if (sqlite) {
        hc.addDataSourceProperty("journal_mode", "WAL");
        hc.addDataSourceProperty("synchronous", "NORMAL");
        hc.addDataSourceProperty("busy_timeout", "5000");
        hc.addDataSourceProperty("transaction_mode", "IMMEDIATE");
      }
      if (memory) {
        // The database lives as long as its one connection: never retire it.
        hc.setMaxLifetime(0);
        hc.setIdleTimeout(0);
        hc.setMinimumIdle(1);
      }
      HikariDataSource pool;
      try {
        pool = new HikariDataSource(hc);
      } catch (RuntimeException e) {
        throw cannotOpen(e, sqlite);
      }
      Sql statements = new Sql(d, table);
      try {
        prepareSchema(pool, statements);
      } catch (SQLException | RuntimeException e) {
        pool.close();
        if (e instanceof ConfigurationException c) {
          throw c;
        }
        throw configError(
            "table: \""
                + table
                + "\" in "
                + Errors.masked(url)
                + " cannot be "
                + (autoCreate ? "created" : "used")
                + " ("
                + Errors.message(e)
                + ")",
            e);
      }
      return new JdbcBackend(this, pool, statements, size);
    }

    private void prepareSchema(HikariDataSource pool, Sql statements) throws SQLException {
      try (Connection c = pool.getConnection()) {
        if (autoCreate) {
          try (Statement s = c.createStatement()) {
            for (String ddl : statements.schema) {
              s.execute(ddl);
            }
          }
        }
        try (Statement s = c.createStatement()) {
          s.executeQuery(statements.probe).close();
        } catch (SQLException e) {
          if (autoCreate) {
            throw e;
          }
          throw configError(
              "table: \""
                  + table
                  + "\" (not usable in "
                  + Errors.masked(url)
                  + ": "
                  + Errors.message(e)
                  + "; auto_create is false: create it with the schema in docs/backends.md)",
              e);
        }
      }
    }

    private ConfigurationException cannotOpen(RuntimeException e, boolean sqlite) {
      String shown = Errors.masked(url);
      if (Errors.noDriver(e)) {
        return configError(
            "url: \""
                + shown
                + "\" (no JDBC driver on the class path accepts it: the SQLite and PostgreSQL"
                + " drivers come with hitbox-jdbc; add the jar of your database's driver)",
            e);
      }
      String hint = "";
      if (sqlite) {
        Path file = Errors.sqliteFile(url);
        if (file != null && file.getParent() != null) {
          hint = "; can directory " + file.getParent() + " be written?";
        }
      }
      return configError(
          "url: \""
              + shown
              + "\" (cannot open the database"
              + (username != null ? " as user " + username : "")
              + ": "
              + Errors.message(e)
              + hint
              + ")",
          e);
    }
  }
}
