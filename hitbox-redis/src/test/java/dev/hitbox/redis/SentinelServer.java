package dev.hitbox.redis;

import dev.hitbox.testkit.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real Redis Sentinel ({@code redis-server CONFIG --sentinel}) on a free loopback port, watching
 * one master under a name. Sentinel rewrites its config file, so each gets one of its own, deleted
 * on {@link #close()}. For tests.
 */
final class SentinelServer extends ServerProcess {
  private final Path config;

  private SentinelServer(String masterName, int masterPort) {
    super("redis-server");
    try {
      this.config = Files.createTempFile("hitbox-sentinel-", ".conf");
      Files.writeString(
          config,
          "sentinel monitor "
              + masterName
              + " "
              + HOST
              + " "
              + masterPort
              + " 1\n"
              + "sentinel down-after-milliseconds "
              + masterName
              + " 5000\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts a Sentinel watching the master on {@code 127.0.0.1:masterPort} as {@code masterName}.
   */
  static SentinelServer launch(String masterName, int masterPort) {
    SentinelServer s = new SentinelServer(masterName, masterPort);
    s.start();
    return s;
  }

  @Override
  protected List<String> command(int port) {
    return List.of(
        "redis-server",
        config.toString(),
        "--sentinel",
        "--bind",
        HOST,
        "--port",
        Integer.toString(port),
        "--protected-mode",
        "no");
  }

  @Override
  protected boolean ready(int port) {
    return answers(port, "PING\r\n", "+PONG");
  }

  @Override
  public void close() {
    super.close();
    try {
      Files.deleteIfExists(config);
    } catch (IOException ignored) {
      // a leftover temp file is harmless
    }
  }
}
