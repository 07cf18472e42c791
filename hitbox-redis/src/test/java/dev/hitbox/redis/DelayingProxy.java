package dev.hitbox.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy on 127.0.0.1 that forwards to a server on 127.0.0.1 and delays every byte the server
 * sends back by a fixed time, as a slow or far-away Redis would. Throughput is unchanged: the delay
 * is latency only. For tests; closes every socket and thread it opened.
 */
final class DelayingProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int targetPort;
  private final long delayNanos;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  private record Chunk(long dueNanos, byte[] bytes) {}

  DelayingProxy(int targetPort, Duration delay) throws IOException {
    this.targetPort = targetPort;
    this.delayNanos = delay.toNanos();
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
    start("accept", this::acceptLoop);
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket();
        upstream.connect(new InetSocketAddress("127.0.0.1", targetPort), 2_000);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(upstream);
        start("to-server", () -> pump(client, upstream, 0));
        BlockingQueue<Chunk> back = new LinkedBlockingQueue<>();
        start("from-server", () -> read(upstream, back));
        start("delayed-to-client", () -> deliver(back, client));
      } catch (IOException e) {
        if (!closed) {
          continue;
        }
        return;
      }
    }
  }

  private void pump(Socket from, Socket to, long unused) {
    byte[] buf = new byte[16 * 1024];
    try (InputStream in = from.getInputStream()) {
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException ignored) {
      // a closed socket ends the pump
    } finally {
      closeQuietly(to);
    }
  }

  private void read(Socket from, BlockingQueue<Chunk> queue) {
    byte[] buf = new byte[16 * 1024];
    try (InputStream in = from.getInputStream()) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        queue.add(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buf, n)));
      }
    } catch (IOException ignored) {
      // a closed socket ends the reader
    } finally {
      queue.add(new Chunk(0, new byte[0]));
    }
  }

  private void deliver(BlockingQueue<Chunk> queue, Socket to) {
    try {
      OutputStream out = to.getOutputStream();
      while (!closed) {
        Chunk c = queue.poll(100, TimeUnit.MILLISECONDS);
        if (c == null) {
          continue;
        }
        if (c.bytes().length == 0) {
          break;
        }
        long wait;
        while ((wait = c.dueNanos() - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
        out.write(c.bytes());
        out.flush();
      }
    } catch (IOException | InterruptedException ignored) {
      // closing ends the delivery
    } finally {
      closeQuietly(to);
    }
  }

  private void start(String name, Runnable r) {
    Thread t = new Thread(r, "delaying-proxy-" + name);
    t.setDaemon(true);
    threads.add(t);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    for (Socket s : sockets) {
      closeQuietly(s);
    }
    for (Thread t : threads) {
      t.interrupt();
    }
  }
}
