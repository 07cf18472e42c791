package dev.hitbox.redis;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One publish/subscribe connection subscribed to one channel, kept subscribed: a first connection
 * that fails is retried with a back-off (10 ms doubling up to the backend's {@code
 * max_reconnect_delay}); an established one is reconnected and resubscribed by Lettuce.
 *
 * <p>The handler hears every message and a reset whenever messages may have been missed: when the
 * connection drops, and when a subscription is confirmed again after a drop or after failed first
 * attempts. Thread-safe.
 */
final class Subscription implements AutoCloseable {

  /** Receives what the channel carries. Called on Lettuce's threads; must not block. */
  interface Handler {
    void message(byte[] payload);

    void reset();
  }

  private final Connections connections;
  private final byte[] channel;
  private final Handler handler;
  private final long maxDelayNanos;
  private final CompletableFuture<Void> firstSubscribed = new CompletableFuture<>();
  private final Object lock = new Object();
  private final StateListener stateListener = new StateListener();

  // guarded by lock
  private @Nullable StatefulRedisPubSubConnection<byte[], byte[]> connection;
  private boolean closed;
  private boolean missed;
  private long delayNanos = TimeUnit.MILLISECONDS.toNanos(10);

  Subscription(Connections connections, byte[] channel, Handler handler, Duration maxDelay) {
    this.connections = connections;
    this.channel = channel.clone();
    this.handler = handler;
    this.maxDelayNanos = Math.max(delayNanos, maxDelay.toNanos());
    connections.addListener(stateListener);
    connect();
  }

  /** Completes when the channel is first subscribed. */
  CompletableFuture<Void> subscribed() {
    return firstSubscribed.copy();
  }

  private void connect() {
    CompletableFuture<StatefulRedisPubSubConnection<byte[], byte[]>> opening;
    try {
      opening = connections.pubSub();
    } catch (RuntimeException e) {
      opening = CompletableFuture.failedFuture(e);
    }
    opening.whenComplete(
        (conn, e) -> {
          if (e != null) {
            retryLater();
            return;
          }
          synchronized (lock) {
            if (closed) {
              conn.closeAsync();
              return;
            }
            connection = conn;
          }
          conn.addListener(new Adapter());
          conn.async()
              .subscribe(channel)
              .whenComplete(
                  (v, err) -> {
                    if (err != null) {
                      synchronized (lock) {
                        connection = null;
                      }
                      conn.closeAsync();
                      retryLater();
                    }
                  });
        });
  }

  private void retryLater() {
    long delay;
    synchronized (lock) {
      if (closed) {
        return;
      }
      missed = true;
      delay = delayNanos;
      delayNanos = Math.min(maxDelayNanos, delayNanos * 2);
    }
    CompletableFuture.delayedExecutor(delay, TimeUnit.NANOSECONDS).execute(this::connect);
  }

  private void safely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException ignored) {
      // a handler must not break the subscription
    }
  }

  /** Unsubscribes and closes the connection. */
  @Override
  public void close() {
    StatefulRedisPubSubConnection<byte[], byte[]> conn;
    synchronized (lock) {
      closed = true;
      conn = connection;
      connection = null;
    }
    connections.removeListener(stateListener);
    if (conn != null) {
      conn.closeAsync();
    }
  }

  private final class Adapter extends RedisPubSubAdapter<byte[], byte[]> {
    @Override
    public void message(byte[] ch, byte[] message) {
      if (Arrays.equals(ch, channel)) {
        safely(() -> handler.message(message));
      }
    }

    @Override
    public void subscribed(byte[] ch, long count) {
      if (!Arrays.equals(ch, channel)) {
        return;
      }
      boolean reset;
      synchronized (lock) {
        reset = missed;
        missed = false;
      }
      firstSubscribed.complete(null);
      if (reset) {
        safely(handler::reset);
      }
    }
  }

  private final class StateListener implements RedisConnectionStateListener {
    @Override
    public void onRedisDisconnected(RedisChannelHandler<?, ?> dropped) {
      boolean ours;
      synchronized (lock) {
        ours = !closed && connection != null && dropped == connection;
        if (ours) {
          missed = true;
        }
      }
      if (ours) {
        safely(handler::reset);
      }
    }
  }
}
