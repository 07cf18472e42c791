package dev.hitbox.spring.boot;

import dev.hitbox.config.BackendConfig;
import dev.hitbox.core.spi.Backend;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.DisposableBean;

/**
 * The backends of the {@code hitbox.*} properties: one per distinct {@link BackendConfig}, so
 * endpoints with equal {@code backend:} settings share one (and its connections). Closes those it
 * made with the application context. Thread-safe.
 */
final class HitboxBackends implements DisposableBean {
  private final Map<BackendConfig, Backend> created = new LinkedHashMap<>(); // guarded by this

  /** The backend of {@code config}, made on first use. */
  synchronized Backend get(BackendConfig config) {
    return created.computeIfAbsent(config, BackendConfig::create);
  }

  @Override
  public void destroy() throws Exception {
    List<Backend> all;
    synchronized (this) {
      all = new ArrayList<>(created.values());
      created.clear();
    }
    Exception first = null;
    for (Backend b : all) {
      if (b instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception e) {
          if (first == null) {
            first = e;
          } else {
            first.addSuppressed(e);
          }
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  @Override
  public synchronized String toString() {
    return "HitboxBackends" + created.keySet();
  }
}
