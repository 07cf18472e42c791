package dev.hitbox.redis;

import static java.util.Objects.requireNonNull;

import dev.hitbox.core.CacheException;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CacheListener;
import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.KeyFormat;
import dev.hitbox.core.Ticker;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.core.spi.ConcurrencyManager;
import dev.hitbox.core.spi.Coordination;
import dev.hitbox.core.spi.InvalidationBus;
import dev.hitbox.core.spi.PatternInvalidator;
import dev.hitbox.core.spi.TagInvalidator;
import dev.hitbox.redis.Settings.HostPort;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The Redis backend, on Lettuce: a standalone server, a master found through Sentinel, or a
 * Cluster; plain TCP or TLS; with an ACL user and password or a plain password; any database.
 *
 * <ul>
 *   <li><b>One round trip per call.</b> A read is one {@code GET}; a write is one {@code SET key
 *       value PXAT expireAt} (Redis 6.2 or newer), pipelined with one small Lua script per tag when
 *       the entry has tags; a remove is one {@code UNLINK}.
 *   <li><b>Shared connections.</b> Every caller shares {@link Builder#poolSize(int) poolSize}
 *       connections (default 1), on which Lettuce pipelines all their commands; there is never a
 *       connection per call.
 *   <li><b>Fail open.</b> {@link Builder#build()} does not wait for Redis: while it is unreachable,
 *       misconfigured or reconnecting, calls fail at once (the engine turns that into a miss or a
 *       skipped write and counts it); a first connection that failed is retried by the next call
 *       after a short back-off, and Lettuce reconnects an established one by itself; when Redis is
 *       back, hits resume without rebuilding anything. {@link Builder#buildVerified()} instead
 *       checks the connection at startup and throws a clear error.
 *   <li><b>Pattern invalidation</b> scans ({@code SCAN}, never {@code KEYS}) every master for the
 *       namespace's keys, matches each decoded key's text with the glob client-side and unlinks the
 *       matches. Keys longer than the {@link KeyFormat#maxLength()} are stored hashed and cannot be
 *       decoded, so patterns never match them.
 *   <li><b>Tag invalidation</b> goes through a tag index kept in Redis with the same expiry as the
 *       entries it lists (see {@code docs/backends.md}).
 * </ul>
 *
 * <p>Keys are the {@link Builder#keyFormat(KeyFormat) key format}'s bytes, e.g. {@code
 * authors:0:author_id=42}; values are the envelope bytes as the engine wrote them.
 *
 * <p>Results complete on Lettuce's I/O threads unless an {@link Builder#executor(Executor)
 * executor} is set: code that continues on them must not block. Thread-safe. {@link #close()}
 * releases the connections and threads.
 *
 * <pre>{@code
 * RedisBackend redis = RedisBackend.builder()
 *     .connectionString("rediss://hitbox:secret@redis.internal:6380/2")
 *     .trustedCertificates(Path.of("/etc/hitbox/redis-ca.pem"))
 *     .poolSize(2)
 *     .buildVerified();
 * }</pre>
 */
public final class RedisBackend
    implements Backend, PatternInvalidator, TagInvalidator, Coordination, AutoCloseable {
  private final Settings settings;
  private final Connections connections;
  private final KeyFormat keyFormat;
  private final TagIndex tags;
  private final Ticker ticker;
  private final @Nullable Executor executor;
  private final @Nullable Duration leaseTime;
  private final Duration leaseAcquireTimeout;
  private final String invalidationChannel;
  private final CacheListener listener;
  private final Object coordinationLock = new Object();
  private @Nullable RedisConcurrencyManager concurrencyManager;
  private @Nullable RedisInvalidationBus invalidationBus;
  private boolean closed;

  private RedisBackend(Settings settings, Builder b) {
    this.settings = settings;
    this.connections = new Connections(settings);
    this.keyFormat = settings.keyFormat();
    this.tags = new TagIndex(settings.tagPrefix());
    this.ticker = settings.ticker();
    this.executor = settings.executor();
    this.leaseTime = b.leaseTime;
    this.leaseAcquireTimeout = b.leaseAcquireTimeout;
    this.invalidationChannel = b.invalidationChannel;
    this.listener = b.listener;
  }

  /** Starts a backend for {@code localhost:6379}, database 0, without TLS or password. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return settings.name();
  }

  /** The client and connections, for the components that share them. */
  Connections connections() {
    return connections;
  }

  /** The settings this backend was built with. */
  Settings settings() {
    return settings;
  }

  /** The key format the keys are stored in. */
  public KeyFormat keyFormat() {
    return keyFormat;
  }

  /**
   * With {@link Builder#distributedDogpile}, the {@link RedisConcurrencyManager} on this backend's
   * connections, made on the first call and closed with the backend: every endpoint on this backend
   * without a concurrency manager of its own uses it. Empty otherwise.
   *
   * @throws IllegalStateException once the backend is closed
   */
  @Override
  public Optional<ConcurrencyManager> concurrencyManager() {
    Duration lease = leaseTime;
    if (lease == null) {
      return Optional.empty();
    }
    synchronized (coordinationLock) {
      checkOpen();
      RedisConcurrencyManager m = concurrencyManager;
      if (m == null) {
        m =
            RedisConcurrencyManager.builder(this)
                .leaseTime(lease)
                .acquireTimeout(leaseAcquireTimeout)
                .listener(listener)
                .build();
        concurrencyManager = m;
      }
      return Optional.of(m);
    }
  }

  /**
   * A {@link RedisInvalidationBus} on this backend's connections and its {@linkplain
   * Builder#invalidationChannel channel}, made on the first call and closed with the backend: what
   * a {@link dev.hitbox.core.CoherentBackend} with this backend as its L2 publishes on.
   *
   * @throws IllegalStateException once the backend is closed
   */
  @Override
  public Optional<InvalidationBus> invalidationBus() {
    synchronized (coordinationLock) {
      checkOpen();
      RedisInvalidationBus bus = invalidationBus;
      if (bus == null) {
        bus = RedisInvalidationBus.builder(this).channel(invalidationChannel).build();
        invalidationBus = bus;
      }
      return Optional.of(bus);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("backend " + name() + " is closed");
    }
  }

  /** Reads with one {@code GET}. */
  @Override
  public CompletionStage<byte @Nullable []> read(CacheKey key) {
    byte[] k = keyFormat.encode(key);
    RedisClusterAsyncCommands<byte[], byte[]> c = connections.now();
    if (c != null && executor == null) {
      return c.get(k);
    }
    return call(cmd -> cmd.get(k));
  }

  /**
   * Writes with one {@code SET key value PXAT expireAt}; for each tag, an index script pipelined
   * before it. An entry that has already expired is removed instead.
   */
  @Override
  public CompletionStage<Void> write(CacheKey key, BackendEntry entry) {
    requireNonNull(entry, "entry");
    byte[] k = keyFormat.encode(key);
    long now = ticker.currentTimeMillis();
    long expireAt = entry.expireAt();
    if (expireAt <= now) {
      return call(c -> c.unlink(k).thenApply(n -> null));
    }
    Set<String> entryTags = entry.tags();
    if (entryTags.isEmpty()) {
      return call(
          c -> c.set(k, entry.bytes(), SetArgs.Builder.pxAt(expireAt)).thenApply(ok -> null));
    }
    byte[] sha1 = TagIndex.sha1Hex(entry.bytes());
    return call(
        c -> {
          // The index first: whoever can read the value can also find it by its tags.
          List<CompletableFuture<?>> steps = new ArrayList<>(entryTags.size() + 1);
          for (String tag : entryTags) {
            steps.add(tags.add(c, tag, k, sha1, expireAt, now).toCompletableFuture());
          }
          steps.add(c.set(k, entry.bytes(), SetArgs.Builder.pxAt(expireAt)).toCompletableFuture());
          return CompletableFuture.allOf(steps.toArray(CompletableFuture[]::new));
        });
  }

  /** Removes with one {@code UNLINK}. */
  @Override
  public CompletionStage<Boolean> remove(CacheKey key) {
    byte[] k = keyFormat.encode(key);
    return call(c -> c.unlink(k).thenApply(n -> n != null && n > 0));
  }

  /**
   * Scans every master with {@code SCAN MATCH} for the namespace's keys (narrowed by the pattern's
   * literal beginning for {@code UrlEncoded} keys), decodes each, matches its text with the glob
   * and unlinks the matches, a page of 1,000 at a time. The cost is a full keyspace scan on the
   * servers (incremental, never blocking them) plus the transfer of the namespace's keys. Hashed
   * long keys never match.
   *
   * @return a stage with the number of entries removed
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
    byte[] glob = ScanMatch.glob(keyFormat, namespace, pattern);
    return complete(
        connections
            .commands()
            .thenCompose(
                main ->
                    connections
                        .masters()
                        .thenCompose(
                            masters -> {
                              List<CompletableFuture<Long>> perNode = new ArrayList<>();
                              for (RedisClusterAsyncCommands<byte[], byte[]> node : masters) {
                                perNode.add(
                                    scan(
                                            main,
                                            node,
                                            glob,
                                            namespace,
                                            pattern,
                                            ScanCursor.INITIAL,
                                            0L)
                                        .toCompletableFuture());
                              }
                              return CompletableFuture.allOf(
                                      perNode.toArray(CompletableFuture[]::new))
                                  .thenApply(
                                      v ->
                                          perNode.stream()
                                              .mapToLong(CompletableFuture::join)
                                              .sum());
                            })));
  }

  private CompletionStage<Long> scan(
      RedisClusterAsyncCommands<byte[], byte[]> main,
      RedisClusterAsyncCommands<byte[], byte[]> node,
      byte[] glob,
      String namespace,
      String pattern,
      ScanCursor cursor,
      long total) {
    return node.scan(cursor, ScanArgs.Builder.matches(glob).limit(1_000))
        .thenCompose(
            (KeyScanCursor<byte[]> page) -> {
              List<byte[]> hits = new ArrayList<>();
              for (byte[] stored : page.getKeys()) {
                if (ScanMatch.matches(keyFormat, stored, namespace, pattern)) {
                  hits.add(stored);
                }
              }
              CompletionStage<Long> removed =
                  hits.isEmpty()
                      ? CompletableFuture.completedFuture(0L)
                      // through the main connection, which routes each key to its slot's master
                      : main.unlink(hits.toArray(byte[][]::new));
              return removed.thenCompose(
                  n ->
                      page.isFinished()
                          ? CompletableFuture.completedFuture(total + n)
                          : scan(main, node, glob, namespace, pattern, page, total + n));
            });
  }

  /**
   * Removes every entry whose current value was written with {@code tag}, through the tag index: a
   * page of 1,000 indexed keys at a time, each removed by a script only if it still holds the value
   * that was indexed. The cost is proportional to the keys written with the tag since their entries
   * expired, not to the size of the database.
   *
   * @return a stage with the number of entries removed
   */
  @Override
  public CompletionStage<Long> invalidateTag(String tag) {
    requireNonNull(tag, "tag");
    return call(c -> tags.invalidate(c, tag));
  }

  /**
   * Connects now if not connected yet and sends a {@code PING} on every shared connection; for a
   * health check or a startup check. Blocks up to the connect timeout plus the command timeout.
   *
   * @return this backend
   * @throws CacheException naming the server and the cause: authentication failed ({@code
   *     WRONGPASS}), a database that does not exist, connection refused, TLS failure, timeout
   */
  public RedisBackend verify() {
    connections.verify();
    return this;
  }

  /** Closes the connections and stops Lettuce's threads; blocks up to a few seconds. */
  @Override
  public void close() {
    RedisConcurrencyManager m;
    RedisInvalidationBus bus;
    synchronized (coordinationLock) {
      closed = true;
      m = concurrencyManager;
      bus = invalidationBus;
    }
    if (m != null) {
      m.close();
    }
    if (bus != null) {
      bus.close();
    }
    connections.close();
  }

  private <T> CompletionStage<T> call(
      Function<RedisClusterAsyncCommands<byte[], byte[]>, CompletionStage<T>> command) {
    RedisClusterAsyncCommands<byte[], byte[]> c = connections.now();
    if (c != null) {
      CompletionStage<T> stage;
      try {
        stage = command.apply(c);
      } catch (RuntimeException e) {
        stage = CompletableFuture.failedFuture(e);
      }
      return complete(stage);
    }
    return complete(connections.commands().thenCompose(command));
  }

  private <T> CompletionStage<T> complete(CompletionStage<T> stage) {
    Executor e = executor;
    return e == null ? stage : stage.whenCompleteAsync((v, x) -> {}, e);
  }

  @Override
  public String toString() {
    return "RedisBackend{" + settings.name() + ", " + settings.target() + '}';
  }

  /**
   * Builds a {@link RedisBackend}; setters validate at once and throw a {@link
   * ConfigurationException} naming the setting, the value and what is expected. Not thread-safe.
   *
   * <p>The settings are those of a Redis client configuration: {@code host}, {@code port}, {@code
   * username}, {@code password}, {@code database}, {@code pool_size}, {@code connection_timeout},
   * or all of them at once as a {@code connection_string}; plus {@link #cluster} or {@link
   * #sentinel} for those deployments.
   */
  public static final class Builder {
    private static final int MAX_POOL_SIZE = 256;

    private String host = "localhost";
    private int port = 6379;
    private List<HostPort> clusterNodes = List.of();
    private @Nullable String sentinelMaster;
    private List<HostPort> sentinels = List.of();
    private @Nullable String sentinelPassword;
    private @Nullable String username;
    private @Nullable String password;
    private int database;
    private boolean tls;
    private @Nullable Path trustedCertificates;
    private boolean verifyPeer = true;
    private int poolSize = 1;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration commandTimeout = Duration.ofSeconds(1);
    private Duration maxReconnectDelay = Duration.ofSeconds(1);
    private KeyFormat keyFormat = KeyFormat.URL_ENCODED;
    private String tagPrefix = "hitbox:tag:";
    private String name = "redis";
    private Ticker ticker = Ticker.systemTicker();
    private @Nullable Executor executor;
    private @Nullable Duration leaseTime;
    private Duration leaseAcquireTimeout = RedisConcurrencyManager.DEFAULT_ACQUIRE_TIMEOUT;
    private String invalidationChannel = RedisInvalidationBus.DEFAULT_CHANNEL;
    private CacheListener listener = CacheListener.NONE;

    private Builder() {}

    /**
     * Sets everything a Redis URL says at once: {@code
     * redis://[[username]:password@]host[:port][/database]}, {@code rediss://...} for TLS, or
     * {@code redis-sentinel://[password@]host[:port][,host[:port]...][/database]#masterName}.
     * Settings made later override it.
     *
     * @throws ConfigurationException if the string is not such a URL (the message never repeats the
     *     password)
     */
    public Builder connectionString(String connectionString) {
      requireNonNull(connectionString, "connectionString");
      String lower = connectionString.toLowerCase(Locale.ROOT);
      String expected =
          " (expected: redis://[[username]:password@]host[:port][/database], rediss://... for TLS,"
              + " or redis-sentinel://host[:port][,host[:port]...][/database]#master)";
      if (!(lower.startsWith("redis://")
          || lower.startsWith("rediss://")
          || lower.startsWith("redis-sentinel://")
          || lower.startsWith("rediss-sentinel://"))) {
        throw new ConfigurationException(
            "connection_string: \"" + masked(connectionString) + "\"" + expected);
      }
      RedisURI uri;
      try {
        uri = RedisURI.create(connectionString);
      } catch (RuntimeException e) {
        throw new ConfigurationException(
            "connection_string: \""
                + masked(connectionString)
                + "\""
                + expected
                + ": "
                + e.getMessage());
      }
      if (!uri.getSentinels().isEmpty()) {
        List<HostPort> nodes = new ArrayList<>();
        for (RedisURI s : uri.getSentinels()) {
          nodes.add(new HostPort(s.getHost(), checkPort("connection_string port", s.getPort())));
        }
        String master = uri.getSentinelMasterId();
        if (master == null || master.isBlank()) {
          throw new ConfigurationException(
              "connection_string: \""
                  + masked(connectionString)
                  + "\" has no #master name"
                  + expected);
        }
        this.sentinels = List.copyOf(nodes);
        this.sentinelMaster = master;
        this.clusterNodes = List.of();
      } else {
        if (uri.getHost() == null || uri.getHost().isBlank()) {
          throw new ConfigurationException(
              "connection_string: \"" + masked(connectionString) + "\" has no host" + expected);
        }
        this.host = uri.getHost();
        this.port = checkPort("connection_string port", uri.getPort());
        this.sentinelMaster = null;
        this.sentinels = List.of();
      }
      String[] credentials = credentials(connectionString);
      this.username = credentials[0];
      this.password = credentials[1];
      this.database = checkDatabase(uri.getDatabase());
      this.tls = uri.isSsl();
      return this;
    }

    /**
     * Sets the server's host (default {@code localhost}).
     *
     * @throws ConfigurationException if blank
     */
    public Builder host(String host) {
      requireNonNull(host, "host");
      if (host.isBlank()) {
        throw new ConfigurationException(
            "host: \"" + host + "\" (expected: a host name or address)");
      }
      this.host = host.strip();
      return this;
    }

    /**
     * Sets the server's port (default 6379).
     *
     * @throws ConfigurationException e.g. {@code "port: 70000 (expected: 1..65535)"}
     */
    public Builder port(int port) {
      this.port = checkPort("port", port);
      return this;
    }

    /**
     * Sets the ACL user (Redis 6 or newer; default none, i.e. the {@code default} user when a
     * password is set). Takes effect only with a {@link #password}.
     *
     * @throws ConfigurationException if blank
     */
    public Builder username(String username) {
      requireNonNull(username, "username");
      if (username.isBlank()) {
        throw new ConfigurationException("username: \"" + username + "\" (expected: non-blank)");
      }
      this.username = username;
      return this;
    }

    /**
     * Sets the password (default none).
     *
     * @throws ConfigurationException if empty
     */
    public Builder password(String password) {
      requireNonNull(password, "password");
      if (password.isEmpty()) {
        throw new ConfigurationException("password: \"\" (expected: non-empty)");
      }
      this.password = password;
      return this;
    }

    /**
     * Selects the database (default 0). A Cluster has only database 0.
     *
     * @throws ConfigurationException if negative
     */
    public Builder database(int database) {
      this.database = checkDatabase(database);
      return this;
    }

    /** Connects with TLS ({@code rediss://}); default off. */
    public Builder tls(boolean tls) {
      this.tls = tls;
      return this;
    }

    /**
     * Trusts the certificates (a CA or the server's own) in this PEM file instead of the JVM's
     * default trust store; implies {@link #tls(boolean) tls(true)}.
     *
     * @throws ConfigurationException if the file cannot be read
     */
    public Builder trustedCertificates(Path pemFile) {
      requireNonNull(pemFile, "pemFile");
      if (!Files.isReadable(pemFile)) {
        throw new ConfigurationException(
            "trusted_certificates: " + pemFile + " (expected: a readable PEM file)");
      }
      this.trustedCertificates = pemFile;
      this.tls = true;
      return this;
    }

    /**
     * Whether TLS checks the server's certificate and host name (default {@code true}). Turning it
     * off accepts any server: for tests only.
     */
    public Builder verifyPeer(boolean verifyPeer) {
      this.verifyPeer = verifyPeer;
      return this;
    }

    /**
     * Connects to a Redis Cluster through these seed nodes ({@code host:port}); the rest of the
     * topology is discovered and refreshed (periodically and on {@code MOVED}/{@code ASK}).
     *
     * @throws ConfigurationException if empty or a node is not {@code host:port}
     */
    public Builder cluster(String... nodes) {
      return cluster(Arrays.asList(requireNonNull(nodes, "nodes")));
    }

    /**
     * Connects to a Redis Cluster through these seed nodes; see {@link #cluster(String...)}.
     *
     * @throws ConfigurationException if empty or a node is not {@code host:port}
     */
    public Builder cluster(List<String> nodes) {
      this.clusterNodes = hostPorts("cluster", nodes);
      return this;
    }

    /**
     * Connects to the master that these Sentinels ({@code host:port}) name {@code masterName}, and
     * follows it on failover.
     *
     * @throws ConfigurationException if the name is blank, the list empty, or a node is not {@code
     *     host:port}
     */
    public Builder sentinel(String masterName, String... sentinels) {
      return sentinel(masterName, Arrays.asList(requireNonNull(sentinels, "sentinels")));
    }

    /**
     * Connects through Sentinel; see {@link #sentinel(String, String...)}.
     *
     * @throws ConfigurationException as there
     */
    public Builder sentinel(String masterName, List<String> sentinels) {
      requireNonNull(masterName, "masterName");
      if (masterName.isBlank()) {
        throw new ConfigurationException(
            "sentinel master: \"" + masterName + "\" (expected: the master's name)");
      }
      this.sentinels = hostPorts("sentinel", sentinels);
      this.sentinelMaster = masterName;
      return this;
    }

    /**
     * Sets the password of the Sentinels themselves (default none; the data nodes use {@link
     * #password}).
     *
     * @throws ConfigurationException if empty
     */
    public Builder sentinelPassword(String password) {
      requireNonNull(password, "password");
      if (password.isEmpty()) {
        throw new ConfigurationException("sentinel_password: \"\" (expected: non-empty)");
      }
      this.sentinelPassword = password;
      return this;
    }

    /**
     * Sets how many connections all callers share (default 1). Lettuce pipelines the commands of
     * every caller on a connection, so one is usually enough; a few more spread the encoding and
     * decoding over more I/O threads.
     *
     * @throws ConfigurationException e.g. {@code "pool_size: 0 (expected: 1..256)"}
     */
    public Builder poolSize(int connections) {
      if (connections < 1 || connections > MAX_POOL_SIZE) {
        throw new ConfigurationException(
            "pool_size: " + connections + " (expected: 1.." + MAX_POOL_SIZE + ")");
      }
      this.poolSize = connections;
      return this;
    }

    /**
     * Bounds establishing a connection (default 5 s).
     *
     * @throws ConfigurationException unless positive
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connection_timeout", timeout);
      return this;
    }

    /**
     * Bounds each command (default 1 s): past it the command fails. The engine's own {@code
     * backendTimeout} (default 50 ms) usually gives up first; this bound frees Lettuce's queue and
     * limits invalidation steps.
     *
     * @throws ConfigurationException unless positive
     */
    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = positive("command_timeout", timeout);
      return this;
    }

    /**
     * Bounds the wait between reconnection attempts (default 1 s; attempts start 10 ms apart and
     * back off exponentially).
     *
     * @throws ConfigurationException unless positive
     */
    public Builder maxReconnectDelay(Duration delay) {
      this.maxReconnectDelay = positive("max_reconnect_delay", delay);
      return this;
    }

    /** Sets how keys are written (default {@link KeyFormat#URL_ENCODED}). */
    public Builder keyFormat(KeyFormat keyFormat) {
      this.keyFormat = requireNonNull(keyFormat, "keyFormat");
      return this;
    }

    /**
     * Sets the prefix of the tag index's keys (default {@code hitbox:tag:}); give applications that
     * share a database and must not invalidate each other's tags different prefixes.
     *
     * @throws ConfigurationException if empty or containing a brace
     */
    public Builder tagPrefix(String prefix) {
      requireNonNull(prefix, "prefix");
      if (prefix.isEmpty() || prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
        throw new ConfigurationException(
            "tag_prefix: \"" + prefix + "\" (expected: non-empty, without { or })");
      }
      this.tagPrefix = prefix;
      return this;
    }

    /**
     * Sets the name used in metrics (default {@code "redis"}).
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
     * Sets the clock that decides whether a written entry has already expired and which tag index
     * members are stale (default the system clock; Redis expires entries by its own clock).
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Completes every returned stage on this executor instead of on Lettuce's I/O threads (default:
     * on the I/O threads, the fastest). Set it when code continuing on the results may block.
     */
    public Builder executor(Executor executor) {
      this.executor = requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Makes the backend coordinate callers across processes (YAML {@code distributed_dogpile}): an
     * endpoint on it whose policy has a {@code concurrency} and that has no concurrency manager of
     * its own takes a {@link RedisConcurrencyManager} with these settings from {@link
     * RedisBackend#concurrencyManager()}, so that one caller per key goes upstream across every
     * process sharing this Redis (default off: callers are coalesced per process).
     *
     * @param leaseTime how long a lease lives without renewal (YAML {@code lease_time}; see {@link
     *     RedisConcurrencyManager.Builder#leaseTime})
     * @param acquireTimeout how long a lease attempt may take before the process goes on alone
     *     (YAML {@code acquire_timeout}; see {@link
     *     RedisConcurrencyManager.Builder#acquireTimeout})
     * @throws ConfigurationException if either is out of its range
     */
    public Builder distributedDogpile(Duration leaseTime, Duration acquireTimeout) {
      this.leaseTime = RedisConcurrencyManager.Builder.checkLeaseTime(leaseTime);
      this.leaseAcquireTimeout =
          RedisConcurrencyManager.Builder.checkAcquireTimeout(acquireTimeout);
      return this;
    }

    /**
     * Sets the channel of the {@linkplain RedisBackend#invalidationBus() invalidation bus} (YAML
     * {@code invalidation_channel}; default {@code hitbox:invalidate}).
     *
     * @throws ConfigurationException when blank
     */
    public Builder invalidationChannel(String channel) {
      this.invalidationChannel = RedisInvalidationBus.Builder.checkChannel(channel);
      return this;
    }

    /**
     * Receives the errors of the components this backend hands out: the distributed dogpile's
     * leases, as {@code onBackendError("<name>-lease", operation, error)} (default none).
     */
    public Builder listener(CacheListener listener) {
      this.listener = requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Builds the backend without contacting Redis: it connects in the background and, until it can,
     * every call fails at once (a miss for the engine).
     *
     * @throws ConfigurationException if both {@link #cluster} and {@link #sentinel} are set, or a
     *     Cluster is given a database other than 0
     */
    public RedisBackend build() {
      Settings.Mode mode = Settings.Mode.STANDALONE;
      if (!clusterNodes.isEmpty()) {
        if (sentinelMaster != null) {
          throw new ConfigurationException(
              "cluster and sentinel are both set (expected: at most one of them)");
        }
        if (database != 0) {
          throw new ConfigurationException(
              "database: " + database + " (expected: 0, the only database of a Redis Cluster)");
        }
        mode = Settings.Mode.CLUSTER;
      } else if (sentinelMaster != null) {
        mode = Settings.Mode.SENTINEL;
      }
      return new RedisBackend(
          new Settings(
              mode,
              new HostPort(host, port),
              clusterNodes,
              sentinelMaster,
              sentinels,
              sentinelPassword,
              username,
              password,
              database,
              tls,
              trustedCertificates,
              verifyPeer,
              poolSize,
              connectTimeout,
              commandTimeout,
              maxReconnectDelay,
              keyFormat,
              tagPrefix,
              name,
              ticker,
              executor),
          this);
    }

    /**
     * Builds the backend and {@linkplain RedisBackend#verify() verifies} it: connects and sends a
     * {@code PING}, blocking up to the connect timeout plus the command timeout.
     *
     * @throws ConfigurationException as {@link #build()}
     * @throws CacheException naming the server and why it cannot be used (the backend is closed
     *     then)
     */
    public RedisBackend buildVerified() {
      RedisBackend backend = build();
      try {
        return backend.verify();
      } catch (RuntimeException e) {
        backend.close();
        throw e;
      }
    }

    private static int checkPort(String setting, int port) {
      if (port < 1 || port > 65_535) {
        throw new ConfigurationException(setting + ": " + port + " (expected: 1..65535)");
      }
      return port;
    }

    private static int checkDatabase(int database) {
      if (database < 0) {
        throw new ConfigurationException("database: " + database + " (expected: >= 0)");
      }
      return database;
    }

    private static Duration positive(String setting, Duration d) {
      requireNonNull(d, setting);
      if (d.isNegative() || d.isZero()) {
        throw new ConfigurationException(setting + ": " + d + " (expected: > 0)");
      }
      return d;
    }

    private static List<HostPort> hostPorts(String setting, List<String> nodes) {
      requireNonNull(nodes, setting);
      if (nodes.isEmpty()) {
        throw new ConfigurationException(setting + ": [] (expected: at least one host:port)");
      }
      List<HostPort> out = new ArrayList<>(nodes.size());
      for (String node : nodes) {
        out.add(hostPort(setting, requireNonNull(node, setting)));
      }
      return List.copyOf(out);
    }

    private static HostPort hostPort(String setting, String node) {
      String s = node.strip();
      int colon = s.lastIndexOf(':');
      String h = colon < 0 ? "" : s.substring(0, colon);
      if (h.startsWith("[") && h.endsWith("]")) {
        h = h.substring(1, h.length() - 1);
      }
      int p = -1;
      if (colon >= 0) {
        try {
          p = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
          p = -1;
        }
      }
      if (h.isBlank() || p < 1 || p > 65_535) {
        throw new ConfigurationException(
            setting + ": \"" + node + "\" (expected: host:port with a port in 1..65535)");
      }
      return new HostPort(h, p);
    }

    /**
     * The user and password of a connection string, percent-decoded as Lettuce reads them: {@code
     * user:password@}, {@code :password@} or {@code password@}; each {@code null} when absent.
     */
    private static @Nullable String[] credentials(String connectionString) {
      int scheme = connectionString.indexOf("://");
      String rest = connectionString.substring(scheme + 3);
      int at = rest.lastIndexOf('@');
      if (at < 0) {
        return new String[2];
      }
      String userInfo = rest.substring(0, at);
      int colon = userInfo.indexOf(':');
      String user = colon < 0 ? "" : decode(userInfo.substring(0, colon));
      String pass = decode(colon < 0 ? userInfo : userInfo.substring(colon + 1));
      return new String[] {user.isEmpty() ? null : user, pass.isEmpty() ? null : pass};
    }

    private static String decode(String s) {
      if (s.indexOf('%') < 0) {
        return s;
      }
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length());
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        int hi = c == '%' && i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
        int lo = hi < 0 ? -1 : Character.digit(s.charAt(i + 2), 16);
        if (lo >= 0) {
          out.write(hi << 4 | lo);
          i += 2;
        } else {
          int cp = s.codePointAt(i);
          out.writeBytes(
              new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
          i += Character.charCount(cp) - 1;
        }
      }
      return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The connection string with any password replaced by {@code ***}. */
    private static String masked(String connectionString) {
      int scheme = connectionString.indexOf("://");
      int at = connectionString.lastIndexOf('@');
      if (scheme < 0 || at < scheme) {
        return connectionString;
      }
      String userInfo = connectionString.substring(scheme + 3, at);
      int colon = userInfo.indexOf(':');
      String shown = colon < 0 ? "***" : userInfo.substring(0, colon) + ":***";
      return connectionString.substring(0, scheme + 3) + shown + connectionString.substring(at);
    }
  }
}
