package dev.hitbox.proxy.demo;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.FixedChannelPool;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The demo's load clients over HTTP: keep-alive connections to one server, as many as the requests
 * in flight need, one request at a time per connection. Thread-safe.
 */
final class DemoHttpClient implements AutoCloseable {
  /** An answer: its status, its {@code X-Cache-Status} if any, and its body. */
  record Answer(int status, @Nullable String cacheStatus, String body) {}

  private static final AttributeKey<CompletableFuture<Answer>> PENDING =
      AttributeKey.valueOf("hitbox-demo-pending");

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final FixedChannelPool pool;
  private final String host;

  DemoHttpClient(InetSocketAddress server) {
    this.host = server.getHostString() + ":" + server.getPort();
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .remoteAddress(server);
    this.pool =
        new FixedChannelPool(
            b,
            new AbstractChannelPoolHandler() {
              @Override
              public void channelCreated(Channel ch) {
                ch.pipeline()
                    .addLast(new HttpClientCodec())
                    .addLast(new HttpObjectAggregator(1 << 20))
                    .addLast(new Handler());
              }
            },
            ChannelHealthChecker.ACTIVE,
            null,
            -1,
            4096,
            Integer.MAX_VALUE,
            true,
            true);
  }

  /** Sends {@code GET path} with one extra header field. */
  CompletableFuture<Answer> get(String path, String header, String value) {
    CompletableFuture<Answer> answer = new CompletableFuture<>();
    pool.acquire()
        .addListener(
            (Future<Channel> f) -> {
              if (!f.isSuccess()) {
                answer.completeExceptionally(f.cause());
                return;
              }
              Channel ch = f.getNow();
              ch.attr(PENDING).set(answer);
              DefaultFullHttpRequest req =
                  new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
              req.headers().set(HttpHeaderNames.HOST, host).set(header, value);
              ch.writeAndFlush(req)
                  .addListener(
                      w -> {
                        if (!w.isSuccess()) {
                          fail(ch, w.cause());
                        }
                      });
            });
    return answer;
  }

  private void fail(Channel ch, Throwable cause) {
    CompletableFuture<Answer> a = ch.attr(PENDING).getAndSet(null);
    ch.close();
    if (a != null) {
      pool.release(ch);
      a.completeExceptionally(cause);
    }
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpResponse> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse res) {
      CompletableFuture<Answer> a = ctx.channel().attr(PENDING).getAndSet(null);
      if (a == null) {
        ctx.close();
        return;
      }
      Answer answer =
          new Answer(
              res.status().code(),
              res.headers().get("X-Cache-Status"),
              res.content().toString(StandardCharsets.UTF_8));
      if (!HttpUtil.isKeepAlive(res)) {
        ctx.close();
      }
      pool.release(ctx.channel());
      a.complete(answer);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      CompletableFuture<Answer> a = ctx.channel().attr(PENDING).getAndSet(null);
      if (a != null) {
        pool.release(ctx.channel());
        a.completeExceptionally(new IOException("the server closed the connection"));
      }
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      fail(ctx.channel(), cause);
    }
  }

  @Override
  public void close() {
    pool.closeAsync().awaitUninterruptibly(2, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
