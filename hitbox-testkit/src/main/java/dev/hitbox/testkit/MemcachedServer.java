package dev.hitbox.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * A real {@code memcached} on a free loopback port (TCP only, 64 MiB), for tests.
 *
 * <pre>{@code
 * try (MemcachedServer mc = MemcachedServer.launch()) {
 *   String address = mc.address(); // 127.0.0.1:PORT
 * }
 * }</pre>
 */
public final class MemcachedServer extends ServerProcess {
  private final List<String> extraArgs;

  private MemcachedServer(List<String> extraArgs) {
    super("memcached");
    this.extraArgs = List.copyOf(extraArgs);
  }

  /** Starts a server; {@code extraArgs} are appended (e.g. {@code "-I", "2m"}). */
  public static MemcachedServer launch(String... extraArgs) {
    MemcachedServer s = new MemcachedServer(List.of(extraArgs));
    s.start();
    return s;
  }

  @Override
  public MemcachedServer start() {
    super.start();
    return this;
  }

  /** {@code 127.0.0.1:PORT}. */
  public String address() {
    return HOST + ":" + port();
  }

  @Override
  protected List<String> command(int port) {
    List<String> cmd = new ArrayList<>();
    cmd.add("memcached");
    cmd.add("-l");
    cmd.add(HOST);
    cmd.add("-p");
    cmd.add(Integer.toString(port));
    cmd.add("-U");
    cmd.add("0");
    cmd.add("-m");
    cmd.add("64");
    if (isRoot()) {
      cmd.add("-u");
      cmd.add("root");
    }
    cmd.addAll(extraArgs);
    return cmd;
  }

  @Override
  protected boolean ready(int port) {
    return answers(port, "version\r\n", "VERSION");
  }
}
