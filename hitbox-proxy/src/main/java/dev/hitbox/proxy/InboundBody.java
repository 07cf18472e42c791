package dev.hitbox.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.EventExecutor;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * A message body arriving on a channel, published as it is read: the channel is asked for more only
 * when the subscriber has demand, so a slow reader slows the sender down (backpressure). One
 * subscriber. Every state change runs on the channel's event loop.
 *
 * <p>The owner (a front connection or an upstream connection) feeds it with {@link #onContent},
 * ends it with {@link #fail}, and learns through {@link Owner} when it wants more bytes or is no
 * longer wanted.
 */
final class InboundBody implements Flow.Publisher<ByteBuffer>, Flow.Subscription {

  /** What the body needs from the connection it arrives on. */
  interface Owner {
    /** Reads the next message from the channel. */
    void read();

    /** The subscriber cancelled: the rest of the body will not be read. */
    void cancelled();
  }

  private final EventExecutor loop;
  private final Owner owner;
  private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>(4);
  private Flow.@Nullable Subscriber<? super ByteBuffer> subscriber;
  private long demand;
  private boolean ended;
  private @Nullable Throwable error;
  private boolean terminated;
  private boolean cancelled;
  private boolean readPending;
  private boolean draining;

  InboundBody(EventExecutor loop, Owner owner) {
    this.loop = loop;
    this.owner = owner;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
    if (!loop.inEventLoop()) {
      loop.execute(() -> subscribe(s));
      return;
    }
    if (subscriber != null) {
      s.onSubscribe(
          new Flow.Subscription() {
            @Override
            public void request(long n) {}

            @Override
            public void cancel() {}
          });
      s.onError(new IllegalStateException("body: a stream that was consumed already"));
      return;
    }
    subscriber = s;
    s.onSubscribe(this);
    drain();
  }

  @Override
  public void request(long n) {
    if (!loop.inEventLoop()) {
      loop.execute(() -> request(n));
      return;
    }
    if (terminated || cancelled) {
      return;
    }
    if (n <= 0) {
      cancel();
      deliverError(new IllegalArgumentException("request: " + n + " (expected: > 0)"));
      return;
    }
    demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
    drain();
  }

  @Override
  public void cancel() {
    if (!loop.inEventLoop()) {
      loop.execute(this::cancel);
      return;
    }
    if (cancelled || terminated) {
      return;
    }
    cancelled = true;
    queue.clear();
    owner.cancelled();
  }

  /** Whether the whole body has arrived (it may not all have been delivered yet). */
  boolean ended() {
    return ended;
  }

  /** Whether the subscriber gave up on the body. */
  boolean cancelled() {
    return cancelled;
  }

  /** The next part of the body, from the channel. Takes ownership of {@code content}. */
  void onContent(HttpContent content) {
    readPending = false;
    try {
      if (ended || cancelled) {
        return;
      }
      ByteBuf buf = content.content();
      if (buf.isReadable()) {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        queue.add(ByteBuffer.wrap(bytes));
      }
      if (content instanceof LastHttpContent) {
        ended = true;
      }
    } finally {
      content.release();
    }
    drain();
  }

  /** The body cannot be read to its end: the connection closed or timed out. */
  void fail(Throwable cause) {
    readPending = false;
    if (ended || cancelled || error != null) {
      return;
    }
    error = cause;
    drain();
  }

  private void drain() {
    if (draining) {
      return; // the loop below picks up what changed
    }
    draining = true;
    try {
      while (true) {
        Flow.Subscriber<? super ByteBuffer> s = subscriber;
        if (s == null || terminated || cancelled) {
          return;
        }
        if (demand > 0 && !queue.isEmpty()) {
          demand--;
          s.onNext(queue.poll());
          continue;
        }
        if (queue.isEmpty() && (ended || error != null)) {
          terminated = true;
          Throwable e = error;
          if (e != null) {
            s.onError(e);
          } else {
            s.onComplete();
          }
          return;
        }
        if (demand > 0 && !readPending) {
          readPending = true;
          owner.read(); // may deliver the next message at once (it is already decoded)
          continue;
        }
        return;
      }
    } finally {
      draining = false;
    }
  }

  private void deliverError(Throwable e) {
    Flow.Subscriber<? super ByteBuffer> s = subscriber;
    if (s != null && !terminated) {
      terminated = true;
      s.onError(e);
    }
  }

  @Override
  public String toString() {
    return "InboundBody{ended=" + ended + ", queued=" + queue.size() + ", demand=" + demand + '}';
  }
}
