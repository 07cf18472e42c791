package dev.hitbox.memcached;

import dev.hitbox.core.spi.Backend;
import dev.hitbox.testkit.BackendCompatibilityKit;
import dev.hitbox.testkit.FakeTicker;
import dev.hitbox.testkit.MemcachedServer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The kit against one real memcached with 2 MiB items (the kit stores values of 1 MiB + 1). */
class MemcachedBackendCompatibilityTest extends BackendCompatibilityKit {
  private static MemcachedServer server;

  @BeforeAll
  static void startServer() {
    server = MemcachedServer.launch("-I", "2m");
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Override
  protected Backend createBackend(FakeTicker ticker) throws Exception {
    MemcachedBackend backend =
        MemcachedBackend.builder()
            .servers(server.address())
            .maxConnections(2)
            .maxItemSize(2 << 20)
            // the kit bounds each call itself (10 s) and fires 10,000 writes at once: on a busy
            // 2-core machine the default 1 s per call is too short for the last of them
            .requestTimeout(Duration.ofSeconds(10))
            .build();
    backend.connected().get(10, TimeUnit.SECONDS);
    return backend;
  }

  @Override
  protected boolean invalidationCountsAreExact() {
    return false;
  }

  @Override
  protected void closeBackend(Backend backend) {
    ((MemcachedBackend) backend).close();
  }
}
