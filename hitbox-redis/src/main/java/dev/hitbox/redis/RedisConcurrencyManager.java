package dev.hitbox.redis;

import static java.util.Objects.requireNonNull;

import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CacheListener;
import dev.hitbox.core.CacheValue;
import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.KeyFormat;
import dev.hitbox.core.spi.Admission;
import dev.hitbox.core.spi.ConcurrencyManager;
import dev.hitbox.core.spi.WaitOutcome;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Dogpile prevention across every process that shares a Redis: per key, at most {@code concurrency}
 * processes (one caller in each) go upstream at once; the callers of the other processes wait, are
 * woken by a message on a channel when the leader's value is stored, and read it from the cache.
 *
 * <ul>
 *   <li><b>Local first.</b> Within one process the callers of a key coalesce in memory, as with
 *       {@link ConcurrencyManager#local()}: one of them asks Redis for a lease, the others wait for
 *       it, so a process makes at most one lease attempt per key at a time.
 *   <li><b>Leases.</b> A lease is a key {@code <prefix>{<cache key>}#<slot>} set with {@code SET NX
 *       PX} to a random token, one slot per allowed leader. The leader renews it every third of
 *       {@link Builder#leaseTime(Duration) leaseTime} while its upstream call runs, and releases it
 *       with a compare-and-delete script that also publishes the release, once its value has been
 *       written (or its call failed).
 *   <li><b>A leader that dies</b> stops renewing: its lease expires after at most {@code
 *       leaseTime}, and the waiters, which check the lease every {@link
 *       Builder#pollInterval(Duration) pollInterval}, read the cache again and compete for the
 *       lease; one of them goes upstream.
 *   <li><b>Bounded waits.</b> A waiter waits at most the endpoint's {@code dogpileTimeout}, then
 *       goes upstream itself.
 *   <li><b>Fail open.</b> When Redis does not answer a lease attempt within {@link
 *       Builder#acquireTimeout(Duration) acquireTimeout} (or fails it), the process behaves as the
 *       local manager does: its callers of that key coalesce in memory only.
 * </ul>
 *
 * <p>It shares the client, the connections and the key format of a {@link RedisBackend} and opens
 * one more connection for its channel. Build one per process and give it to every endpoint:
 *
 * <pre>{@code
 * RedisBackend redis = RedisBackend.builder().connectionString("redis://cache:6379").build();
 * RedisConcurrencyManager dogpile = RedisConcurrencyManager.builder(redis).build();
 * HitboxCache<String> users = HitboxCache.builder("users", ValueCodec.utf8())
 *     .backend(CaffeineBackend.builder().build().compose(redis))
 *     .concurrencyManager(dogpile)
 *     .build();
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} stops renewing leases and listening; it does not close the
 * backend.
 */
public final class RedisConcurrencyManager implements ConcurrencyManager, AutoCloseable {
  /** How long a lease lives without renewal unless set: {@link Builder#leaseTime}. */
  public static final Duration DEFAULT_LEASE_TIME = Duration.ofSeconds(10);

  /** How long a lease attempt may take unless set: {@link Builder#acquireTimeout}. */
  public static final Duration DEFAULT_ACQUIRE_TIMEOUT = Duration.ofMillis(250);

  private static final byte RELEASED = 'S';
  private static final byte NOT_SHAREABLE = 'U';

  /** KEYS: the slots; ARGV: token, ms. The slot taken (1-based), or -(ms left + 1) when none. */
  private static final TagIndex.Script ACQUIRE =
      new TagIndex.Script(
          """
          for i = 1, #KEYS do
            if redis.call('SET', KEYS[i], ARGV[1], 'NX', 'PX', ARGV[2]) then return i end
          end
          local wait = 0
          for i = 1, #KEYS do
            local t = redis.call('PTTL', KEYS[i])
            if t > 0 and (wait == 0 or t < wait) then wait = t end
          end
          return -(wait + 1)
          """);

  /** KEYS: the slot; ARGV: token, ms. 1 when still held and extended, else 0. */
  private static final TagIndex.Script RENEW =
      new TagIndex.Script(
          """
          if redis.call('GET', KEYS[1]) == ARGV[1] then
            return redis.call('PEXPIRE', KEYS[1], ARGV[2])
          end
          return 0
          """);

  /** KEYS: the slot; ARGV: token, channel, message. Deletes if still held; always publishes. */
  private static final TagIndex.Script RELEASE =
      new TagIndex.Script(
          """
          local held = 0
          if redis.call('GET', KEYS[1]) == ARGV[1] then
            held = redis.call('DEL', KEYS[1])
          end
          redis.call('PUBLISH', ARGV[2], ARGV[3])
          return held
          """);

  /** KEYS: the slot; ARGV: token. Deletes if still held, without a message. */
  private static final TagIndex.Script DROP =
      new TagIndex.Script(
          """
          if redis.call('GET', KEYS[1]) == ARGV[1] then
            return redis.call('DEL', KEYS[1])
          end
          return 0
          """);

  private final Connections connections;
  private final KeyFormat keyFormat;
  private final byte[] prefix;
  private final byte[] channel;
  private final long leaseMillis;
  private final long renewMillis;
  private final long pollMillis;
  private final long acquireTimeoutNanos;
  private final CacheListener listener;
  private final String name;
  private final @Nullable Executor executor;
  private final ConcurrentHashMap<CacheKey, Flight> flights = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Flight> remote = new ConcurrentHashMap<>();
  private final Subscription subscription;
  private final AtomicLong acquired = new AtomicLong();
  private final AtomicLong waited = new AtomicLong();
  private final AtomicLong failedOpen = new AtomicLong();
  private volatile boolean closed;

  private RedisConcurrencyManager(Builder b) {
    this.connections = b.redis.connections();
    this.keyFormat = b.redis.keyFormat();
    this.prefix = b.prefix.getBytes(StandardCharsets.UTF_8);
    this.channel = (b.prefix + "released").getBytes(StandardCharsets.UTF_8);
    this.leaseMillis = b.leaseTime.toMillis();
    this.renewMillis = Math.max(1, leaseMillis / 3);
    this.pollMillis =
        b.pollInterval != null ? b.pollInterval.toMillis() : Math.max(10, leaseMillis / 10);
    this.acquireTimeoutNanos = b.acquireTimeout.toNanos();
    this.listener = b.listener;
    this.name = b.redis.name() + "-lease";
    this.executor = b.redis.settings().executor();
    this.subscription =
        new Subscription(
            connections,
            channel,
            new Subscription.Handler() {
              @Override
              public void message(byte[] payload) {
                released(payload);
              }

              @Override
              public void reset() {
                wakeAll();
              }
            },
            b.redis.settings().maxReconnectDelay());
  }

  /** Starts a manager that shares {@code redis}'s client and connections. */
  public static Builder builder(RedisBackend redis) {
    return new Builder(requireNonNull(redis, "redis"));
  }

  /** Completes when the release channel is subscribed; for a warm-up or a test. */
  public CompletableFuture<Void> subscribed() {
    return subscription.subscribed();
  }

  /** How many leases this process has taken. */
  public long leasesAcquired() {
    return acquired.get();
  }

  /** How many times this process found every lease of a key held elsewhere, and waited. */
  public long remoteWaits() {
    return waited.get();
  }

  /** How many lease attempts failed or timed out, so that the process went on alone. */
  public long failedOpen() {
    return failedOpen.get();
  }

  @Override
  public <V> CompletionStage<Admission<V>> admit(CacheKey key, int concurrency) {
    requireNonNull(key, "key");
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency: " + concurrency + " (expected: >= 1)");
    }
    boolean[] role = new boolean[2]; // [0] attempts a lease, [1] leads without one
    Flight flight =
        flights.compute(
            key,
            (k, cur) -> {
              if (cur == null) {
                Flight f = new Flight(k, concurrency);
                f.leaders = 1;
                role[0] = true;
                return f;
              }
              if (cur.mode == Mode.LOCAL && !cur.broadcast.isDone() && cur.leaders < concurrency) {
                cur.leaders++;
                role[1] = true;
              }
              return cur;
            });
    if (role[1]) {
      return CompletableFuture.completedFuture(new Lead<>(flight, null));
    }
    if (!role[0]) {
      return CompletableFuture.completedFuture(new Wait<>(flight));
    }
    if (closed) {
      flight.mode = Mode.LOCAL;
      return CompletableFuture.completedFuture(new Lead<>(flight, null));
    }
    return complete(acquire(flight));
  }

  private <V> CompletionStage<Admission<V>> acquire(Flight flight) {
    String token = UUID.randomUUID().toString();
    byte[] tokenBytes = token.getBytes(StandardCharsets.US_ASCII);
    byte[][] slots = flight.slots;
    CompletableFuture<Long> attempt =
        call(c -> ACQUIRE.run(c, slots, tokenBytes, ascii(leaseMillis))).toCompletableFuture();
    return attempt
        .copy()
        .orTimeout(acquireTimeoutNanos, TimeUnit.NANOSECONDS)
        .handle(
            (r, e) -> {
              if (e != null || r == null) {
                failedOpen.incrementAndGet();
                report("acquire", e != null ? e : new IllegalStateException("no answer"));
                // a late grant would block the other processes for a whole lease: give it back
                attempt.thenAccept(
                    late -> {
                      if (late != null && late > 0) {
                        call(c -> DROP.run(c, new byte[][] {slots[(int) (late - 1)]}, tokenBytes));
                      }
                    });
                flight.mode = Mode.LOCAL;
                return new Lead<V>(flight, null);
              }
              if (r > 0) {
                acquired.incrementAndGet();
                Lease lease = new Lease(slots[(int) (r - 1)], tokenBytes, flight.id);
                flight.mode = Mode.LEAD;
                renewLater(lease);
                return new Lead<V>(flight, lease);
              }
              waited.incrementAndGet();
              flight.mode = Mode.REMOTE;
              remote.put(flight.id, flight);
              long left = -r - 1;
              pollLater(flight, left > 0 ? Math.min(pollMillis, left + 1) : pollMillis);
              return new Wait<V>(flight);
            });
  }

  private void renewLater(Lease lease) {
    CompletableFuture.delayedExecutor(renewMillis, TimeUnit.MILLISECONDS)
        .execute(
            () -> {
              if (closed || lease.released.get()) {
                return;
              }
              call(c -> RENEW.run(c, new byte[][] {lease.slot}, lease.token, ascii(leaseMillis)))
                  .whenComplete(
                      (r, e) -> {
                        if (e != null) {
                          report("renew", e);
                        }
                        renewLater(lease);
                      });
            });
  }

  private void pollLater(Flight flight, long millis) {
    CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS)
        .execute(
            () -> {
              if (flight.broadcast.isDone()) {
                return;
              }
              if (closed) {
                wake(flight, WaitOutcome.stored());
                return;
              }
              call(c -> c.exists(flight.slots))
                  .whenComplete(
                      (held, e) -> {
                        if (e != null || held == null || held < flight.slots.length) {
                          // a slot is free (the leader finished or died) or Redis is away:
                          // read the cache, and compete again if the entry is not there
                          wake(flight, WaitOutcome.stored());
                        } else {
                          pollLater(flight, pollMillis);
                        }
                      });
            });
  }

  private void released(byte[] payload) {
    if (payload.length < 1) {
      return;
    }
    String id = new String(payload, 1, payload.length - 1, StandardCharsets.ISO_8859_1);
    Flight flight = remote.get(id);
    if (flight != null) {
      wake(flight, payload[0] == NOT_SHAREABLE ? WaitOutcome.goUpstream() : WaitOutcome.stored());
    }
  }

  private void wakeAll() {
    for (Flight f : remote.values()) {
      wake(f, WaitOutcome.stored());
    }
  }

  /** Ends a remote wait: forget the flight first, so that later callers start a new one. */
  private void wake(Flight flight, WaitOutcome<?> outcome) {
    remote.remove(flight.id, flight);
    flights.remove(flight.key, flight);
    flight.broadcast.complete(outcome);
  }

  private void release(Lease lease, byte kind) {
    if (!lease.released.compareAndSet(false, true)) {
      return;
    }
    byte[] message = new byte[1 + lease.id.length()];
    message[0] = kind;
    byte[] id = lease.id.getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(id, 0, message, 1, id.length);
    call(c -> RELEASE.run(c, new byte[][] {lease.slot}, lease.token, channel, message))
        .whenComplete(
            (r, e) -> {
              if (e != null) {
                report("release", e);
              }
            });
  }

  private void report(String operation, Throwable error) {
    Throwable cause = SharedConnection.unwrap(error);
    try {
      listener.onBackendError(name, operation, cause);
    } catch (RuntimeException ignored) {
      // listeners must not throw
    }
  }

  private <T> CompletionStage<T> call(
      Function<RedisClusterAsyncCommands<byte[], byte[]>, CompletionStage<T>> command) {
    try {
      RedisClusterAsyncCommands<byte[], byte[]> c = connections.now();
      return c != null ? command.apply(c) : connections.commands().thenCompose(command);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private <T> CompletionStage<T> complete(CompletionStage<T> stage) {
    Executor e = executor;
    return e == null ? stage : stage.whenCompleteAsync((v, x) -> {}, e);
  }

  private static byte[] ascii(long n) {
    return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
  }

  /** Stops renewing leases and listening; callers waiting on another process read the cache. */
  @Override
  public void close() {
    closed = true;
    subscription.close();
    wakeAll();
  }

  @Override
  public String toString() {
    return "RedisConcurrencyManager{" + connections.target() + ", lease=" + leaseMillis + "ms}";
  }

  private enum Mode {
    /** The lease attempt is on its way. */
    ATTEMPT,
    /** This process holds a lease. */
    LEAD,
    /** Another process holds every lease: wait for its release. */
    REMOTE,
    /** Redis did not answer: coalesce in memory only. */
    LOCAL
  }

  /** The callers of one key in this process. */
  private final class Flight {
    final CacheKey key;
    final String id;
    final byte[][] slots;
    final CompletableFuture<WaitOutcome<?>> broadcast = new CompletableFuture<>();
    volatile Mode mode = Mode.ATTEMPT;
    int leaders; // changed only inside flights.compute

    Flight(CacheKey key, int concurrency) {
      this.key = key;
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(prefix);
      out.write('{');
      out.writeBytes(keyFormat.encode(key));
      out.write('}');
      byte[] base = out.toByteArray();
      this.id = new String(base, StandardCharsets.ISO_8859_1);
      this.slots = new byte[concurrency][];
      for (int i = 0; i < concurrency; i++) {
        byte[] suffix = ("#" + i).getBytes(StandardCharsets.US_ASCII);
        byte[] slot = Arrays.copyOf(base, base.length + suffix.length);
        System.arraycopy(suffix, 0, slot, base.length, suffix.length);
        slots[i] = slot;
      }
    }

    /** A leader is done without a value; the last one tells the local waiters. */
    void leaderGone(WaitOutcome<?> whenLast) {
      boolean[] last = new boolean[1];
      flights.computeIfPresent(
          key,
          (k, cur) -> {
            if (cur != this) {
              return cur;
            }
            if (--cur.leaders <= 0) {
              last[0] = true;
              return null;
            }
            return cur;
          });
      if (last[0]) {
        broadcast.complete(whenLast);
      }
    }
  }

  /** A lease held in Redis. */
  private record Lease(byte[] slot, byte[] token, String id, AtomicBoolean released) {
    Lease(byte[] slot, byte[] token, String id) {
      this(slot, token, id, new AtomicBoolean());
    }
  }

  private final class Lead<V> extends AtomicBoolean implements Admission<V> {
    private static final long serialVersionUID = 1L;
    private final transient Flight flight;
    private final transient @Nullable Lease lease;

    Lead(Flight flight, @Nullable Lease lease) {
      this.flight = flight;
      this.lease = lease;
    }

    @Override
    public boolean leader() {
      return true;
    }

    @Override
    public CompletionStage<WaitOutcome<V>> outcome() {
      throw new IllegalStateException("a leader has no outcome to wait for");
    }

    @Override
    public void succeed(CacheValue<V> value, CompletionStage<?> written) {
      if (compareAndSet(false, true)) {
        flight.broadcast.complete(WaitOutcome.value(value));
        written.whenComplete(
            (r, e) -> {
              flights.remove(flight.key, flight);
              if (lease != null) {
                release(lease, RELEASED);
              }
            });
      }
    }

    @Override
    public void fail() {
      if (compareAndSet(false, true)) {
        flight.leaderGone(WaitOutcome.retry());
        if (lease != null) {
          release(lease, RELEASED);
        }
      }
    }

    @Override
    public void notShareable() {
      if (compareAndSet(false, true)) {
        flight.leaderGone(WaitOutcome.goUpstream());
        if (lease != null) {
          release(lease, NOT_SHAREABLE);
        }
      }
    }
  }

  private static final class Wait<V> implements Admission<V> {
    private final Flight flight;

    Wait(Flight flight) {
      this.flight = flight;
    }

    @Override
    public boolean leader() {
      return false;
    }

    @Override
    @SuppressWarnings("unchecked")
    public CompletionStage<WaitOutcome<V>> outcome() {
      return flight.broadcast.thenApply(o -> (WaitOutcome<V>) o);
    }

    @Override
    public void succeed(CacheValue<V> value, CompletionStage<?> written) {}

    @Override
    public void fail() {}

    @Override
    public void notShareable() {}
  }

  /** Builds a {@link RedisConcurrencyManager}; setters validate at once. Not thread-safe. */
  public static final class Builder {
    private final RedisBackend redis;
    private Duration leaseTime = DEFAULT_LEASE_TIME;
    private @Nullable Duration pollInterval;
    private Duration acquireTimeout = DEFAULT_ACQUIRE_TIMEOUT;
    private String prefix = "hitbox:lease:";
    private CacheListener listener = CacheListener.NONE;

    private Builder(RedisBackend redis) {
      this.redis = redis;
    }

    /**
     * Sets how long a lease lives without renewal (default 10 s): a dead leader's waiters go on
     * after at most this long. It is renewed every third of it while the leader runs.
     *
     * @throws ConfigurationException unless 10 ms to 1 hour
     */
    public Builder leaseTime(Duration leaseTime) {
      this.leaseTime = checkLeaseTime(leaseTime);
      return this;
    }

    static Duration checkLeaseTime(Duration leaseTime) {
      return check("lease_time", leaseTime, Duration.ofMillis(10), Duration.ofHours(1));
    }

    static Duration checkAcquireTimeout(Duration timeout) {
      return check("acquire_timeout", timeout, Duration.ofMillis(1), Duration.ofMinutes(1));
    }

    /**
     * Sets how often a waiting process checks that the leases it waits on are still held (default a
     * tenth of the lease time, at least 10 ms); it is also woken at once by the release message.
     *
     * @throws ConfigurationException unless 1 ms to 1 hour
     */
    public Builder pollInterval(Duration interval) {
      this.pollInterval =
          check("poll_interval", interval, Duration.ofMillis(1), Duration.ofHours(1));
      return this;
    }

    /**
     * Sets how long a lease attempt may take before the process goes on alone, as with the local
     * manager (default 250 ms).
     *
     * @throws ConfigurationException unless 1 ms to 1 minute
     */
    public Builder acquireTimeout(Duration timeout) {
      this.acquireTimeout = checkAcquireTimeout(timeout);
      return this;
    }

    /**
     * Sets the prefix of the lease keys and of the release channel ({@code <prefix>released};
     * default {@code hitbox:lease:}). Processes coordinate only when they use the same prefix.
     *
     * @throws ConfigurationException when empty
     */
    public Builder prefix(String prefix) {
      requireNonNull(prefix, "prefix");
      if (prefix.isEmpty()) {
        throw new ConfigurationException("prefix: \"\" (expected: not empty)");
      }
      this.prefix = prefix;
      return this;
    }

    /** Receives lease errors, as {@code onBackendError("<backend name>-lease", op, error)}. */
    public Builder listener(CacheListener listener) {
      this.listener = requireNonNull(listener, "listener");
      return this;
    }

    /** Builds the manager and starts subscribing to the release channel, without blocking. */
    public RedisConcurrencyManager build() {
      return new RedisConcurrencyManager(this);
    }

    private static Duration check(String name, Duration value, Duration min, Duration max) {
      requireNonNull(value, name);
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new ConfigurationException(
            name + ": " + value + " (expected: " + min + " to " + max + ")");
      }
      return value;
    }
  }
}
