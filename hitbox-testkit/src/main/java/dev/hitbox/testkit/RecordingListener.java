package dev.hitbox.testkit;

import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CacheListener;
import dev.hitbox.core.CacheStatus;
import dev.hitbox.core.TimeoutPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A {@link CacheListener} that records every event as a short string such as {@code "hit
 * users:0:user:42"}, {@code "transition PollCache->HandleStale"} or {@code "response MISS"}, so
 * tests can assert on what the engine did. Thread-safe.
 */
public final class RecordingListener extends CacheListener {
  private final ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();

  /** Creates an empty recorder. */
  public RecordingListener() {}

  /** Every event so far, in order. */
  public List<String> events() {
    return new ArrayList<>(events);
  }

  /** How many events start with {@code prefix}. */
  public long count(String prefix) {
    return events.stream().filter(e -> e.startsWith(prefix)).count();
  }

  /** The transitions so far, as {@code "From->To"}. */
  public List<String> transitions() {
    List<String> out = new ArrayList<>();
    for (String e : events) {
      if (e.startsWith("transition ")) {
        out.add(e.substring("transition ".length()));
      }
    }
    return out;
  }

  /** Forgets every event. */
  public void clear() {
    events.clear();
  }

  private void add(String event) {
    events.add(event);
  }

  @Override
  public void onTransition(String namespace, String from, String to) {
    add("transition " + from + "->" + to);
  }

  @Override
  public void onBypass(String namespace) {
    add("bypass " + namespace);
  }

  @Override
  public void onHit(CacheKey key) {
    add("hit " + key);
  }

  @Override
  public void onStale(CacheKey key) {
    add("stale " + key);
  }

  @Override
  public void onStaleIfError(CacheKey key, Throwable error) {
    add("stale-if-error " + key + " " + error.getClass().getSimpleName());
  }

  @Override
  public void onEarlyRefresh(CacheKey key) {
    add("early-refresh " + key);
  }

  @Override
  public void onMiss(CacheKey key) {
    add("miss " + key);
  }

  @Override
  public void onDogpileWait(CacheKey key) {
    add("dogpile-wait " + key);
  }

  @Override
  public void onDogpileTimeout(CacheKey key) {
    add("dogpile-timeout " + key);
  }

  @Override
  public void onUpstream(String namespace, long durationNanos, boolean success) {
    add("upstream " + (success ? "ok" : "failed"));
  }

  @Override
  public void onResponseNotCacheable(CacheKey key) {
    add("not-cacheable " + key);
  }

  @Override
  public void onBackendRead(String backend, long durationNanos, int bytes) {
    add("backend-read " + backend + " " + bytes);
  }

  @Override
  public void onBackendWrite(String backend, long durationNanos, int bytes) {
    add("backend-write " + backend + " " + bytes);
  }

  @Override
  public void onBackendError(String backend, String operation, Throwable error) {
    add("backend-error " + backend + " " + operation + " " + error.getClass().getSimpleName());
  }

  @Override
  public void onDecodeError(String backend, CacheKey key, Throwable error) {
    add("decode-error " + backend + " " + key);
  }

  @Override
  public void onUserCodeError(String namespace, Throwable error) {
    add("user-code-error " + namespace + " " + error.getMessage());
  }

  @Override
  public void onResponse(String namespace, CacheStatus status, long latencyNanos) {
    add("response " + status);
  }

  @Override
  public void onOffloadSpawned(String key) {
    add("offload-spawned " + key);
  }

  @Override
  public void onOffloadCompleted(String key, boolean success) {
    add("offload-completed " + key + " " + success);
  }

  @Override
  public void onOffloadDeduplicated(String key) {
    add("offload-deduplicated " + key);
  }

  @Override
  public void onOffloadRejected(String key) {
    add("offload-rejected " + key);
  }

  @Override
  public void onOffloadTimedOut(String key, TimeoutPolicy policy) {
    add("offload-timed-out " + key + " " + policy);
  }
}
