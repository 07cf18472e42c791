package dev.hitbox.proxy;

import dev.hitbox.http.HttpRequest;
import dev.hitbox.http.HttpResponse;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The proxy listener: accepts client connections, sends each request to its route (or straight
 * upstream), and drains gracefully on shutdown.
 */
final class ProxyServer {
  private static final System.Logger LOG = System.getLogger("dev.hitbox.proxy");

  private final Transport transport;
  private final ProxySettings settings;
  private final UpstreamClient client;
  private final AtomicReference<RouteTable> table;
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final Object lock = new Object();
  private int inFlight; // guarded by lock
  private volatile boolean draining;
  private volatile Channel listener;

  ProxyServer(
      Transport transport,
      ProxySettings settings,
      UpstreamClient client,
      AtomicReference<RouteTable> table) {
    this.transport = transport;
    this.settings = settings;
    this.client = client;
    this.table = table;
    ServerBootstrap b =
        new ServerBootstrap()
            .group(transport.group)
            .channel(transport.serverChannel)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.AUTO_READ, false)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    connections.add(ch);
                    ch.pipeline()
                        .addLast(
                            "idle",
                            new IdleStateHandler(
                                0, 0, settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS))
                        .addLast("http", new HttpServerCodec(8192, 65536, 65536))
                        .addLast("continue", new HttpServerExpectContinueHandler())
                        .addLast("front", new FrontHandler(ProxyServer.this));
                  }
                });
    this.listener = b.bind(settings.listen()).syncUninterruptibly().channel();
  }

  InetSocketAddress address() {
    return (InetSocketAddress) listener.localAddress();
  }

  ProxySettings settings() {
    return settings;
  }

  boolean draining() {
    return draining;
  }

  /** Answers {@code request}: through its route, or straight from the upstream. */
  CompletableFuture<HttpResponse> handle(HttpRequest request, long startNanos) {
    ActiveRoute route = table.get().find(request);
    if (route == null) {
      return client.call(request, "");
    }
    return route.handle(request, startNanos);
  }

  /** The client's answer when there is no upstream answer. */
  HttpResponse errorResponse(@org.jspecify.annotations.Nullable Throwable error) {
    Throwable e =
        error == null ? new IllegalStateException("no answer") : ActiveRoute.unwrap(error);
    if (e instanceof UpstreamException u) {
      String reason = u.status() == 504 ? "Gateway Timeout" : "Bad Gateway";
      return Messages.plain(u.status(), reason + ": " + u.getMessage());
    }
    LOG.log(System.Logger.Level.WARNING, "hitbox proxy: request failed", e);
    return Messages.plain(502, "Bad Gateway: " + UpstreamClient.shortMessage(e));
  }

  void exchangeStarted() {
    synchronized (lock) {
      inFlight++;
    }
  }

  void exchangeEnded() {
    synchronized (lock) {
      inFlight--;
      if (inFlight <= 0) {
        lock.notifyAll();
      }
    }
  }

  int inFlight() {
    synchronized (lock) {
      return inFlight;
    }
  }

  /**
   * Stops accepting connections, closes idle ones, lets requests in flight finish for at most
   * {@code timeout}, then closes every connection.
   *
   * @return whether every request in flight finished in time
   */
  boolean drain(Duration timeout) {
    draining = true;
    listener.close().syncUninterruptibly();
    for (Channel ch : connections) {
      ch.pipeline().fireUserEventTriggered(FrontHandler.DRAIN);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean finished;
    synchronized (lock) {
      while (inFlight > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      finished = inFlight <= 0;
    }
    connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    return finished;
  }

  @Override
  public String toString() {
    return "ProxyServer{" + address() + ", " + transport.name + '}';
  }
}
