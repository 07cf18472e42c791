package dev.hitbox.proxy;

import dev.hitbox.http.HttpRequest;
import dev.hitbox.http.HttpResponse;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.FixedChannelPool;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * The proxy's HTTP/1.1 client to its one upstream: a bounded pool of keep-alive connections,
 * request and response bodies streamed with backpressure, a timeout on the response head and on
 * every pause within the body. A request that fails on a reused connection before any answer (the
 * upstream closed it while idle) is sent once more on a new connection, if it is idempotent and its
 * body is in memory. Thread-safe.
 */
final class UpstreamClient {
  private static final Set<String> IDEMPOTENT =
      Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");

  final ProxySettings settings;
  final ProxyMetrics metrics;
  final String authority;
  private final String basePath;
  private final FixedChannelPool pool;

  UpstreamClient(Transport transport, ProxySettings settings, ProxyMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
    URI u = settings.upstream();
    boolean tls = u.getScheme().equalsIgnoreCase("https");
    String host = u.getHost();
    int port = u.getPort() > 0 ? u.getPort() : tls ? 443 : 80;
    boolean defaultPort = u.getPort() < 0 || port == (tls ? 443 : 80);
    this.authority =
        (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host)
            + (defaultPort ? "" : ":" + port);
    String path = u.getRawPath() == null ? "" : u.getRawPath();
    this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    SslContext ssl = tls ? sslContext() : null;
    String sniHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;

    Bootstrap bootstrap =
        new Bootstrap()
            .group(transport.group)
            .channel(transport.socketChannel)
            .remoteAddress(InetSocketAddress.createUnresolved(sniHost, port))
            .option(ChannelOption.AUTO_READ, false)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_KEEPALIVE, true)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()));
    this.pool =
        new FixedChannelPool(
            bootstrap,
            new AbstractChannelPoolHandler() {
              @Override
              public void channelCreated(Channel ch) {
                ChannelPipeline p = ch.pipeline();
                if (ssl != null) {
                  SslHandler h = ssl.newHandler(ch.alloc(), sniHost, port);
                  SSLParameters params = h.engine().getSSLParameters();
                  params.setEndpointIdentificationAlgorithm("HTTPS");
                  h.engine().setSSLParameters(params);
                  p.addLast("tls", h);
                }
                p.addLast("http", new HttpClientCodec(8192, 65536, 65536));
                p.addLast("upstream", new UpstreamHandler(UpstreamClient.this));
              }
            },
            ChannelHealthChecker.ACTIVE,
            FixedChannelPool.AcquireTimeoutAction.FAIL,
            Math.max(1, settings.upstreamTimeout().toMillis()),
            settings.maxConnections(),
            Integer.MAX_VALUE,
            true,
            true);
  }

  private static SslContext sslContext() {
    try {
      return SslContextBuilder.forClient().build();
    } catch (SSLException e) {
      throw new IllegalStateException("upstream: cannot set up TLS: " + e.getMessage(), e);
    }
  }

  /**
   * Sends {@code request} upstream. The response's body streams from the connection, which goes
   * back to the pool once the body has been read to its end.
   *
   * @param endpoint the route's name for metrics, {@code ""} for requests that match no route
   * @return the response; fails with {@link UpstreamException} when there is none
   */
  CompletableFuture<HttpResponse> call(HttpRequest request, String endpoint) {
    Attempt a = new Attempt(request, endpoint, System.nanoTime());
    acquire(a);
    return a.result;
  }

  void acquire(Attempt a) {
    Future<Channel> f = pool.acquire();
    f.addListener(
        done -> {
          if (!done.isSuccess()) {
            a.fail(this, classify(done.cause()));
            return;
          }
          Channel ch = f.getNow();
          UpstreamHandler h = ch.pipeline().get(UpstreamHandler.class);
          if (h == null) {
            ch.close();
            pool.release(ch);
            a.fail(this, new UpstreamException(502, "upstream connection not usable"));
            return;
          }
          if (ch.eventLoop().inEventLoop()) {
            h.start(a);
          } else {
            ch.eventLoop().execute(() -> h.start(a));
          }
        });
  }

  void release(Channel ch) {
    pool.release(ch);
  }

  /** The request-target sent upstream: the base path, then the request's path and query. */
  String target(HttpRequest r) {
    String q = r.rawQuery();
    return basePath + r.path() + (q == null ? "" : "?" + q);
  }

  private UpstreamException classify(Throwable cause) {
    if (cause instanceof TimeoutException) {
      return new UpstreamException(
          504,
          "no upstream connection became free within " + Durations.text(settings.upstreamTimeout()),
          cause);
    }
    if (cause instanceof ConnectException) {
      return new UpstreamException(
          502, "upstream " + authority + " unreachable: " + shortMessage(cause), cause);
    }
    return new UpstreamException(502, "upstream " + authority + ": " + shortMessage(cause), cause);
  }

  static String shortMessage(Throwable t) {
    String m = t.getMessage();
    if (m == null) {
      return t.getClass().getSimpleName();
    }
    int colon = m.lastIndexOf(": ");
    return m.length() > 120 ? m.substring(0, 120) : colon > 0 ? m.substring(colon + 2) : m;
  }

  void close() {
    pool.close();
  }

  /** One request's way upstream, retried at most once. */
  static final class Attempt {
    final HttpRequest request;
    final String endpoint;
    final long startNanos;
    final CompletableFuture<HttpResponse> result = new CompletableFuture<>();
    boolean retried;

    Attempt(HttpRequest request, String endpoint, long startNanos) {
      this.request = request;
      this.endpoint = endpoint;
      this.startNanos = startNanos;
    }

    /** Whether a failure before any answer on a reused connection may be retried. */
    boolean retryable() {
      return !retried
          && request.body().isBuffered()
          && IDEMPOTENT.contains(request.method().toUpperCase(Locale.ROOT));
    }

    void answered(UpstreamClient client, HttpResponse response) {
      client.metrics.upstream(endpoint, System.nanoTime() - startNanos, true);
      result.complete(response);
    }

    void fail(UpstreamClient client, Throwable cause) {
      client.metrics.upstream(endpoint, System.nanoTime() - startNanos, false);
      result.completeExceptionally(cause);
    }
  }

  @Override
  public String toString() {
    return "UpstreamClient{" + authority + basePath + '}';
  }
}
