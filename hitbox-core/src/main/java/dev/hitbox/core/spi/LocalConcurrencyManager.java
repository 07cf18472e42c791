package dev.hitbox.core.spi;

import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CacheValue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * In-process dogpile prevention. A key in flight has a {@link Flight}: the number of leaders
 * upstream and one broadcast future that every waiter copies. All changes to a flight's leader
 * count happen inside {@link ConcurrentHashMap#compute}, under the map's lock for that key.
 */
final class LocalConcurrencyManager implements ConcurrencyManager {
  private final ConcurrentHashMap<CacheKey, Flight<?>> flights = new ConcurrentHashMap<>();

  @Override
  public <V> CompletionStage<Admission<V>> admit(CacheKey key, int concurrency) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency: " + concurrency + " (expected: >= 1)");
    }
    boolean[] lead = new boolean[1];
    @SuppressWarnings("unchecked")
    Flight<V> flight =
        (Flight<V>)
            flights.compute(
                key,
                (k, cur) -> {
                  if (cur == null) {
                    lead[0] = true;
                    Flight<V> f = new Flight<>();
                    f.leaders = 1;
                    return f;
                  }
                  if (!cur.broadcast.isDone() && cur.leaders < concurrency) {
                    cur.leaders++;
                    lead[0] = true;
                  }
                  return cur;
                });
    Admission<V> admission = lead[0] ? new Lead<>(key, flight) : new Wait<>(flight);
    return CompletableFuture.completedStage(admission);
  }

  /** How many keys are in flight; for tests. */
  int inFlight() {
    return flights.size();
  }

  private void leaderGone(CacheKey key, Flight<?> flight, WaitOutcome<?> whenLast) {
    boolean[] last = new boolean[1];
    flights.computeIfPresent(
        key,
        (k, cur) -> {
          if (cur != flight) {
            return cur;
          }
          if (--cur.leaders == 0) {
            last[0] = true;
            return null;
          }
          return cur;
        });
    if (last[0]) {
      flight.complete(whenLast);
    }
  }

  private static final class Flight<V> {
    final CompletableFuture<WaitOutcome<V>> broadcast = new CompletableFuture<>();
    int leaders;

    @SuppressWarnings("unchecked")
    void complete(WaitOutcome<?> outcome) {
      broadcast.complete((WaitOutcome<V>) outcome);
    }
  }

  private final class Lead<V> extends AtomicBoolean implements Admission<V> {
    private static final long serialVersionUID = 1L;
    private final transient CacheKey key;
    private final transient Flight<V> flight;

    Lead(CacheKey key, Flight<V> flight) {
      this.key = key;
      this.flight = flight;
    }

    @Override
    public boolean leader() {
      return true;
    }

    @Override
    public CompletionStage<WaitOutcome<V>> outcome() {
      throw new IllegalStateException("a leader has no outcome to wait for");
    }

    @Override
    public void succeed(CacheValue<V> value, CompletionStage<?> written) {
      if (compareAndSet(false, true)) {
        flight.complete(WaitOutcome.value(value));
        written.whenComplete((r, e) -> flights.remove(key, flight));
      }
    }

    @Override
    public void fail() {
      if (compareAndSet(false, true)) {
        leaderGone(key, flight, WaitOutcome.retry());
      }
    }

    @Override
    public void notShareable() {
      if (compareAndSet(false, true)) {
        leaderGone(key, flight, WaitOutcome.goUpstream());
      }
    }
  }

  private static final class Wait<V> implements Admission<V> {
    private final Flight<V> flight;

    Wait(Flight<V> flight) {
      this.flight = flight;
    }

    @Override
    public boolean leader() {
      return false;
    }

    @Override
    public CompletionStage<WaitOutcome<V>> outcome() {
      return flight.broadcast.copy();
    }

    @Override
    public void succeed(CacheValue<V> value, CompletionStage<?> written) {}

    @Override
    public void fail() {}

    @Override
    public void notShareable() {}
  }
}
