package dev.hitbox.redis;

import dev.hitbox.core.BackendException;
import dev.hitbox.core.Ticker;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One Lettuce connection shared by every caller (Lettuce pipelines their commands on it), opened
 * lazily and without blocking.
 *
 * <p>Lettuce reconnects an established connection by itself, but it does not retry a first
 * connection that failed. This class does: while no connection is established, a caller either
 * joins the connection attempt in progress or, during the back-off after a failed attempt, fails at
 * once with the last cause, so that a Redis that is down or misconfigured at startup costs a miss
 * per request and not a wait.
 *
 * <p>An attempt starts on {@code starter}, never on the caller's thread: Lettuce's {@code
 * connectAsync} does seconds of work before it returns when it runs for the first time in a JVM
 * (class loading, handshake setup), and the caller is often an event loop (the proxy's) that must
 * not wait for it, nor make the other callers wait on this class's lock meanwhile. Thread-safe.
 */
final class SharedConnection {
  /** An established connection with its asynchronous commands. */
  record Connected(
      StatefulConnection<byte[], byte[]> connection,
      RedisClusterAsyncCommands<byte[], byte[]> commands,
      @Nullable StatefulRedisClusterConnection<byte[], byte[]> cluster) {}

  private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final String target;
  private final Supplier<CompletableFuture<Connected>> connector;
  private final Executor starter;
  private final Ticker ticker;
  private final long maxBackoffNanos;
  private final Object lock = new Object();

  private volatile @Nullable Connected connected;

  // guarded by lock
  private @Nullable CompletableFuture<Connected> pending;
  private @Nullable Throwable failure;
  private long retryAtNanos;
  private int failures;
  private boolean closed;

  SharedConnection(
      String target,
      Supplier<CompletableFuture<Connected>> connector,
      Executor starter,
      Ticker ticker,
      long maxBackoffNanos) {
    this.target = target;
    this.connector = connector;
    this.starter = starter;
    this.ticker = ticker;
    this.maxBackoffNanos = Math.max(MIN_BACKOFF_NANOS, maxBackoffNanos);
  }

  /** The connection if it is established, else {@code null}. */
  @Nullable Connected now() {
    return connected;
  }

  /**
   * The connection once established: at once when it is, the attempt in progress, a new attempt, or
   * a failed stage while backing off after a failed attempt.
   */
  CompletableFuture<Connected> get() {
    Connected c = connected;
    if (c != null) {
      return CompletableFuture.completedFuture(c);
    }
    CompletableFuture<Connected> f;
    synchronized (lock) {
      f = attempt(false);
    }
    // every caller that joined a failed attempt learns why, as callers during the back-off do
    return f.exceptionallyCompose(
        e -> {
          Throwable cause = unwrap(e);
          return CompletableFuture.failedFuture(
              cause instanceof BackendException
                  ? cause
                  : new BackendException(
                      target + ": not connected: " + Errors.message(cause), cause));
        });
  }

  /** Like {@link #get()}, but ignores the back-off: for an explicit verification. */
  CompletableFuture<Connected> getNow() {
    Connected c = connected;
    if (c != null) {
      return CompletableFuture.completedFuture(c);
    }
    synchronized (lock) {
      return attempt(true);
    }
  }

  private CompletableFuture<Connected> attempt(boolean ignoreBackoff) {
    Connected c = connected;
    if (c != null) {
      return CompletableFuture.completedFuture(c);
    }
    if (closed) {
      return CompletableFuture.failedFuture(new BackendException(target + ": backend closed"));
    }
    CompletableFuture<Connected> p = pending;
    if (p != null) {
      return p;
    }
    Throwable last = failure;
    if (last != null && !ignoreBackoff && ticker.nanoTime() - retryAtNanos < 0) {
      return CompletableFuture.failedFuture(
          new BackendException(target + ": not connected: " + Errors.message(last), last));
    }
    CompletableFuture<Connected> f = new CompletableFuture<>();
    pending = f;
    f.whenComplete(this::settle);
    try {
      starter.execute(() -> start(f));
    } catch (RuntimeException e) { // the starter is shut down or refuses the task
      f.completeExceptionally(e);
    }
    return f;
  }

  private void start(CompletableFuture<Connected> f) {
    try {
      connector
          .get()
          .whenComplete(
              (c, e) -> {
                if (e != null) {
                  f.completeExceptionally(e);
                } else {
                  f.complete(c);
                }
              });
    } catch (RuntimeException e) {
      f.completeExceptionally(e);
    }
  }

  private void settle(@Nullable Connected c, @Nullable Throwable e) {
    Connected toClose = null;
    synchronized (lock) {
      pending = null;
      if (e == null && c != null) {
        if (closed) {
          toClose = c;
        } else {
          connected = c;
          failure = null;
          failures = 0;
        }
      } else {
        failure = unwrap(e);
        failures = Math.min(failures + 1, 30);
        long backoff = Math.min(maxBackoffNanos, MIN_BACKOFF_NANOS << Math.min(failures - 1, 20));
        retryAtNanos = ticker.nanoTime() + backoff;
      }
    }
    if (toClose != null) {
      toClose.connection().closeAsync();
    }
  }

  /** Closes the connection, and the one being opened when it arrives. */
  CompletableFuture<Void> close() {
    Connected c;
    synchronized (lock) {
      closed = true;
      c = connected;
      connected = null;
    }
    return c == null ? CompletableFuture.completedFuture(null) : c.connection().closeAsync();
  }

  static Throwable unwrap(@Nullable Throwable e) {
    Throwable t = e == null ? new BackendException("unknown failure") : e;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  @Override
  public String toString() {
    return "SharedConnection{" + target + (connected != null ? ", connected" : "") + '}';
  }
}
