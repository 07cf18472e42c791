package dev.hitbox.proxy;

import dev.hitbox.core.ConfigurationException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.ServiceLoader;

/**
 * {@code ./hitbox proxy --config FILE}: reads the configuration file, starts the proxy, reloads it
 * when the file changes, on {@code SIGHUP} and on {@code POST /config/reload}, and shuts down
 * gracefully on {@code SIGTERM} (requests in flight finish). Logs one line per start, reload and
 * stop.
 */
public final class ProxyMain {
  static final String USAGE =
      """
      Usage: ./hitbox proxy --config FILE

      Runs the Hitbox caching reverse proxy with the configuration in FILE (YAML: listen, admin,
      admin_token, upstream and endpoints; see docs/proxy.md). SIGTERM shuts it down gracefully.
      FILE is read again when it changes, on SIGHUP, and on POST /config/reload on the admin
      listener; a file that is not valid is rejected and the configuration in force stays.

      Options:
        --config FILE   the configuration file (required)
        -h, --help      prints this help
      """;

  private ProxyMain() {}

  /**
   * Runs the proxy until the process is terminated; exits with status 2 when the arguments or the
   * configuration are not valid.
   *
   * @param args {@code --config FILE}
   */
  public static void main(String[] args) {
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty(
          "java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL %4$s %5$s%6$s%n");
    }
    HitboxProxy proxy =
        start(args, System.out, System.err, ServiceLoader.load(ProxyConfigLoader.class).iterator());
    if (proxy == null) {
      System.exit(2);
      return;
    }
    // SIGTERM and SIGINT close the proxy before the JVM starts shutting down, so the last log
    // line is written (at shutdown the logging system resets itself concurrently with hooks).
    Runnable stop =
        () -> {
          try {
            proxy.close();
          } catch (RuntimeException | Error e) {
            System.err.println("hitbox proxy: shutdown failed: " + e);
            e.printStackTrace();
            System.exit(1);
          }
          System.exit(0);
        };
    onSignal("TERM", stop);
    onSignal("INT", stop);
    onSignal("HUP", () -> proxy.reloadQuietly("signal"));
    Runtime.getRuntime().addShutdownHook(new Thread(proxy::close, "hitbox-shutdown"));
    try {
      proxy.awaitClose();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs {@code action} on its own thread on signal {@code name}, where the platform has it. */
  private static void onSignal(String name, Runnable action) {
    try {
      sun.misc.Signal.handle(
          new sun.misc.Signal(name), s -> new Thread(action, "hitbox-sig" + name).start());
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      System.err.println("hitbox proxy: SIG" + name + " is not handled here: " + e.getMessage());
    }
  }

  /**
   * Parses the arguments, loads the configuration and starts the proxy.
   *
   * @return the running proxy, or {@code null} when it cannot start (the reason went to {@code
   *     err}) or only help was asked for
   */
  static HitboxProxy start(
      String[] args, PrintStream out, PrintStream err, Iterator<ProxyConfigLoader> loaders) {
    Path file = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-h") || a.equals("--help")) {
        out.print(USAGE);
        return null;
      } else if (a.equals("--config") && i + 1 < args.length) {
        file = Path.of(args[++i]);
      } else if (a.startsWith("--config=")) {
        file = Path.of(a.substring("--config=".length()));
      } else {
        err.println(
            "hitbox proxy: "
                + (a.equals("--config") ? "--config: missing FILE" : "unknown option '" + a + "'")
                + " (expected: --config FILE)");
        return null;
      }
    }
    if (file == null) {
      err.println("hitbox proxy: --config FILE is required (see './hitbox proxy --help')");
      return null;
    }
    if (!Files.isReadable(file)) {
      err.println("hitbox proxy: " + file + ": no such readable file");
      return null;
    }
    // A loader on the class path (another format) wins; the YAML loader is built in.
    ProxyConfigLoader loader = loaders.hasNext() ? loaders.next() : new YamlConfigLoader();
    ProxyMetrics metrics = ProxyMetrics.create();
    Path config = file;
    try {
      ProxyConfig initial = loader.load(config, metrics);
      return HitboxProxy.builder(initial)
          .metrics(metrics)
          .reloader(() -> loader.load(config, metrics))
          .watch(config)
          .start();
    } catch (ConfigurationException e) {
      err.println("hitbox proxy: " + e.getMessage());
      return null;
    } catch (RuntimeException e) {
      err.println("hitbox proxy: cannot start: " + e);
      return null;
    }
  }
}
