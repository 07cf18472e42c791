package dev.hitbox.dynamodb;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Sends calls one by one while fewer than {@code threshold} are in flight, and otherwise queues
 * them; whenever a request completes, the queued calls go out together in one batch request (at
 * most {@code maxBatch}). So a lightly loaded backend pays no added latency, and under a burst the
 * number of requests drops by up to the batch size. No timers: a queued call waits only for a
 * request in flight to complete, which its own timeout bounds. Thread-safe.
 *
 * @param <C> a queued call, which carries its own future
 */
abstract class AutoBatch<C> {
  private final int threshold;
  private final int maxBatch;
  private final ArrayDeque<C> queue = new ArrayDeque<>();
  private int inFlight;

  AutoBatch(int threshold, int maxBatch) {
    this.threshold = threshold;
    this.maxBatch = maxBatch;
  }

  /** Sends one call on its own; completes the call's future. */
  abstract CompletionStage<?> sendOne(C call);

  /** Sends calls in one batch request (2 or more); completes every call's future. */
  abstract CompletionStage<?> sendBatch(List<C> calls);

  /** Fails a call that could not be sent. */
  abstract void fail(C call, Throwable error);

  final void submit(C call) {
    synchronized (this) {
      if (inFlight >= threshold) {
        queue.add(call);
        return;
      }
      inFlight++;
    }
    send(List.of(call));
  }

  private void send(List<C> calls) {
    CompletionStage<?> request;
    try {
      request = calls.size() == 1 ? sendOne(calls.get(0)) : sendBatch(calls);
    } catch (RuntimeException e) {
      for (C c : calls) {
        fail(c, e);
      }
      request = CompletableFuture.completedFuture(null);
    }
    request.whenComplete((v, e) -> next());
  }

  /** A request completed: its slot goes to the queued calls, if any. */
  private void next() {
    List<C> batch;
    synchronized (this) {
      if (queue.isEmpty()) {
        inFlight--;
        return;
      }
      batch = new ArrayList<>(Math.min(maxBatch, queue.size()));
      while (batch.size() < maxBatch && !queue.isEmpty()) {
        batch.add(queue.poll());
      }
    }
    send(batch);
  }
}
