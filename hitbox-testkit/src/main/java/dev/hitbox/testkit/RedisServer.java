package dev.hitbox.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * A real {@code redis-server} on a free loopback port, without persistence ({@code --save ''
 * --appendonly no}), for tests. Extra arguments configure TLS, ACL users, cluster mode, and so on.
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.launch()) {
 *   String uri = redis.uri(); // redis://127.0.0.1:PORT
 *   redis.kill();             // a crash
 *   redis.start();            // back on the same port
 * }
 * }</pre>
 */
public final class RedisServer extends ServerProcess {
  private final List<String> extraArgs;
  private final boolean plainPing;

  private RedisServer(List<String> extraArgs, boolean plainPing) {
    super("redis-server");
    this.extraArgs = List.copyOf(extraArgs);
    this.plainPing = plainPing;
  }

  /** Starts a server with default settings. */
  public static RedisServer launch(String... extraArgs) {
    RedisServer s = new RedisServer(List.of(extraArgs), !requiresAuthOrTls(extraArgs));
    s.start();
    return s;
  }

  private static boolean requiresAuthOrTls(String... args) {
    for (String a : args) {
      if (a.startsWith("--tls") || a.equals("--requirepass") || a.equals("--user")) {
        return true;
      }
    }
    return false;
  }

  /** Prepares a server without starting it, e.g. to pick its port for a cluster config. */
  public static RedisServer prepare(String... extraArgs) {
    return new RedisServer(List.of(extraArgs), !requiresAuthOrTls(extraArgs));
  }

  @Override
  public RedisServer start() {
    super.start();
    return this;
  }

  /** {@code redis://127.0.0.1:PORT}. */
  public String uri() {
    return "redis://" + HOST + ":" + port();
  }

  @Override
  protected List<String> command(int port) {
    List<String> cmd = new ArrayList<>();
    cmd.add("redis-server");
    cmd.add("--bind");
    cmd.add(HOST);
    cmd.add("--port");
    cmd.add(Integer.toString(port));
    cmd.add("--save");
    cmd.add("");
    cmd.add("--appendonly");
    cmd.add("no");
    cmd.add("--protected-mode");
    cmd.add("no");
    cmd.addAll(extraArgs);
    return cmd;
  }

  @Override
  protected boolean ready(int port) {
    if (!plainPing) {
      return listening(port);
    }
    return answers(port, "PING\r\n", "+PONG");
  }
}
