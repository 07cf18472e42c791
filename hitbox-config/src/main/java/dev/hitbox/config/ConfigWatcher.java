package dev.hitbox.config;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Keeps a {@link HitboxConfig} in step with its file. The file's directory is watched; changes are
 * debounced (editors write a file in several steps) and then the file is read again. {@link
 * #reload()} does the same at once, for {@code SIGHUP} or an admin {@code POST /config/reload}.
 *
 * <p>A valid new file replaces the configuration: {@link #current()} returns it and the {@link
 * Listener} is told. An invalid one is rejected: the old configuration stays current, the error is
 * logged ({@link System.Logger} {@code dev.hitbox.config}) and kept in {@link #lastError()} until
 * the next successful load. A file whose text did not change is not loaded again.
 *
 * <p>Thread-safe. Reloads run one at a time, and listeners are called in order, on the thread that
 * reloads (the watcher's own daemon thread for file changes).
 *
 * <pre>{@code
 * ConfigWatcher watcher = ConfigWatcher.builder(Path.of("hitbox.yaml"))
 *     .listener(new ConfigWatcher.Listener() {
 *       public void onReload(HitboxConfig previous, HitboxConfig current) { proxy.apply(current); }
 *     })
 *     .start();                       // throws ConfigException if the file is invalid now
 * Signal.handle(new Signal("HUP"), s -> watcher.reloadQuietly());
 * }</pre>
 */
public final class ConfigWatcher implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("dev.hitbox.config");

  /** The default debounce: how long the file must be quiet before it is read. */
  public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(200);

  private final Path file;
  private final String name;
  private final ConfigLoader loader;
  private final Listener listener;
  private final Duration debounce;
  private final Object lock = new Object();
  private final WatchService watchService;
  private final ScheduledExecutorService scheduler;
  private final Thread watchThread;

  private volatile HitboxConfig current;
  private volatile @Nullable ConfigException lastError;
  private String currentText;
  private @Nullable ScheduledFuture<?> pending;
  private volatile boolean closed;

  /** Told about reloads. Override what you need; the methods do nothing by default. */
  public abstract static class Listener {
    /** A listener that does nothing. */
    public static final Listener NONE = new Listener() {};

    /** Creates a listener. */
    protected Listener() {}

    /**
     * A new valid configuration replaced {@code previous}; {@link ConfigWatcher#current()} already
     * returns {@code current}. An exception thrown here is logged and does not undo the reload.
     */
    public void onReload(HitboxConfig previous, HitboxConfig current) {}

    /** A changed file was rejected; {@code kept} stays current. */
    public void onReloadFailed(ConfigException error, HitboxConfig kept) {}
  }

  private ConfigWatcher(Builder b, WatchService watchService, String text, HitboxConfig initial) {
    this.file = b.file;
    this.name = b.file.toString();
    this.loader = b.loader;
    this.listener = b.listener;
    this.debounce = b.debounce;
    this.current = initial;
    this.currentText = text;
    this.watchService = watchService;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "hitbox-config-reload");
              t.setDaemon(true);
              return t;
            });
    this.watchThread = new Thread(this::watch, "hitbox-config-watch");
    watchThread.setDaemon(true);
    watchThread.start();
  }

  /** Starts a watcher of {@code file}. */
  public static Builder builder(Path file) {
    return new Builder(requireNonNull(file, "file"));
  }

  /** The file watched. */
  public Path file() {
    return file;
  }

  /** The configuration in force: the last valid one read. */
  public HitboxConfig current() {
    return current;
  }

  /** The error of the last reload if it failed; empty after a successful one. */
  public Optional<ConfigException> lastError() {
    return Optional.ofNullable(lastError);
  }

  /**
   * Reads the file now. When its text changed and is valid, it becomes {@link #current()} and the
   * listener's {@link Listener#onReload} is called; when it did not change, nothing happens.
   *
   * @return the configuration in force afterwards
   * @throws ConfigException if the file cannot be read or is invalid; the old configuration stays
   *     in force, and the error is logged and kept in {@link #lastError()}
   */
  public HitboxConfig reload() {
    synchronized (lock) {
      HitboxConfig next;
      String text;
      try {
        text = ConfigLoader.read(file, name);
        if (text.equals(currentText)) {
          lastError = null;
          return current;
        }
        next = loader.parse(text, name);
      } catch (ConfigException e) {
        lastError = e;
        LOG.log(
            Level.WARNING,
            "Configuration not reloaded, the previous one stays: {0}",
            e.getMessage());
        try {
          listener.onReloadFailed(e, current);
        } catch (RuntimeException listenerError) {
          LOG.log(Level.WARNING, "Reload listener failed", listenerError);
        }
        throw e;
      }
      HitboxConfig previous = current;
      current = next;
      currentText = text;
      lastError = null;
      LOG.log(
          Level.INFO,
          "Configuration reloaded from {0}: {1} endpoint(s)",
          name,
          next.endpoints().size());
      try {
        listener.onReload(previous, next);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Reload listener failed", e);
      }
      return next;
    }
  }

  /**
   * {@link #reload()} without the exception, for a signal handler: a failure is only logged and
   * kept in {@link #lastError()}.
   *
   * @return whether the file is valid (whether or not it changed)
   */
  public boolean reloadQuietly() {
    try {
      reload();
      return true;
    } catch (ConfigException e) {
      return false;
    }
  }

  private void watch() {
    Path target = file.getFileName();
    while (!closed) {
      WatchKey key;
      try {
        key = watchService.take();
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      }
      boolean relevant = false;
      for (var event : key.pollEvents()) {
        Object context = event.context();
        // Our file, an overflow, or a symlink swap of a mounted config map (..data) all count.
        relevant |=
            event.kind() == StandardWatchEventKinds.OVERFLOW
                || target.equals(context)
                || (context instanceof Path p && p.toString().startsWith(".."));
      }
      key.reset();
      if (relevant) {
        schedule();
      }
    }
  }

  private void schedule() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      ScheduledFuture<?> p = pending;
      if (p != null) {
        p.cancel(false);
      }
      pending = scheduler.schedule(this::reloadQuietly, debounce.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  /** Stops watching. Idempotent. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    scheduler.shutdownNow();
    try {
      watchService.close();
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "Closing the watch service failed", e);
    }
  }

  @Override
  public String toString() {
    return "ConfigWatcher{" + name + (lastError == null ? "" : ", invalid") + "}";
  }

  /** Builds a {@link ConfigWatcher}. Not thread-safe. */
  public static final class Builder {
    private final Path file;
    private ConfigLoader loader = ConfigLoader.create();
    private Listener listener = Listener.NONE;
    private Duration debounce = DEFAULT_DEBOUNCE;

    private Builder(Path file) {
      this.file = file;
    }

    /** The loader (default {@link ConfigLoader#create()}). */
    public Builder loader(ConfigLoader loader) {
      this.loader = requireNonNull(loader, "loader");
      return this;
    }

    /** The listener (default {@link Listener#NONE}). */
    public Builder listener(Listener listener) {
      this.listener = requireNonNull(listener, "listener");
      return this;
    }

    /**
     * How long the file must be quiet before it is read (default 200 ms).
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder debounce(Duration debounce) {
      requireNonNull(debounce, "debounce");
      if (debounce.isNegative()) {
        throw new IllegalArgumentException("debounce: " + debounce + " (expected: >= 0)");
      }
      this.debounce = debounce;
      return this;
    }

    /**
     * Loads the file and starts watching it.
     *
     * @throws ConfigException if the file cannot be read or is invalid now
     * @throws UncheckedIOException if the file's directory cannot be watched
     */
    public ConfigWatcher start() {
      // Watch first, so that a change made while the file is first read is not missed.
      WatchService watchService = watch(file);
      try {
        String name = file.toString();
        String text = ConfigLoader.read(file, name);
        HitboxConfig initial = loader.parse(text, name);
        return new ConfigWatcher(this, watchService, text, initial);
      } catch (RuntimeException e) {
        try {
          watchService.close();
        } catch (IOException closing) {
          e.addSuppressed(closing);
        }
        throw e;
      }
    }

    private static WatchService watch(Path file) {
      Path dir = file.toAbsolutePath().getParent();
      WatchService watchService = null;
      try {
        watchService = FileSystems.getDefault().newWatchService();
        dir.register(
            watchService,
            StandardWatchEventKinds.ENTRY_CREATE,
            StandardWatchEventKinds.ENTRY_MODIFY,
            StandardWatchEventKinds.ENTRY_DELETE);
        return watchService;
      } catch (IOException e) {
        if (watchService != null) {
          try {
            watchService.close();
          } catch (IOException closing) {
            e.addSuppressed(closing);
          }
        }
        throw new UncheckedIOException("cannot watch the directory of " + file, e);
      }
    }
  }
}
