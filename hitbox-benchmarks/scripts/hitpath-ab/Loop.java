import dev.hitbox.benchmarks.engine.HitPathBenchmark;

/** Loaded once per class loader: runs n hits of one HitPathBenchmark and returns the elapsed ns. */
public final class Loop {
  public static Object sink;

  public static HitPathBenchmark create(String impl) throws Exception {
    HitPathBenchmark b = new HitPathBenchmark();
    java.lang.reflect.Field f = HitPathBenchmark.class.getDeclaredField("impl");
    f.setAccessible(true);
    f.set(b, impl);
    b.setUp();
    return b;
  }

  public static long run(HitPathBenchmark b, HitPathBenchmark.ThreadState ts, int n) {
    long start = System.nanoTime();
    Object last = null;
    for (int i = 0; i < n; i++) {
      last = b.oneThread(ts);
    }
    long t = System.nanoTime() - start;
    sink = last;
    return t;
  }
}
