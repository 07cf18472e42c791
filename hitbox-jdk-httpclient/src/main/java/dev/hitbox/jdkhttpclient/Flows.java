package dev.hitbox.jdkhttpclient;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Adapters between the JDK client's body type ({@code List<ByteBuffer>} per signal) and Hitbox's
 * ({@code ByteBuffer} per signal). Both map one item to one item, so demand passes through as is.
 */
final class Flows {
  private Flows() {}

  /**
   * {@code subscriber} seen as a subscriber of single buffers: each one arrives as a list of one.
   */
  static Flow.Subscriber<ByteBuffer> toLists(Flow.Subscriber<? super List<ByteBuffer>> subscriber) {
    return new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        subscriber.onSubscribe(subscription);
      }

      @Override
      public void onNext(ByteBuffer item) {
        subscriber.onNext(List.of(item));
      }

      @Override
      public void onError(Throwable throwable) {
        subscriber.onError(throwable);
      }

      @Override
      public void onComplete() {
        subscriber.onComplete();
      }
    };
  }

  /** The buffers of a list as one buffer: the list's only buffer, or a copy of them all. */
  static ByteBuffer join(List<ByteBuffer> buffers) {
    if (buffers.size() == 1) {
      return buffers.get(0);
    }
    int size = 0;
    for (ByteBuffer b : buffers) {
      size = Math.addExact(size, b.remaining());
    }
    ByteBuffer joined = ByteBuffer.allocate(size);
    for (ByteBuffer b : buffers) {
      joined.put(b);
    }
    return joined.flip();
  }

  /**
   * A response body from the JDK client ({@code BodyHandlers.ofPublisher()}) as a publisher of
   * single buffers. It may be subscribed once; {@link #discard()} cancels it if nobody did, so that
   * the client releases the connection of a response that was not used.
   */
  static final class ResponseStream implements Flow.Publisher<ByteBuffer> {
    private final Flow.Publisher<List<ByteBuffer>> source;
    private final AtomicBoolean subscribed = new AtomicBoolean();

    ResponseStream(Flow.Publisher<List<ByteBuffer>> source) {
      this.source = source;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
      requireNonNull(subscriber, "subscriber");
      if (!subscribed.compareAndSet(false, true)) {
        subscriber.onSubscribe(
            new Flow.Subscription() {
              @Override
              public void request(long n) {}

              @Override
              public void cancel() {}
            });
        subscriber.onError(new IllegalStateException("response body: subscribed already"));
        return;
      }
      source.subscribe(
          new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
              subscriber.onSubscribe(subscription);
            }

            @Override
            public void onNext(List<ByteBuffer> item) {
              subscriber.onNext(join(item));
            }

            @Override
            public void onError(Throwable throwable) {
              subscriber.onError(throwable);
            }

            @Override
            public void onComplete() {
              subscriber.onComplete();
            }
          });
    }

    /** Cancels the body unless it was subscribed to. */
    void discard() {
      if (subscribed.compareAndSet(false, true)) {
        source.subscribe(
            new Flow.Subscriber<>() {
              @Override
              public void onSubscribe(Flow.Subscription subscription) {
                subscription.cancel();
              }

              @Override
              public void onNext(List<ByteBuffer> item) {}

              @Override
              public void onError(Throwable throwable) {}

              @Override
              public void onComplete() {}
            });
      }
    }
  }
}
