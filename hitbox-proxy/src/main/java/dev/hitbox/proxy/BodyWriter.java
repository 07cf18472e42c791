package dev.hitbox.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * Writes a streamed body to a channel as HTTP content, one buffer at a time: the next buffer is
 * requested once the previous one is written and the channel is writable again, so a slow reader on
 * this side slows the source down. {@link #done()} completes when the last content is written, and
 * fails if the source fails or the write does.
 */
final class BodyWriter implements Flow.Subscriber<ByteBuffer> {
  private final Channel channel;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private volatile Flow.@Nullable Subscription subscription;
  private boolean waitingForWritability; // on the channel's event loop

  BodyWriter(Channel channel) {
    this.channel = channel;
  }

  /** Completes when the whole body is written. */
  CompletableFuture<Void> done() {
    return done;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (done.isDone()) {
      s.cancel();
      return;
    }
    s.request(1);
  }

  @Override
  public void onNext(ByteBuffer item) {
    ChannelFuture f = channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(item)));
    f.addListener(
        w -> {
          if (!w.isSuccess()) {
            abort(w.cause());
          } else if (channel.isWritable()) {
            requestMore();
          } else {
            waitingForWritability = true; // channelWritabilityChanged calls writable()
          }
        });
  }

  /** The channel became writable again: asks for the next buffer if one is owed. */
  void writable() {
    if (waitingForWritability && channel.isWritable()) {
      waitingForWritability = false;
      requestMore();
    }
  }

  private void requestMore() {
    Flow.Subscription s = subscription;
    if (s != null && !done.isDone()) {
      s.request(1);
    }
  }

  /** Stops writing: the source is cancelled and {@link #done()} fails with {@code cause}. */
  void abort(Throwable cause) {
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
    done.completeExceptionally(cause);
  }

  @Override
  public void onError(Throwable t) {
    done.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    channel
        .writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
        .addListener(
            w -> {
              if (w.isSuccess()) {
                done.complete(null);
              } else {
                done.completeExceptionally(w.cause());
              }
            });
  }
}
