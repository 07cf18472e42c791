package dev.hitbox.benchmarks;

import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Checks that the programs a suite starts are installed, and says which packages bring them. */
final class Tools {
  /** The Debian package of each program. */
  private static final Map<String, String> PACKAGES =
      Map.of(
          "redis-server", "redis-server",
          "redis-benchmark", "redis-tools",
          "memcached", "memcached",
          "wrk", "wrk",
          "nginx", "nginx",
          "varnishd", "varnish",
          "curl", "curl");

  private Tools() {}

  /**
   * Fails, naming the packages to install, unless every program is on the {@code PATH}.
   *
   * @throws IllegalStateException with the {@code apt-get install} line that brings them
   */
  static void require(String suite, String... programs) {
    List<String> missing = new ArrayList<>();
    Set<String> packages = new LinkedHashSet<>();
    for (String p : programs) {
      if (!onPath(p)) {
        missing.add(p);
        packages.add(PACKAGES.getOrDefault(p, p));
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          suite
              + " needs "
              + String.join(", ", missing)
              + ": install with 'apt-get install "
              + String.join(" ", packages)
              + "' (Debian, as root)");
    }
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (new File(dir, program).canExecute()) {
        return true;
      }
    }
    // sbin directories are not on every user's PATH
    return new File("/usr/sbin", program).canExecute() || new File("/sbin", program).canExecute();
  }
}
