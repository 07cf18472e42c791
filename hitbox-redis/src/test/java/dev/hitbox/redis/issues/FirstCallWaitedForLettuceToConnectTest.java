package dev.hitbox.redis.issues;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.testkit.RedisServer;
import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The first call on a backend built with {@code build()} ran Lettuce's {@code connectAsync} on the
 * caller's thread, under the connection's lock. The first time in a JVM that call loads and sets up
 * most of Lettuce and takes from a few hundred milliseconds to seconds (on a busy machine, 8 s
 * through the proxy): every request arriving meanwhile, on every event loop of the proxy, waited
 * for it instead of being bounded by the backend timeout. Now the attempt starts on Lettuce's own
 * executor and the call returns at once.
 *
 * <p>Lettuce is loaded fresh in a class loader of its own, as in a freshly started process, since
 * other tests of this JVM have already paid for its first connection.
 */
class FirstCallWaitedForLettuceToConnectTest {
  @Test
  void theFirstReadReturnsBeforeLettuceHasConnected() throws Exception {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    try (RedisServer redis = RedisServer.launch();
        URLClassLoader fresh = freshLoader()) {
      Thread.currentThread().setContextClassLoader(fresh); // what Lettuce looks up by name, too
      Class<?> backendClass = fresh.loadClass("dev.hitbox.redis.RedisBackend");
      Class<?> keyClass = fresh.loadClass("dev.hitbox.core.CacheKey");
      Object builder = backendClass.getMethod("builder").invoke(null);
      builder.getClass().getMethod("connectionString", String.class).invoke(builder, redis.uri());
      AutoCloseable backend = (AutoCloseable) builder.getClass().getMethod("build").invoke(builder);
      try (backend) {
        Object key = keyClass.getMethod("of", String.class, String.class).invoke(null, "ns", "k");
        Method read = backendClass.getMethod("read", keyClass);
        // everything of ours the read touches before it reaches Lettuce, loaded beforehand
        backendClass.getMethod("keyFormat").invoke(backend);

        long start = System.nanoTime();
        CompletionStage<?> first = (CompletionStage<?>) read.invoke(backend, key);
        long returnedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        first.toCompletableFuture().get(30, TimeUnit.SECONDS);
        long connectedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(returnedMillis)
            .as(
                "ms until the first read returned its stage (connected after %d ms)",
                connectedMillis)
            .isLessThan(Math.max(20, connectedMillis / 4));
      }
    } finally {
      Thread.currentThread().setContextClassLoader(context);
    }
  }

  /** A class loader with the test's class path and none of its loaded classes. */
  private static URLClassLoader freshLoader() throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      urls.add(new File(entry).toURI().toURL());
    }
    return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
  }
}
