package dev.hitbox.jdbc;

import dev.hitbox.testkit.ServerProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A throw-away PostgreSQL server for tests: {@code initdb} in a temporary directory, started with
 * {@code pg_ctl} on a free port of 127.0.0.1, trust authentication for user {@code postgres}, fsync
 * off. PostgreSQL refuses to run as root, so as root it runs as the {@code postgres} user through
 * {@code runuser}. The binaries are looked up on the PATH, then in {@code
 * /usr/lib/postgresql/<version>/bin} (where Debian's {@code postgresql} package puts them).
 */
final class PostgresServer implements AutoCloseable {
  private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

  private final Path bin;
  private final Path dir;
  private final Path data;
  private final Path log;
  private final int port;
  private @Nullable Thread shutdownHook;

  private PostgresServer(Path bin, Path dir, int port) {
    this.bin = bin;
    this.dir = dir;
    this.data = dir.resolve("data");
    this.log = dir.resolve("postgres.log");
    this.port = port;
  }

  /** The directory holding {@code postgres}, {@code initdb} and {@code pg_ctl}, if installed. */
  static Optional<Path> binaries() {
    for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path d = Path.of(p.isEmpty() ? "." : p);
      if (Files.isExecutable(d.resolve("postgres"))
          && Files.isExecutable(d.resolve("initdb"))
          && Files.isExecutable(d.resolve("pg_ctl"))) {
        return Optional.of(d);
      }
    }
    Path debian = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(debian)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(debian)) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("postgres")))
          .max(Comparator.comparingInt(PostgresServer::version));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static int version(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Why the server cannot run here, or empty when it can. */
  static Optional<String> unavailable() {
    if (binaries().isEmpty()) {
      return Optional.of(
          "no PostgreSQL server binaries (postgres, initdb, pg_ctl) on the PATH or in"
              + " /usr/lib/postgresql/*/bin: apt-get install postgresql (./hitbox test does)");
    }
    if (ROOT && !Files.isExecutable(Path.of("/usr/sbin/runuser")) && !onPath("runuser")) {
      return Optional.of("running as root and no runuser to start PostgreSQL as another user");
    }
    if (ROOT && lookup("postgres") == null) {
      return Optional.of("running as root and no 'postgres' user to start PostgreSQL as");
    }
    return Optional.empty();
  }

  private static boolean onPath(String binary) {
    for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(p.isEmpty() ? "." : p, binary))) {
        return true;
      }
    }
    return false;
  }

  private static @Nullable UserPrincipal lookup(String user) {
    try {
      return Path.of("/")
          .getFileSystem()
          .getUserPrincipalLookupService()
          .lookupPrincipalByName(user);
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }

  /** Initializes and starts a server; call {@link #unavailable()} first. */
  static PostgresServer start() throws IOException, InterruptedException {
    Path bin = binaries().orElseThrow();
    Path dir = Files.createTempDirectory("hitbox-pg-");
    if (ROOT) {
      UserPrincipal postgres = lookup("postgres");
      if (postgres != null) {
        Files.setOwner(dir, postgres);
      }
    }
    PostgresServer server = new PostgresServer(bin, dir, ServerProcess.freePort());
    server.initAndStart();
    return server;
  }

  private void initAndStart() throws IOException, InterruptedException {
    run(
        List.of(
            bin.resolve("initdb").toString(),
            "-D",
            data.toString(),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync"),
        60);
    String options = "-p " + port + " -h 127.0.0.1 -k " + dir + " -F -c max_connections=60";
    run(
        List.of(
            bin.resolve("pg_ctl").toString(),
            "-D",
            data.toString(),
            "-l",
            log.toString(),
            "-w",
            "-t",
            "60",
            "-o",
            options,
            "start"),
        90);
    Thread hook = new Thread(this::stopQuietly, "hitbox-test-postgres-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    shutdownHook = hook;
    // pg_ctl -w returns once the server accepts connections
    if (!answers()) {
      throw new IllegalStateException(
          "postgres does not answer on port " + port + "\n" + logTail());
    }
  }

  private boolean answers() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(ServerProcess.HOST, port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The JDBC URL of the {@code postgres} database. */
  String url() {
    return "jdbc:postgresql://" + ServerProcess.HOST + ":" + port + "/postgres";
  }

  int port() {
    return port;
  }

  private void run(List<String> command, int timeoutSeconds)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    if (ROOT) {
      cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    cmd.addAll(command);
    Path out = Files.createTempFile("hitbox-pg-cmd-", ".log");
    try {
      Process p =
          new ProcessBuilder(cmd)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", cmd) + " timed out\n" + logTail());
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", cmd)
                + " exited with "
                + p.exitValue()
                + ":\n"
                + Files.readString(out, StandardCharsets.UTF_8)
                + logTail());
      }
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private void stopQuietly() {
    try {
      run(
          List.of(
              bin.resolve("pg_ctl").toString(),
              "-D",
              data.toString(),
              "-m",
              "immediate",
              "-w",
              "stop"),
          30);
    } catch (IOException | RuntimeException e) {
      // already stopped
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the server and deletes its directory. */
  @Override
  public void close() throws IOException {
    stopQuietly();
    Thread hook = shutdownHook;
    if (hook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // shutting down already
      }
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
