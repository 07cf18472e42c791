import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Interleaved A/B of HitPathBenchmark: the same benchmark class from two class paths (before and
 * after) in two class loaders, one JVM, batches alternating, so that both see the same load.
 * Prints medians of per-batch ns/op, of ratios to caffeine_raw within a round, and of after/before.
 */
public final class AB {
  // -Dab.impls=a,b,... (e.g. through JAVA_TOOL_OPTIONS) picks others; the first is the baseline
  static final String[] IMPLS =
      System.getProperty("ab.impls", "caffeine_raw,caffeine_backend,hitbox_cache,hitbox_endpoint")
          .split(",");

  public static void main(String[] args) throws Exception {
    int rounds = Integer.parseInt(args[2]);
    int batch = Integer.parseInt(args[3]);
    String[] names = {"before", "after"};
    Object[][] benches = new Object[2][IMPLS.length];
    Object[][] states = new Object[2][IMPLS.length];
    Method[] run = new Method[2];
    for (int v = 0; v < 2; v++) {
      List<URL> urls = new ArrayList<>();
      urls.add(Path.of(System.getProperty("ab.classes")).toUri().toURL());
      for (String p : Files.readString(Path.of(args[v])).trim().split(":")) {
        urls.add(Path.of(p).toUri().toURL());
      }
      ClassLoader cl = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
      Class<?> loop = cl.loadClass("Loop");
      Class<?> bench = cl.loadClass("dev.hitbox.benchmarks.engine.HitPathBenchmark");
      Class<?> ts = cl.loadClass("dev.hitbox.benchmarks.engine.HitPathBenchmark$ThreadState");
      run[v] = loop.getMethod("run", bench, ts, int.class);
      Method create = loop.getMethod("create", String.class);
      for (int i = 0; i < IMPLS.length; i++) {
        benches[v][i] = create.invoke(null, IMPLS[i]);
        states[v][i] = ts.getConstructor().newInstance();
      }
    }
    // warm-up
    for (int w = 0; w < 10; w++) {
      for (int v = 0; v < 2; v++) {
        for (int i = 0; i < IMPLS.length; i++) {
          run[v].invoke(null, benches[v][i], states[v][i], batch);
        }
      }
    }
    double[][][] ns = new double[2][IMPLS.length][rounds];
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < IMPLS.length; i++) {
        int first = r % 2;
        for (int k = 0; k < 2; k++) {
          int v = k == 0 ? first : 1 - first;
          long t = (long) run[v].invoke(null, benches[v][i], states[v][i], batch);
          ns[v][i][r] = (double) t / batch;
        }
      }
    }
    System.out.printf("rounds %d x batch %d, load %s%n", rounds, batch, Files.readString(Path.of("/proc/loadavg")).trim());
    System.out.printf("%-17s %14s %14s %12s %12s %14s%n", "impl", "before ns/op", "after ns/op", "before/raw", "after/raw", "after/before");
    for (int i = 0; i < IMPLS.length; i++) {
      double[] rb = new double[rounds], ra = new double[rounds], ab = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        rb[r] = ns[0][i][r] / ns[0][0][r];
        ra[r] = ns[1][i][r] / ns[1][0][r];
        ab[r] = ns[1][i][r] / ns[0][i][r];
      }
      System.out.printf("%-17s %14.1f %14.1f %11.2fx %11.2fx %13.2fx%n", IMPLS[i], median(ns[0][i]), median(ns[1][i]), median(rb), median(ra), median(ab));
    }
  }

  static double median(double[] a) {
    double[] c = a.clone();
    Arrays.sort(c);
    return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
  }
}
