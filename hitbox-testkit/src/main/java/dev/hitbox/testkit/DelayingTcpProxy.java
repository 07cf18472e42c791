package dev.hitbox.testkit;

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
 * A TCP proxy on 127.0.0.1 in front of a server on 127.0.0.1 that holds every byte the server sends
 * back for a fixed time before passing it on: a slow (or far away) backend. Only latency is added;
 * throughput is unchanged. Closes every socket and thread it opened.
 *
 * <pre>{@code
 * try (DelayingTcpProxy slow = new DelayingTcpProxy(redis.port(), Duration.ofMillis(700))) {
 *   RedisBackend backend = RedisBackend.builder().host("127.0.0.1").port(slow.port()).build();
 *   ...
 * }
 * }</pre>
 *
 * <p>Thread-safe; for tests only (one platform thread per direction per connection).
 */
public final class DelayingTcpProxy implements AutoCloseable {
  private record Chunk(long dueNanos, byte[] bytes) {}

  private static final Chunk END = new Chunk(0, new byte[0]);

  private final ServerSocket server;
  private final int targetPort;
  private final long delayNanos;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  /**
   * Starts the proxy on a free port of 127.0.0.1.
   *
   * @param targetPort the port of the server on 127.0.0.1 to forward to
   * @param delay how long every byte the server sends back is held
   * @throws IOException if the proxy cannot listen
   */
  public DelayingTcpProxy(int targetPort, Duration delay) throws IOException {
    this.targetPort = targetPort;
    this.delayNanos = delay.toNanos();
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
    thread("accept", this::accept);
  }

  /** The port the proxy listens on. */
  public int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        Socket target = new Socket();
        target.connect(new InetSocketAddress("127.0.0.1", targetPort), 2_000);
        client.setTcpNoDelay(true);
        target.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(target);
        BlockingQueue<Chunk> back = new LinkedBlockingQueue<>();
        thread("to-server", () -> forward(client, target));
        thread("from-server", () -> hold(target, back));
        thread("to-client", () -> release(back, client));
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  private static void forward(Socket from, Socket to) {
    byte[] buf = new byte[16 * 1024];
    try (InputStream in = from.getInputStream()) {
      OutputStream out = to.getOutputStream();
      for (int n; (n = in.read(buf)) >= 0; ) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException ignored) {
      // a closed socket ends the copy
    } finally {
      closeQuietly(to);
    }
  }

  private void hold(Socket from, BlockingQueue<Chunk> queue) {
    byte[] buf = new byte[16 * 1024];
    try (InputStream in = from.getInputStream()) {
      for (int n; (n = in.read(buf)) >= 0; ) {
        queue.add(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buf, n)));
      }
    } catch (IOException ignored) {
      // a closed socket ends the reader
    } finally {
      queue.add(END);
    }
  }

  private void release(BlockingQueue<Chunk> queue, Socket to) {
    try {
      OutputStream out = to.getOutputStream();
      while (!closed) {
        Chunk c = queue.poll(100, TimeUnit.MILLISECONDS);
        if (c == null) {
          continue;
        }
        if (c == END) {
          break;
        }
        for (long wait; (wait = c.dueNanos() - System.nanoTime()) > 0; ) {
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

  private void thread(String name, Runnable r) {
    Thread t = new Thread(r, "delaying-tcp-proxy-" + name);
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

  /** Stops listening and closes every connection and thread. */
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
