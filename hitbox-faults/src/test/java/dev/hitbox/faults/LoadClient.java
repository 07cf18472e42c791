package dev.hitbox.faults;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A closed-loop HTTP/1.1 load generator on Netty: {@code connections} keep-alive connections to the
 * proxy, each sending its next request as soon as the previous answer arrived, until a number of
 * requests or a duration is used up. It never retries: every request that does not end in a {@code
 * 200} whose body matches its path (see {@link ChecksumUpstream}) is counted, as a failure (no
 * answer, a transport error, another status) or as a wrong answer (a {@code 200} carrying another
 * key's body or anything else).
 */
final class LoadClient {
  /** One answered request, as {@link Builder#onResponse} sees it (on an event loop: be quick). */
  record Response(
      String path,
      int status,
      @Nullable String cacheStatus,
      long startNanos,
      long endNanos,
      boolean correct) {}

  /** What a run counted. */
  static final class Result {
    final LongAdder requests = new LongAdder();
    final LongAdder ok = new LongAdder();
    final LongAdder wrong = new LongAdder();
    final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    final Map<String, LongAdder> cacheStatus = new ConcurrentHashMap<>();
    final Latencies latencies = new Latencies();
    volatile long elapsedNanos;
    volatile @Nullable String firstFailure;
    volatile @Nullable String firstWrong;

    long failed() {
      return failures.values().stream().mapToLong(LongAdder::sum).sum();
    }

    long cacheStatus(String status) {
      LongAdder n = cacheStatus.get(status);
      return n == null ? 0 : n.sum();
    }

    double requestsPerSecond() {
      return requests.sum() / (elapsedNanos / 1e9);
    }

    private void fail(String reason, String detail) {
      failures.computeIfAbsent(reason, r -> new LongAdder()).increment();
      if (firstFailure == null) {
        firstFailure = reason + ": " + detail;
      }
    }

    @Override
    public String toString() {
      Map<String, Long> statuses = new TreeMap<>();
      cacheStatus.forEach((k, v) -> statuses.put(k, v.sum()));
      Map<String, Long> failed = new TreeMap<>();
      failures.forEach((k, v) -> failed.put(k, v.sum()));
      return String.format(
          Locale.ROOT,
          "%d requests in %.1f s (%.0f/s): %d ok, %d wrong, %d failed %s; cache %s; latency %s%s%s",
          requests.sum(),
          elapsedNanos / 1e9,
          requestsPerSecond(),
          ok.sum(),
          wrong.sum(),
          failed(),
          failed,
          statuses,
          latencies,
          firstFailure == null ? "" : "; first failure: " + firstFailure,
          firstWrong == null ? "" : "; first wrong: " + firstWrong);
    }
  }

  private final InetSocketAddress target;
  private final int connections;
  private final long requests;
  private volatile long deadlineNanos;
  private final Supplier<String> paths;
  private final Consumer<Response> onResponse;
  private final long timeoutNanos;
  private final EventLoopGroup group;
  private final Bootstrap bootstrap;
  private final AtomicLong issued = new AtomicLong();
  private final CountDownLatch done;
  private final Result result = new Result();
  private final long startNanos;

  private LoadClient(Builder b) {
    this.target = b.target;
    this.connections = b.connections;
    this.requests = b.requests;
    this.paths = b.paths;
    this.onResponse = b.onResponse;
    this.timeoutNanos = b.timeout.toNanos();
    this.done = new CountDownLatch(connections);
    this.group =
        new MultiThreadIoEventLoopGroup(
            b.threads, new DefaultThreadFactory("faults-load"), NioIoHandler.newFactory());
    this.bootstrap =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(new HttpClientCodec())
                        .addLast(new HttpObjectAggregator(16 << 20))
                        .addLast(new Connection());
                  }
                });
    this.startNanos = System.nanoTime();
    this.deadlineNanos = b.duration == null ? Long.MAX_VALUE : startNanos + b.duration.toNanos();
  }

  static Builder to(InetSocketAddress target) {
    return new Builder(target);
  }

  /** Takes one request from the budget; false once the requests or the time are used up. */
  private boolean take() {
    if (System.nanoTime() >= deadlineNanos) {
      return false;
    }
    return issued.incrementAndGet() <= requests;
  }

  private void connect() {
    if (!take()) {
      done.countDown();
      return;
    }
    ChannelFuture f = bootstrap.connect(target);
    f.addListener(
        c -> {
          if (!c.isSuccess()) {
            result.requests.increment();
            result.fail("connect", String.valueOf(c.cause()));
            group.schedule(this::connect, 10, TimeUnit.MILLISECONDS);
          }
        });
  }

  /** Ends the run: connections finish their request in flight and send no more. */
  void stop() {
    deadlineNanos = System.nanoTime();
  }

  /** What the run counted so far. */
  Result result() {
    return result;
  }

  /** Waits for the run to finish and returns what it counted. */
  Result await(Duration atMost) throws InterruptedException {
    try {
      if (!done.await(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("the load did not finish within " + atMost + ": " + result);
      }
      result.elapsedNanos = System.nanoTime() - startNanos;
      return result;
    } finally {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /** Checks an answer: a 200 whose first body line and checksum header are those of its path. */
  static boolean matches(String path, FullHttpResponse r) {
    String body = r.content().toString(StandardCharsets.UTF_8);
    int eol = body.indexOf('\n');
    String first = eol < 0 ? body : body.substring(0, eol);
    return first.equals(ChecksumUpstream.firstLine(path))
        && ChecksumUpstream.checksum(path).equals(r.headers().get(ChecksumUpstream.SUM_HEADER));
  }

  /** One connection: sends a request, waits for its answer, sends the next. */
  private final class Connection extends SimpleChannelInboundHandler<FullHttpResponse> {
    private @Nullable String path;
    private long sentNanos;
    private @Nullable ScheduledFuture<?> timeout;
    private boolean finished;

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      // the request taken by connect() goes first
      send(ctx.channel(), paths.get());
    }

    private void send(Channel ch, String p) {
      path = p;
      sentNanos = System.nanoTime();
      FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, p);
      request.headers().set(HttpHeaderNames.HOST, "faults.test");
      timeout =
          ch.eventLoop()
              .schedule(
                  () -> {
                    if (path != null) {
                      failInFlight(
                          "timeout", "no answer within " + timeoutNanos / 1_000_000 + " ms");
                      ch.close();
                    }
                  },
                  timeoutNanos,
                  TimeUnit.NANOSECONDS);
      ch.writeAndFlush(request)
          .addListener(
              w -> {
                if (!w.isSuccess()) {
                  failInFlight("write", String.valueOf(w.cause()));
                  ch.close();
                }
              });
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse r) {
      String p = path;
      if (p == null) {
        return; // an answer after a timeout: already counted
      }
      path = null;
      if (timeout != null) {
        timeout.cancel(false);
      }
      long end = System.nanoTime();
      result.requests.increment();
      result.latencies.record(end - sentNanos);
      String cache = r.headers().get("X-Cache-Status");
      if (cache != null) {
        result.cacheStatus.computeIfAbsent(cache, c -> new LongAdder()).increment();
      }
      boolean correct = false;
      if (r.status().code() != 200) {
        result.fail(
            "status " + r.status().code(),
            p + " -> " + r.content().toString(StandardCharsets.UTF_8).strip());
      } else if (matches(p, r)) {
        correct = true;
        result.ok.increment();
      } else {
        result.wrong.increment();
        if (result.firstWrong == null) {
          String body = r.content().toString(StandardCharsets.UTF_8);
          result.firstWrong = p + " -> " + body.substring(0, Math.min(120, body.length()));
        }
      }
      onResponse.accept(new Response(p, r.status().code(), cache, sentNanos, end, correct));
      if (take()) {
        send(ctx.channel(), paths.get());
      } else {
        finished = true;
        ctx.close();
        done.countDown();
      }
    }

    private void failInFlight(String reason, String detail) {
      String p = path;
      if (p == null) {
        return;
      }
      path = null;
      result.requests.increment();
      result.fail(reason, p + ": " + detail);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      failInFlight("exception", String.valueOf(cause));
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (finished) {
        return;
      }
      if (timeout != null) {
        timeout.cancel(false);
      }
      failInFlight("closed", "the connection closed before the answer");
      connect(); // the connection's place in the load goes on with a new connection
    }
  }

  static final class Builder {
    private final InetSocketAddress target;
    private int connections = 64;
    private int threads = 2;
    private long requests = Long.MAX_VALUE;
    private @Nullable Duration duration;
    private Supplier<String> paths = () -> "/items/0";
    private Consumer<Response> onResponse = r -> {};
    // past the proxy's own request timeout (60 s): a stalled request is answered 504 by the proxy
    private Duration timeout = Duration.ofSeconds(65);

    private Builder(InetSocketAddress target) {
      this.target = target;
    }

    Builder connections(int n) {
      this.connections = n;
      return this;
    }

    Builder threads(int n) {
      this.threads = n;
      return this;
    }

    Builder requests(long n) {
      this.requests = n;
      return this;
    }

    Builder duration(Duration d) {
      this.duration = d;
      return this;
    }

    Builder paths(Supplier<String> paths) {
      this.paths = paths;
      return this;
    }

    Builder onResponse(Consumer<Response> onResponse) {
      this.onResponse = onResponse;
      return this;
    }

    Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /** Opens the connections and starts sending. */
    LoadClient start() {
      LoadClient c = new LoadClient(this);
      for (int i = 0; i < c.connections; i++) {
        c.connect();
      }
      return c;
    }

    /** Runs to the end. */
    Result run(Duration atMost) throws InterruptedException {
      return start().await(atMost);
    }
  }
}
