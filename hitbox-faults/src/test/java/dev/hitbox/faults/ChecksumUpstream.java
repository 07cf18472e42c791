package dev.hitbox.faults;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The suite's upstream: a Netty HTTP/1.1 server on a free loopback port that answers {@code GET
 * /items/{id}} with a body naming the item and carrying a checksum of its path, so that a client
 * can tell whether a response belongs to the key it asked for. Thread-safe; close it after the
 * test.
 */
final class ChecksumUpstream implements AutoCloseable {
  /** The header that repeats the checksum of the body. */
  static final String SUM_HEADER = "X-Item-Sum";

  private final EventLoopGroup group;
  private final Channel server;
  private final LongAdder calls = new LongAdder();
  private final byte[] padding;

  private ChecksumUpstream(int bodyPadding) {
    this.padding = ".".repeat(bodyPadding).getBytes(StandardCharsets.US_ASCII);
    this.group =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("faults-upstream"), NioIoHandler.newFactory());
    this.server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(64 * 1024))
                        .addLast(new Handler());
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .syncUninterruptibly()
            .channel();
  }

  /** Starts an upstream whose bodies carry {@code bodyPadding} filler bytes after the checksum. */
  static ChecksumUpstream start(int bodyPadding) {
    return new ChecksumUpstream(bodyPadding);
  }

  String url() {
    return "http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** Requests answered so far. */
  long calls() {
    return calls.sum();
  }

  /** The checksum of a request path: the SHA-256 of its UTF-8 bytes, in hex. */
  static String checksum(String path) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(path.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The first line of the body the upstream sends for {@code path}. */
  static String firstLine(String path) {
    return "path " + path + " sum " + checksum(path);
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      calls.increment();
      String path = request.uri();
      byte[] line = (firstLine(path) + "\n").getBytes(StandardCharsets.US_ASCII);
      byte[] body = new byte[line.length + padding.length];
      System.arraycopy(line, 0, body, 0, line.length);
      System.arraycopy(padding, 0, body, line.length, padding.length);
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
      response
          .headers()
          .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
          .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
          .set(SUM_HEADER, checksum(path));
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      if (keepAlive) {
        ctx.writeAndFlush(response);
      } else {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
