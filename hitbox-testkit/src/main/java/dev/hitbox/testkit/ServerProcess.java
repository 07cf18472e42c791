package dev.hitbox.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A real server process on a loopback port, started by a test: the base of {@link RedisServer} and
 * {@link MemcachedServer}. It keeps its port across {@link #kill()} and {@link #start()}, so tests
 * can take a server away under load and bring it back. Output goes to a log file whose tail is put
 * in the exception when the server does not come up. Thread-safe.
 */
public abstract class ServerProcess implements AutoCloseable {
  /** The only address test servers bind to. */
  public static final String HOST = "127.0.0.1";

  private static final Duration STARTUP = Duration.ofSeconds(20);

  private final String binary;
  private final int port;
  private final Path log;
  private @Nullable Process process;

  /**
   * Prepares a server on a free loopback port (not started yet).
   *
   * @param binary the executable, looked up on the PATH
   */
  protected ServerProcess(String binary) {
    this.binary = binary;
    this.port = freePort();
    try {
      this.log = Files.createTempFile("hitbox-" + binary + "-" + port + "-", ".log");
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a log file for " + binary, e);
    }
  }

  /** A port nothing listens on right now. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(HOST, 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port on " + HOST, e);
    }
  }

  /** The command line that starts the server (binary first). */
  protected abstract List<String> command(int port);

  /** Whether the server answers on its port; called until it does or startup times out. */
  protected abstract boolean ready(int port);

  /** The port. */
  public int port() {
    return port;
  }

  /** The host: always {@value #HOST}. */
  public String host() {
    return HOST;
  }

  /** The server's log file. */
  public Path log() {
    return log;
  }

  /**
   * Starts the server (again, on the same port) and waits until it answers.
   *
   * @throws IllegalStateException when the binary is missing or the server does not come up
   */
  public synchronized ServerProcess start() {
    if (process != null && process.isAlive()) {
      return this;
    }
    List<String> cmd = new ArrayList<>(command(port));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new IllegalStateException(
          binary
              + " could not be started ("
              + e.getMessage()
              + "): install it (./hitbox test does, or apt-get install "
              + binary
              + ")",
          e);
    }
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < deadline) {
      Process p = process;
      if (p == null || !p.isAlive()) {
        throw new IllegalStateException(
            binary + " exited during startup on port " + port + ":\n" + tail());
      }
      if (ready(port)) {
        return this;
      }
      pause(20);
    }
    stop();
    throw new IllegalStateException(
        binary + " did not answer on port " + port + " within " + STARTUP + ":\n" + tail());
  }

  /** Whether the process is running. */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Kills the server at once (SIGKILL), as a crash would; {@link #start()} brings it back. */
  public synchronized void kill() {
    Process p = process;
    if (p != null) {
      p.destroyForcibly();
      waitFor(p);
      process = null;
    }
  }

  /** Stops the server gracefully (SIGTERM), then forcibly if it does not exit. */
  public synchronized void stop() {
    Process p = process;
    if (p != null) {
      p.destroy();
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          waitFor(p);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
      process = null;
    }
  }

  /** Stops the server and deletes its log. */
  @Override
  public void close() {
    stop();
    try {
      Files.deleteIfExists(log);
    } catch (IOException ignored) {
      // a leftover temp file is harmless
    }
  }

  /** The last lines of the server's log. */
  public String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /**
   * Sends {@code request} on a fresh connection and returns whether the answer starts with {@code
   * expected}; false when nothing listens yet.
   */
  protected static boolean answers(int port, String request, String expected) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(HOST, port), 200);
      s.setSoTimeout(500);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[expected.length()];
      int n = 0;
      while (n < buf.length) {
        int r = in.read(buf, n, buf.length - n);
        if (r < 0) {
          return false;
        }
        n += r;
      }
      return new String(buf, StandardCharsets.US_ASCII).equals(expected);
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether something accepts TCP connections on the port. */
  protected static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(HOST, port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether the current user is root (memcached refuses to run as root without -u). */
  protected static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static void waitFor(Process p) {
    try {
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting a server", e);
    }
  }

  @Override
  public String toString() {
    return getClass().getSimpleName()
        + "{"
        + HOST
        + ":"
        + port
        + (isRunning() ? "" : ", stopped")
        + '}';
  }
}
