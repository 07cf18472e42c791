package dev.hitbox.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Records the backend events core's own tests assert on. */
final class EventLog extends CacheListener {
  private final ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();

  List<String> events() {
    return new ArrayList<>(events);
  }

  @Override
  public void onBackendError(String backend, String operation, Throwable error) {
    events.add("backend-error " + backend + " " + operation);
  }

  @Override
  public void onDecodeError(String backend, CacheKey key, Throwable error) {
    events.add("decode-error " + backend + " " + key);
  }

  @Override
  public void onBackendRead(String backend, long durationNanos, int bytes) {
    events.add("backend-read " + backend);
  }
}
