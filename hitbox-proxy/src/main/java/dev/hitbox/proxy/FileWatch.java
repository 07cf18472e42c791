package dev.hitbox.proxy;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Calls {@code onChange} when the text of a file changes. The file's directory is watched (so a
 * file replaced by a rename, as editors and Kubernetes config maps do, is seen too); events are
 * debounced and then the file is compared with the text last seen, so touching it or writing the
 * same text again does nothing. {@code onChange} runs on the watch's own daemon thread, one call at
 * a time; what it throws is logged.
 */
final class FileWatch implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("dev.hitbox.proxy");
  static final Duration DEBOUNCE = Duration.ofMillis(200);

  private final Path file;
  private final Runnable onChange;
  private final WatchService service;
  private final ScheduledExecutorService scheduler;
  private final Thread thread;
  private byte @Nullable [] seen; // only on the scheduler's thread
  private @Nullable ScheduledFuture<?> pending; // guarded by this
  private volatile boolean closed;

  private FileWatch(Path file, Runnable onChange, WatchService service) {
    this.file = file;
    this.onChange = onChange;
    this.service = service;
    this.seen = read(file);
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "hitbox-proxy-reload");
              t.setDaemon(true);
              return t;
            });
    this.thread = new Thread(this::watch, "hitbox-proxy-watch");
    thread.setDaemon(true);
  }

  /**
   * Starts watching {@code file}.
   *
   * @throws java.io.UncheckedIOException if the directory cannot be watched
   */
  static FileWatch start(Path file, Runnable onChange) {
    Path absolute = file.toAbsolutePath();
    Path dir = absolute.getParent();
    try {
      WatchService service = FileSystems.getDefault().newWatchService();
      dir.register(
          service,
          StandardWatchEventKinds.ENTRY_CREATE,
          StandardWatchEventKinds.ENTRY_MODIFY,
          StandardWatchEventKinds.ENTRY_DELETE);
      FileWatch w = new FileWatch(absolute, onChange, service);
      w.thread.start();
      return w;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot watch " + dir + ": " + e.getMessage(), e);
    }
  }

  private void watch() {
    while (!closed) {
      WatchKey key;
      try {
        key = service.take();
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      }
      // Any event in the directory may be the file: a rename over it names the temporary file.
      key.pollEvents();
      schedule();
      if (!key.reset()) {
        LOG.log(System.Logger.Level.WARNING, "hitbox proxy: stopped watching {0}", file);
        return;
      }
    }
  }

  private synchronized void schedule() {
    if (closed) {
      return;
    }
    if (pending != null) {
      pending.cancel(false);
    }
    pending = scheduler.schedule(this::check, DEBOUNCE.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void check() {
    byte[] now = read(file);
    if (now == null || Arrays.equals(now, seen)) {
      return; // gone for now (being replaced) or the same text
    }
    seen = now;
    try {
      onChange.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "hitbox proxy: reload after a change failed", e);
    }
  }

  private static byte @Nullable [] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      service.close();
    } catch (IOException e) {
      // nothing left to do
    }
    scheduler.shutdownNow();
  }
}
