package dev.hitbox.http;

import static java.util.Objects.requireNonNull;

import dev.hitbox.http.internal.Bodies;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The body of a request or a response: bytes in memory, or a stream read once.
 *
 * <p>Integrations adapt what their server or client gives them: {@link #ofBytes} for a body already
 * in memory, {@link #ofInputStream} for a blocking stream (Servlet), {@link #ofPublisher} for a
 * reactive one (JDK {@code HttpClient}). The cache reads a streamed body with {@link #readUpTo}:
 * only up to a limit, and the bytes it read still reach the upstream through {@link
 * Buffered#body()}, followed by the unread rest, unchanged.
 *
 * <p>A buffered body is immutable and thread-safe. A streamed body can be consumed once (by {@link
 * #readUpTo}, {@link #inputStream()} or {@link #publisher()}); consuming it again throws {@link
 * IllegalStateException}.
 */
public abstract class HttpBody {
  private static final HttpBody EMPTY = new BytesBody(new byte[0]);

  HttpBody() {}

  /** No body. */
  public static HttpBody empty() {
    return EMPTY;
  }

  /** A body of these bytes (copied). */
  public static HttpBody ofBytes(byte[] bytes) {
    requireNonNull(bytes, "bytes");
    return bytes.length == 0 ? EMPTY : new BytesBody(bytes.clone());
  }

  /** A body of {@code text} in UTF-8. */
  public static HttpBody ofString(String text) {
    requireNonNull(text, "text");
    return wrap(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A body of these bytes without a copy: the caller must not change them afterwards. */
  static HttpBody wrap(byte[] bytes) {
    return bytes.length == 0 ? EMPTY : new BytesBody(bytes);
  }

  /**
   * A body read from a blocking stream, once. {@link #readUpTo} reads on the calling thread.
   *
   * @param in the stream; closed when the body has been read to its end
   * @param length the body's length if known (a {@code Content-Length}), or {@code -1}
   * @throws IllegalArgumentException if {@code length < -1}
   */
  public static HttpBody ofInputStream(InputStream in, long length) {
    requireNonNull(in, "in");
    return new StreamBody(in, checkLength(length));
  }

  /**
   * A body delivered by a reactive publisher, subscribed to once. Each buffer's remaining bytes are
   * the next bytes of the body.
   *
   * @param publisher the publisher
   * @param length the body's length if known, or {@code -1}
   * @throws IllegalArgumentException if {@code length < -1}
   */
  public static HttpBody ofPublisher(Flow.Publisher<ByteBuffer> publisher, long length) {
    requireNonNull(publisher, "publisher");
    return new PublisherBody(publisher, checkLength(length));
  }

  private static long checkLength(long length) {
    if (length < -1) {
      throw new IllegalArgumentException("length: " + length + " (expected: >= -1)");
    }
    return length;
  }

  /** Whether the whole body is in memory ({@link #bytes()} may be called). */
  public abstract boolean isBuffered();

  /** The body's length in bytes if known, {@code -1} otherwise; always known when buffered. */
  public abstract long length();

  /**
   * A copy of the body's bytes.
   *
   * @throws IllegalStateException if the body is not {@linkplain #isBuffered() buffered}
   */
  public byte[] bytes() {
    return buffer().clone();
  }

  /**
   * A read-only view of the body's bytes, without a copy.
   *
   * @throws IllegalStateException if the body is not {@linkplain #isBuffered() buffered}
   */
  public ByteBuffer byteBuffer() {
    return ByteBuffer.wrap(buffer()).asReadOnlyBuffer();
  }

  /**
   * The body's bytes decoded as UTF-8 (malformed input replaced).
   *
   * @throws IllegalStateException if the body is not {@linkplain #isBuffered() buffered}
   */
  public String text() {
    return new String(buffer(), StandardCharsets.UTF_8);
  }

  /** The backing array of a buffered body: never handed to users. */
  byte[] buffer() {
    throw new IllegalStateException("body is a stream, not buffered (use readUpTo first)");
  }

  /**
   * Reads the body into memory, but no more than {@code limit} bytes of it.
   *
   * <p>The result says whether the whole body fit; either way {@link Buffered#body()} is the body
   * to use from now on: the whole body in memory, or the bytes read so far followed by the unread
   * rest, so nothing is lost on the way upstream. A body whose known {@link #length()} is over the
   * limit is not read at all. A buffered body answers at once.
   *
   * @param limit the most bytes to hold in memory, {@code >= 0}
   * @return a future of the result; failed if reading the stream fails
   * @throws IllegalStateException if a streamed body was consumed already
   */
  public abstract CompletableFuture<Buffered> readUpTo(long limit);

  /**
   * The body as a blocking stream. For a publisher, reading blocks until its bytes arrive.
   *
   * @throws IllegalStateException if a streamed body was consumed already
   */
  public abstract InputStream inputStream();

  /**
   * The body as a reactive publisher (one subscriber for a streamed body). For a blocking stream,
   * bytes are read on the thread that requests them.
   *
   * @throws IllegalStateException if a streamed body was consumed already
   */
  public abstract Flow.Publisher<ByteBuffer> publisher();

  static void checkLimit(long limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: >= 0)");
    }
  }

  /**
   * What {@link #readUpTo} read: the whole body, or the first bytes of a body over the limit.
   * Immutable.
   */
  public static final class Buffered {
    private final boolean complete;
    private final byte[] bytes;
    private final HttpBody body;

    Buffered(boolean complete, byte[] bytes, HttpBody body) {
      this.complete = complete;
      this.bytes = bytes;
      this.body = body;
    }

    /** Whether the whole body fit within the limit. */
    public boolean complete() {
      return complete;
    }

    /** A copy of the bytes read: the whole body if {@link #complete()}, the first bytes if not. */
    public byte[] bytes() {
      return bytes.clone();
    }

    /** How many bytes were read. */
    public int size() {
      return bytes.length;
    }

    /**
     * The body to use from now on: buffered if {@link #complete()}; otherwise a stream of the bytes
     * read followed by the rest, to be sent on unchanged.
     */
    public HttpBody body() {
      return body;
    }

    @Override
    public String toString() {
      return "Buffered{" + (complete ? "complete" : "over the limit") + ", " + bytes.length + " B}";
    }
  }

  // ---------------------------------------------------------------- kinds

  private static final class BytesBody extends HttpBody {
    private final byte[] bytes;

    BytesBody(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public boolean isBuffered() {
      return true;
    }

    @Override
    public long length() {
      return bytes.length;
    }

    @Override
    byte[] buffer() {
      return bytes;
    }

    @Override
    public CompletableFuture<Buffered> readUpTo(long limit) {
      checkLimit(limit);
      return CompletableFuture.completedFuture(
          bytes.length <= limit
              ? new Buffered(true, bytes, this)
              : new Buffered(false, new byte[0], this));
    }

    @Override
    public InputStream inputStream() {
      return new ByteArrayInputStream(bytes);
    }

    @Override
    public Flow.Publisher<ByteBuffer> publisher() {
      return Bodies.publisherOf(bytes);
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof BytesBody b && Arrays.equals(bytes, b.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "HttpBody{" + bytes.length + " B}";
    }
  }

  /** A body that may be consumed once. */
  private abstract static class OnceBody extends HttpBody {
    private final AtomicBoolean consumed = new AtomicBoolean();
    final long length;

    OnceBody(long length) {
      this.length = length;
    }

    final void claim() {
      if (!consumed.compareAndSet(false, true)) {
        throw new IllegalStateException("body: a stream that was consumed already");
      }
    }

    @Override
    public final boolean isBuffered() {
      return false;
    }

    @Override
    public final long length() {
      return length;
    }

    @Override
    public final CompletableFuture<Buffered> readUpTo(long limit) {
      checkLimit(limit);
      if (length > limit) {
        // Known to be too large: do not touch the stream at all.
        return CompletableFuture.completedFuture(new Buffered(false, new byte[0], this));
      }
      claim();
      return read(limit);
    }

    abstract CompletableFuture<Buffered> read(long limit);
  }

  private static final class StreamBody extends OnceBody {
    private final InputStream in;

    StreamBody(InputStream in, long length) {
      super(length);
      this.in = in;
    }

    @Override
    CompletableFuture<Buffered> read(long limit) {
      try {
        byte[] read = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        if (read.length <= limit) {
          in.close();
          return CompletableFuture.completedFuture(new Buffered(true, read, wrap(read)));
        }
        InputStream rest = new SequenceInputStream(new ByteArrayInputStream(read), in);
        return CompletableFuture.completedFuture(
            new Buffered(false, read, new StreamBody(rest, length)));
      } catch (IOException e) {
        return CompletableFuture.failedFuture(new UncheckedIOException(e));
      }
    }

    @Override
    public InputStream inputStream() {
      claim();
      return in;
    }

    @Override
    public Flow.Publisher<ByteBuffer> publisher() {
      claim();
      return Bodies.publisherOf(in);
    }

    @Override
    public String toString() {
      return "HttpBody{stream, length=" + length + '}';
    }
  }

  private static final class PublisherBody extends OnceBody {
    private final Flow.Publisher<ByteBuffer> publisher;

    PublisherBody(Flow.Publisher<ByteBuffer> publisher, long length) {
      super(length);
      this.publisher = publisher;
    }

    @Override
    CompletableFuture<Buffered> read(long limit) {
      CompletableFuture<Buffered> out = new CompletableFuture<>();
      publisher.subscribe(
          new Bodies.Collector(
              limit,
              bytes -> out.complete(new Buffered(true, bytes, wrap(bytes))),
              (prefix, rest) ->
                  out.complete(new Buffered(false, prefix, new PublisherBody(rest, length))),
              out::completeExceptionally));
      return out;
    }

    @Override
    public InputStream inputStream() {
      claim();
      return Bodies.inputStreamOf(publisher);
    }

    @Override
    public Flow.Publisher<ByteBuffer> publisher() {
      claim();
      return publisher;
    }

    @Override
    public String toString() {
      return "HttpBody{publisher, length=" + length + '}';
    }
  }
}
