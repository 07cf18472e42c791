package dev.hitbox.http.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** Reactive and blocking plumbing for {@code HttpBody}. */
public final class Bodies {
  private static final int CHUNK = 16 * 1024;

  private Bodies() {}

  /** A publisher of one buffer (none if empty); any number of subscribers. */
  public static Flow.Publisher<ByteBuffer> publisherOf(byte[] bytes) {
    return subscriber -> {
      Objects.requireNonNull(subscriber, "subscriber");
      subscriber.onSubscribe(
          new Flow.Subscription() {
            private boolean done;

            @Override
            public void request(long n) {
              if (done) {
                return;
              }
              done = true;
              if (n <= 0) {
                subscriber.onError(new IllegalArgumentException("request: " + n));
                return;
              }
              if (bytes.length > 0) {
                subscriber.onNext(ByteBuffer.wrap(bytes).asReadOnlyBuffer());
              }
              subscriber.onComplete();
            }

            @Override
            public void cancel() {
              done = true;
            }
          });
    };
  }

  /** A publisher that reads {@code in} on the thread that requests, one subscriber only. */
  public static Flow.Publisher<ByteBuffer> publisherOf(InputStream in) {
    return subscriber -> {
      Objects.requireNonNull(subscriber, "subscriber");
      subscriber.onSubscribe(new StreamSubscription(in, subscriber));
    };
  }

  private static final class StreamSubscription implements Flow.Subscription {
    private final InputStream in;
    private final Flow.Subscriber<? super ByteBuffer> subscriber;
    private long demand;
    private boolean emitting;
    private boolean done;

    StreamSubscription(InputStream in, Flow.Subscriber<? super ByteBuffer> subscriber) {
      this.in = in;
      this.subscriber = subscriber;
    }

    @Override
    public void request(long n) {
      synchronized (this) {
        if (done) {
          return;
        }
        if (n <= 0) {
          done = true;
        } else {
          demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
          if (emitting) {
            return; // the emitting loop below picks the demand up
          }
          emitting = true;
        }
      }
      if (n <= 0) {
        close();
        subscriber.onError(new IllegalArgumentException("request: " + n + " (expected: > 0)"));
        return;
      }
      while (true) {
        synchronized (this) {
          if (done || demand == 0) {
            emitting = false;
            return;
          }
          demand--;
        }
        byte[] chunk;
        try {
          chunk = in.readNBytes(CHUNK);
        } catch (IOException e) {
          finish();
          subscriber.onError(e);
          return;
        }
        if (chunk.length > 0) {
          subscriber.onNext(ByteBuffer.wrap(chunk));
        }
        if (chunk.length < CHUNK) {
          finish();
          subscriber.onComplete();
          return;
        }
      }
    }

    private void finish() {
      synchronized (this) {
        done = true;
        emitting = false;
      }
      close();
    }

    private void close() {
      try {
        in.close();
      } catch (IOException ignored) {
        // nothing left to read from it anyway
      }
    }

    @Override
    public void cancel() {
      synchronized (this) {
        done = true;
      }
      close();
    }
  }

  /** A blocking stream over a publisher's buffers. */
  public static InputStream inputStreamOf(Flow.Publisher<ByteBuffer> publisher) {
    BridgeStream s = new BridgeStream();
    publisher.subscribe(s);
    return s;
  }

  private static final class BridgeStream extends InputStream
      implements Flow.Subscriber<ByteBuffer> {
    private static final Object END = new Object();
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private volatile Flow.@Nullable Subscription subscription;
    private @Nullable ByteBuffer current;
    private boolean ended;

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(1);
    }

    @Override
    public void onNext(ByteBuffer item) {
      queue.add(item);
    }

    @Override
    public void onError(Throwable t) {
      queue.add(t);
    }

    @Override
    public void onComplete() {
      queue.add(END);
    }

    private boolean fill() throws IOException {
      while (current == null || !current.hasRemaining()) {
        if (ended) {
          return false;
        }
        if (current != null) {
          current = null;
          Flow.Subscription s = subscription;
          if (s != null) {
            s.request(1);
          }
        }
        Object next;
        try {
          next = queue.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while reading the body");
        }
        if (next == END) {
          ended = true;
          return false;
        }
        if (next instanceof Throwable t) {
          ended = true;
          throw t instanceof IOException io ? io : new IOException(t);
        }
        current = (ByteBuffer) next;
      }
      return true;
    }

    @Override
    public int read() throws IOException {
      if (!fill()) {
        return -1;
      }
      return Objects.requireNonNull(current).get() & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return 0;
      }
      if (!fill()) {
        return -1;
      }
      ByteBuffer c = Objects.requireNonNull(current);
      int n = Math.min(len, c.remaining());
      c.get(b, off, n);
      return n;
    }

    @Override
    public void close() {
      if (!ended) {
        ended = true;
        Flow.Subscription s = subscription;
        if (s != null) {
          s.cancel();
        }
      }
    }
  }

  /**
   * Collects a publisher's bytes up to a limit. Past the limit it stops requesting and hands the
   * subscription over to a {@link Resumed} publisher that replays the bytes read, then the rest.
   */
  public static final class Collector implements Flow.Subscriber<ByteBuffer> {
    private final long limit;
    private final Consumer<byte[]> whole;
    private final BiConsumer<byte[], Flow.Publisher<ByteBuffer>> over;
    private final Consumer<Throwable> failed;
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private Flow.@Nullable Subscription subscription;
    private volatile @Nullable Resumed resumed;

    /**
     * @param limit the most bytes to hold
     * @param whole receives the whole body if it fits
     * @param over receives the bytes read and the publisher of the whole body if it does not
     * @param failed receives the publisher's failure before either
     */
    public Collector(
        long limit,
        Consumer<byte[]> whole,
        BiConsumer<byte[], Flow.Publisher<ByteBuffer>> over,
        Consumer<Throwable> failed) {
      this.limit = limit;
      this.whole = whole;
      this.over = over;
      this.failed = failed;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(1);
    }

    @Override
    public void onNext(ByteBuffer item) {
      Resumed r = resumed;
      if (r != null) {
        r.next(item);
        return;
      }
      byte[] chunk = new byte[item.remaining()];
      item.get(chunk);
      buf.write(chunk, 0, chunk.length);
      Flow.Subscription s = Objects.requireNonNull(subscription);
      if (buf.size() > limit) {
        byte[] prefix = buf.toByteArray();
        Resumed next = new Resumed(prefix, s);
        resumed = next;
        over.accept(prefix, next);
      } else {
        s.request(1);
      }
    }

    @Override
    public void onError(Throwable t) {
      Resumed r = resumed;
      if (r != null) {
        r.terminate(t);
      } else {
        failed.accept(t);
      }
    }

    @Override
    public void onComplete() {
      Resumed r = resumed;
      if (r != null) {
        r.terminate(null);
      } else {
        whole.accept(buf.toByteArray());
      }
    }
  }

  /** The bytes a {@link Collector} read, then the rest of its paused subscription. */
  static final class Resumed implements Flow.Publisher<ByteBuffer>, Flow.Subscription {
    private final byte[] prefix;
    private final Flow.Subscription upstream;
    private Flow.@Nullable Subscriber<? super ByteBuffer> downstream;
    private boolean prefixSent;
    private boolean terminated;
    private @Nullable Throwable error;
    private boolean delivered;

    Resumed(byte[] prefix, Flow.Subscription upstream) {
      this.prefix = prefix;
      this.upstream = upstream;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
      Objects.requireNonNull(subscriber, "subscriber");
      boolean first;
      synchronized (this) {
        first = downstream == null;
        if (first) {
          downstream = subscriber;
        }
      }
      if (first) {
        subscriber.onSubscribe(this);
        return;
      }
      subscriber.onSubscribe(
          new Flow.Subscription() {
            @Override
            public void request(long n) {}

            @Override
            public void cancel() {}
          });
      subscriber.onError(new IllegalStateException("body: a stream that was consumed already"));
    }

    @Override
    public void request(long n) {
      Flow.Subscriber<? super ByteBuffer> d = Objects.requireNonNull(downstream);
      if (n <= 0) {
        upstream.cancel();
        d.onError(new IllegalArgumentException("request: " + n + " (expected: > 0)"));
        return;
      }
      boolean sendPrefix;
      synchronized (this) {
        sendPrefix = !prefixSent;
        prefixSent = true;
      }
      long rest = n;
      if (sendPrefix) {
        d.onNext(ByteBuffer.wrap(prefix).asReadOnlyBuffer());
        rest = n == Long.MAX_VALUE ? n : n - 1;
        if (deliverTerminal()) {
          return;
        }
      }
      if (rest > 0) {
        upstream.request(rest);
      }
    }

    @Override
    public void cancel() {
      upstream.cancel();
    }

    void next(ByteBuffer item) {
      Objects.requireNonNull(downstream).onNext(item);
    }

    void terminate(@Nullable Throwable t) {
      synchronized (this) {
        terminated = true;
        error = t;
      }
      deliverTerminal();
    }

    private boolean deliverTerminal() {
      Flow.Subscriber<? super ByteBuffer> d;
      Throwable e;
      synchronized (this) {
        if (!terminated || !prefixSent || delivered || downstream == null) {
          return delivered;
        }
        delivered = true;
        d = downstream;
        e = error;
      }
      if (e != null) {
        d.onError(e);
      } else {
        d.onComplete();
      }
      return true;
    }
  }
}
