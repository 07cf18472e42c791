package dev.hitbox.core.internal;

import dev.hitbox.core.BackendException;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CacheListener;
import dev.hitbox.core.CacheValue;
import dev.hitbox.core.Ticker;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.core.spi.Compressor;
import dev.hitbox.core.spi.InProcessBackend;
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
  // An in-process backend is read at once, without a future; null for any other backend.
  private final @Nullable InProcessBackend local;
  // Whether a decoded value is kept on the stored entry and handed to every later reader.
  private final boolean sharesDecoded;

  /** Creates a store that decodes every read afresh. */
  public BackendStore(
      Backend backend,
      ValueCodec<V> codec,
      Compressor compressor,
      int compressionThreshold,
      long timeoutNanos,
      CacheListener listener,
      Ticker ticker) {
    this(backend, codec, compressor, compressionThreshold, timeoutNanos, listener, ticker, false);
  }

  /**
   * Creates a store.
   *
   * @param shareDecoded whether, on an {@link InProcessBackend}, a decoded value is kept in the
   *     stored entry's memo slot and returned as the same instance to every later read of that
   *     entry through the same codec and compressor
   */
  public BackendStore(
      Backend backend,
      ValueCodec<V> codec,
      Compressor compressor,
      int compressionThreshold,
      long timeoutNanos,
      CacheListener listener,
      Ticker ticker,
      boolean shareDecoded) {
    this.backend = backend;
    this.local = backend instanceof InProcessBackend l ? l : null;
    this.sharesDecoded = shareDecoded && local != null;
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
    if (local != null) {
      return CompletableFuture.completedFuture(readNow(key));
    }
    long start = readStart();
    CompletableFuture<byte @Nullable []> raw = readRaw(key);
    if (raw.isDone()) {
      return CompletableFuture.completedFuture(decode(key, raw, start));
    }
    return raw.handle((b, e) -> decode(key, raw, start));
  }

  /**
   * The start time to pass to {@link #decode} ({@code 0} unless the listener times reads). With
   * {@link #readRaw} and {@link #decode}, a read that completes at once is decoded without a future
   * of its own.
   */
  public long readStart() {
    return reportsReads ? ticker.nanoTime() : 0L;
  }

  /** Whether the backend is an {@link InProcessBackend}, read at once with {@link #readNow}. */
  public boolean inProcess() {
    return local != null;
  }

  /**
   * Reads and decodes an {@link InProcessBackend}'s entry at once: {@code null} on a miss, an error
   * or garbage. With shared decoded values, a repeated read of the same stored entry returns the
   * {@link CacheValue} decoded the first time, when the same codec and compressor decoded it.
   *
   * @throws IllegalStateException unless {@link #inProcess()}
   */
  public @Nullable CacheValue<V> readNow(CacheKey key) {
    InProcessBackend l = local;
    if (l == null) {
      throw new IllegalStateException("backend " + name + " is not in-process");
    }
    long start = readStart();
    BackendEntry entry;
    try {
      entry = l.readEntry(key);
    } catch (RuntimeException e) {
      Events.safely(() -> listener.onBackendError(name, "read", e));
      return null;
    }
    reportRead(start, entry == null ? null : entry.bytes());
    if (entry == null) {
      return null;
    }
    if (sharesDecoded
        && entry.memo() instanceof Decoded d
        && d.codec() == codec
        && d.compressor() == compressor) {
      @SuppressWarnings("unchecked") // the same codec decoded it
      CacheValue<V> kept = (CacheValue<V>) d.value();
      return kept;
    }
    CacheValue<V> value = decodeBytes(key, entry.bytes());
    if (sharesDecoded && value != null) {
      entry.memo(new Decoded(codec, compressor, value));
    }
    return value;
  }

  /** What a store keeps in an entry's memo slot: a decoded value and what decoded it. */
  private record Decoded(ValueCodec<?> codec, Compressor compressor, CacheValue<?> value) {}

  /** Starts a read: the backend's stage, bounded by the timeout; never throws. */
  public CompletableFuture<byte @Nullable []> readRaw(CacheKey key) {
    try {
      return bounded(backend.read(key));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Decodes a completed {@link #readRaw} and reports it: {@code null} on a miss, an error, a
   * timeout or garbage.
   */
  public @Nullable CacheValue<V> decode(
      CacheKey key, CompletableFuture<byte @Nullable []> raw, long start) {
    byte[] bytes;
    try {
      bytes = raw.join();
    } catch (RuntimeException e) {
      Throwable cause = Futures.unwrap(e);
      Events.safely(() -> listener.onBackendError(name, "read", cause));
      return null;
    }
    reportRead(start, bytes);
    if (bytes == null) {
      return null;
    }
    return decodeBytes(key, bytes);
  }

  /** Tells a listener that times reads how long a read took and how many bytes it found. */
  private void reportRead(long start, byte @Nullable [] bytes) {
    if (reportsReads) {
      long elapsed = ticker.nanoTime() - start;
      int size = bytes == null ? 0 : bytes.length;
      Events.safely(() -> listener.onBackendRead(name, elapsed, size));
    }
  }

  private @Nullable CacheValue<V> decodeBytes(CacheKey key, byte[] bytes) {
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
