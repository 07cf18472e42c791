package dev.hitbox.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What a reader of a result needs to know about the machine it was measured on. */
public final class Machine {
  private Machine() {}

  /** The number of processors the JVM sees. */
  public static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }

  /** The load averages over 1, 5 and 15 minutes, as {@code uptime} prints them. */
  public static String load() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + ", " + f[1] + ", " + f[2];
    } catch (IOException | RuntimeException e) {
      double one =
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      return one < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f", one);
    }
  }

  /** The CPU model, from {@code /proc/cpuinfo}, or "unknown CPU". */
  public static String cpu() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through
    }
    return "unknown CPU";
  }

  /** One line: cores, CPU, memory and Java version. */
  public static String describe() {
    long memGiB = 0;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          memGiB = Long.parseLong(line.replaceAll("[^0-9]", "")) / (1024 * 1024);
        }
      }
    } catch (IOException | RuntimeException e) {
      // leave 0
    }
    return String.format(
        Locale.ROOT,
        "%d cores (%s), %d GiB, Java %s (%s)",
        cores(),
        cpu(),
        memGiB,
        System.getProperty("java.version"),
        System.getProperty("java.vm.name"));
  }
}
