package dev.hitbox.proxy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/** The event loops and channel types: epoll where its native library loads, NIO elsewhere. */
final class Transport {
  final EventLoopGroup group;
  final Class<? extends ServerChannel> serverChannel;
  final Class<? extends SocketChannel> socketChannel;
  final String name;

  private Transport(
      EventLoopGroup group,
      Class<? extends ServerChannel> serverChannel,
      Class<? extends SocketChannel> socketChannel,
      String name) {
    this.group = group;
    this.serverChannel = serverChannel;
    this.socketChannel = socketChannel;
    this.name = name;
  }

  /** Event loops with {@code threads} threads, {@code 0} for one per processor. */
  static Transport create(int threads) {
    int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    DefaultThreadFactory factory = new DefaultThreadFactory("hitbox-io");
    if (epollAvailable()) {
      IoHandlerFactory io = EpollIoHandler.newFactory();
      return new Transport(
          new MultiThreadIoEventLoopGroup(n, factory, io),
          EpollServerSocketChannel.class,
          EpollSocketChannel.class,
          "epoll");
    }
    return new Transport(
        new MultiThreadIoEventLoopGroup(n, factory, NioIoHandler.newFactory()),
        NioServerSocketChannel.class,
        NioSocketChannel.class,
        "nio");
  }

  private static boolean epollAvailable() {
    try {
      return Epoll.isAvailable();
    } catch (LinkageError e) {
      return false; // the native library's jar is not on the class path
    }
  }

  void shutdown() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
