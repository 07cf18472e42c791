package dev.hitbox.redis;

import static java.util.Objects.requireNonNull;

import dev.hitbox.core.CacheKey;
import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.KeyFormat;
import dev.hitbox.core.spi.Invalidation;
import dev.hitbox.core.spi.InvalidationBus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * An {@link InvalidationBus} on a Redis publish/subscribe channel, for {@link
 * dev.hitbox.core.CoherentBackend}: every instance of an application publishes its writes and
 * invalidations on one channel and drops what the others publish from its L1.
 *
 * <p>A message carries the publishing instance's id, so that an instance ignores its own. Redis
 * delivers a message at most once, to the subscribers connected at that moment: when the
 * subscription connection drops, and again when Lettuce has reconnected and resubscribed, the
 * listeners are told to {@linkplain InvalidationBus.Listener#onReset() reset} (clear their L1),
 * since messages may have been missed meanwhile.
 *
 * <p>It publishes on the shared connections of a {@link RedisBackend} and opens one more connection
 * for the channel. On a Cluster, {@code PUBLISH} reaches the subscribers of every node.
 *
 * <pre>{@code
 * RedisInvalidationBus bus = RedisInvalidationBus.builder(redis).channel("hitbox:l1:shop").build();
 * CoherentBackend tiers = CoherentBackend.builder(caffeine.compose(redis)).bus(bus).build();
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} closes the channel's connection, not the backend.
 */
public final class RedisInvalidationBus implements InvalidationBus, AutoCloseable {
  /** The channel unless one is set. */
  static final String DEFAULT_CHANNEL = "hitbox:invalidate";

  private static final byte VERSION = 1;
  private static final KeyFormat KEYS = KeyFormat.BITCODE.withMaxLength(Integer.MAX_VALUE);

  private final Connections connections;
  private final byte[] channel;
  private final String channelName;
  private final byte[] origin;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final Subscription subscription;

  private RedisInvalidationBus(Builder b) {
    this.connections = b.redis.connections();
    this.channelName = b.channel;
    this.channel = b.channel.getBytes(StandardCharsets.UTF_8);
    UUID id = b.instanceId != null ? b.instanceId : UUID.randomUUID();
    this.origin =
        ByteBuffer.allocate(16)
            .putLong(id.getMostSignificantBits())
            .putLong(id.getLeastSignificantBits())
            .array();
    this.subscription =
        new Subscription(
            connections,
            channel,
            new Subscription.Handler() {
              @Override
              public void message(byte[] payload) {
                deliver(payload);
              }

              @Override
              public void reset() {
                for (Listener l : listeners) {
                  try {
                    l.onReset();
                  } catch (RuntimeException ignored) {
                    // one listener must not keep the others from hearing it
                  }
                }
              }
            },
            b.redis.settings().maxReconnectDelay());
  }

  /** Starts a bus that publishes through {@code redis}'s connections. */
  public static Builder builder(RedisBackend redis) {
    return new Builder(requireNonNull(redis, "redis"));
  }

  /** Completes when the channel is first subscribed; for a warm-up or a test. */
  public CompletableFuture<Void> subscribed() {
    return subscription.subscribed();
  }

  /** The channel's name. */
  public String channel() {
    return channelName;
  }

  @Override
  public CompletionStage<Void> publish(Invalidation invalidation) {
    requireNonNull(invalidation, "invalidation");
    byte[] message = encode(invalidation);
    try {
      var c = connections.now();
      CompletionStage<Long> sent =
          c != null
              ? c.publish(channel, message)
              : connections.commands().thenCompose(cmd -> cmd.publish(channel, message));
      return sent.thenApply(n -> null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public AutoCloseable subscribe(Listener listener) {
    requireNonNull(listener, "listener");
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** Closes the channel's connection. */
  @Override
  public void close() {
    subscription.close();
  }

  private byte[] encode(Invalidation i) {
    byte[] body =
        switch (i.kind()) {
          case KEY -> KEYS.encode(i.key());
          case PATTERN -> {
            byte[] ns = i.namespace().getBytes(StandardCharsets.UTF_8);
            byte[] p = i.pattern().getBytes(StandardCharsets.UTF_8);
            yield ByteBuffer.allocate(4 + ns.length + p.length)
                .putInt(ns.length)
                .put(ns)
                .put(p)
                .array();
          }
          case TAG -> i.tag().getBytes(StandardCharsets.UTF_8);
        };
    return ByteBuffer.allocate(18 + body.length)
        .put(VERSION)
        .put(origin)
        .put((byte) i.kind().ordinal())
        .put(body)
        .array();
  }

  private void deliver(byte[] message) {
    if (message.length < 18
        || message[0] != VERSION
        || Arrays.equals(message, 1, 17, origin, 0, 16)) {
      return; // not ours to read, or our own
    }
    Invalidation i = decode(message);
    if (i == null) {
      return;
    }
    for (Listener l : listeners) {
      try {
        l.onInvalidation(i);
      } catch (RuntimeException ignored) {
        // one listener must not keep the others from hearing it
      }
    }
  }

  private static @Nullable Invalidation decode(byte[] m) {
    try {
      ByteBuffer b = ByteBuffer.wrap(m, 18, m.length - 18);
      int kind = m[17];
      if (kind == Invalidation.Kind.KEY.ordinal()) {
        CacheKey key = KEYS.decode(Arrays.copyOfRange(m, 18, m.length));
        return key == null ? null : Invalidation.key(key);
      }
      if (kind == Invalidation.Kind.PATTERN.ordinal()) {
        int n = b.getInt();
        String ns = new String(m, 22, n, StandardCharsets.UTF_8);
        String p = new String(m, 22 + n, m.length - 22 - n, StandardCharsets.UTF_8);
        return Invalidation.pattern(ns, p);
      }
      if (kind == Invalidation.Kind.TAG.ordinal()) {
        return Invalidation.tag(new String(m, 18, m.length - 18, StandardCharsets.UTF_8));
      }
    } catch (RuntimeException e) {
      // a message we cannot read is ignored
    }
    return null;
  }

  @Override
  public String toString() {
    return "RedisInvalidationBus{" + connections.target() + ", channel=" + channelName + '}';
  }

  /** Builds a {@link RedisInvalidationBus}; setters validate at once. Not thread-safe. */
  public static final class Builder {
    private final RedisBackend redis;
    private String channel = DEFAULT_CHANNEL;
    private @Nullable UUID instanceId;

    private Builder(RedisBackend redis) {
      this.redis = redis;
    }

    /**
     * Sets the channel (default {@code hitbox:invalidate}). Instances share invalidations only when
     * they use the same channel: give each application (or cluster of instances) its own.
     *
     * @throws ConfigurationException when blank
     */
    public Builder channel(String channel) {
      this.channel = checkChannel(channel);
      return this;
    }

    static String checkChannel(String channel) {
      requireNonNull(channel, "channel");
      if (channel.isBlank()) {
        throw new ConfigurationException("channel: \"" + channel + "\" (expected: not blank)");
      }
      return channel;
    }

    /** Sets this instance's id (default a random one), by which it skips its own messages. */
    public Builder instanceId(UUID id) {
      this.instanceId = requireNonNull(id, "id");
      return this;
    }

    /** Builds the bus and starts subscribing, without blocking. */
    public RedisInvalidationBus build() {
      return new RedisInvalidationBus(this);
    }
  }
}
