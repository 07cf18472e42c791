package dev.hitbox.core.internal;

import dev.hitbox.core.BackendException;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CacheListener;
import dev.hitbox.core.CacheValue;
import dev.hitbox.core.Ticker;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.core.spi.Compressor;
import dev.hitbox.core.spi.ValueCodec;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The engine's typed view of a byte {@link Backend}: encodes and decodes envelopes, bounds every
 * call by a timeout, and turns every failure into a miss or a skipped write reported to the
 * listener. No method of this class ever returns an exceptionally completed stage.
 *
 * @param <V> the value type
 */
public final class BackendStore<V> {
  private final Backend backend;
  private final String name;
  private final ValueCodec<V> codec;
  private final Compressor compressor;
  private final int compressionThreshold;
  private final long timeoutNanos;
  private final CacheListener listener;
  private final Ticker ticker;
  private final boolean reportsReads;
  private final boolean reportsWrites;

  /** Creates a store. */
  public BackendStore(
      Backend backend,
      ValueCodec<V> codec,
      Compressor compressor,
      int compressionThreshold,
      long timeoutNanos,
      CacheListener listener,
      Ticker ticker) {
    this.backend = backend;
    this.name = backend.name();
    this.codec = codec;
    this.compressor = compressor;
    this.compressionThreshold = compressionThreshold;
    this.timeoutNanos = timeoutNanos;
    this.listener = listener;
    this.ticker = ticker;
    this.reportsReads = overrides(listener, "onBackendRead", String.class, long.class, int.class);
    this.reportsWrites = overrides(listener, "onBackendWrite", String.class, long.class, int.class);
  }

  /**
   * Whether {@code listener} overrides a {@link CacheListener} method. A clock read costs tens of
   * nanoseconds, as much as a whole Caffeine lookup, so a read or a write is timed only for a
   * listener that wants the duration ({@link CacheListener#NONE} does not).
   */
  static boolean overrides(CacheListener listener, String method, Class<?>... parameterTypes) {
    if (listener instanceof CompositeListener c) {
      return c.listeners().stream().anyMatch(l -> overrides(l, method, parameterTypes));
    }
    try {
      return listener.getClass().getMethod(method, parameterTypes).getDeclaringClass()
          != CacheListener.class;
    } catch (NoSuchMethodException | SecurityException e) {
      return true;
    }
  }

  /** The backend. */
  public Backend backend() {
    return backend;
  }

  /** Reads and decodes; completes with {@code null} on a miss, an error, a timeout or garbage. */
  public CompletionStage<@Nullable CacheValue<V>> read(CacheKey key) {
    long start = reportsReads ? ticker.nanoTime() : 0L;
    CompletableFuture<byte @Nullable []> raw;
    try {
      raw = bounded(backend.read(key));
    } catch (RuntimeException e) {
      raw = CompletableFuture.failedFuture(e);
    }
    if (raw.isDone()) {
      return CompletableFuture.completedFuture(decodeOutcome(key, raw, start));
    }
    CompletableFuture<byte @Nullable []> r = raw;
    return raw.handle((b, e) -> decodeOutcome(key, r, start));
  }

  private @Nullable CacheValue<V> decodeOutcome(
      CacheKey key, CompletableFuture<byte @Nullable []> raw, long start) {
    byte[] bytes;
    try {
      bytes = raw.join();
    } catch (RuntimeException e) {
      Throwable cause = Futures.unwrap(e);
      Events.safely(() -> listener.onBackendError(name, "read", cause));
      return null;
    }
    if (reportsReads) {
      long elapsed = ticker.nanoTime() - start;
      int size = bytes == null ? 0 : bytes.length;
      Events.safely(() -> listener.onBackendRead(name, elapsed, size));
    }
    if (bytes == null) {
      return null;
    }
    try {
      return Envelope.decode(bytes, codec, compressor);
    } catch (RuntimeException e) {
      Events.safely(() -> listener.onDecodeError(name, key, e));
      return null;
    }
  }

  /** Encodes and writes; completes normally whatever happens (errors go to the listener). */
  public CompletionStage<Void> write(CacheKey key, CacheValue<V> value) {
    long start = reportsWrites ? ticker.nanoTime() : 0L;
    byte[] bytes;
    CompletableFuture<Void> written;
    try {
      bytes = Envelope.encode(value, codec, compressor, compressionThreshold);
      written =
          bounded(
              backend.write(
                  key, BackendEntry.of(bytes, value.staleAt(), value.expireAt(), value.tags())));
    } catch (RuntimeException e) {
      Events.safely(() -> listener.onBackendError(name, "write", e));
      return CompletableFuture.completedFuture(null);
    }
    int size = bytes.length;
    return written.handle(
        (v, e) -> {
          if (e != null) {
            Throwable cause = Futures.unwrap(e);
            Events.safely(() -> listener.onBackendError(name, "write", cause));
          } else if (reportsWrites) {
            long elapsed = ticker.nanoTime() - start;
            Events.safely(() -> listener.onBackendWrite(name, elapsed, size));
          }
          return null;
        });
  }

  /** Removes; completes with {@code false} on errors (reported to the listener). */
  public CompletionStage<Boolean> remove(CacheKey key) {
    CompletableFuture<Boolean> removed;
    try {
      removed = bounded(backend.remove(key));
    } catch (RuntimeException e) {
      removed = CompletableFuture.failedFuture(e);
    }
    return removed.handle(
        (r, e) -> {
          if (e != null) {
            Throwable cause = Futures.unwrap(e);
            Events.safely(() -> listener.onBackendError(name, "remove", cause));
            return false;
          }
          return Boolean.TRUE.equals(r);
        });
  }

  private <T> CompletableFuture<T> bounded(CompletionStage<T> stage) {
    if (stage == null) {
      return CompletableFuture.failedFuture(
          new BackendException("backend " + name + " returned a null stage"));
    }
    CompletableFuture<T> f = stage.toCompletableFuture();
    if (f.isDone()) {
      return f;
    }
    return f.copy()
        .orTimeout(timeoutNanos, TimeUnit.NANOSECONDS)
        .exceptionallyCompose(
            e -> {
              Throwable cause = Futures.unwrap(e);
              if (cause instanceof TimeoutException) {
                return CompletableFuture.failedFuture(
                    new BackendException(
                        "backend "
                            + name
                            + " did not answer within "
                            + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
                            + " ms",
                        cause));
              }
              return CompletableFuture.failedFuture(cause);
            });
  }
}
