package dev.hitbox.testkit;

import static java.util.Objects.requireNonNull;

import dev.hitbox.core.Upstream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * An {@link Upstream} that counts its calls and answers with a function of the request. It can be
 * held: while held, calls stay pending until {@link #release()}, so tests can pile up concurrent
 * callers. It can also be told to fail. Thread-safe.
 *
 * @param <Req> the request type
 * @param <Res> the response type
 */
public final class CountingUpstream<Req, Res> implements Upstream<Req, Res> {
  private final Function<? super Req, ? extends Res> answer;
  private final AtomicInteger calls = new AtomicInteger();
  private final ConcurrentLinkedQueue<Runnable> pending = new ConcurrentLinkedQueue<>();
  private volatile boolean held;
  private volatile @Nullable RuntimeException failure;

  private CountingUpstream(Function<? super Req, ? extends Res> answer) {
    this.answer = answer;
  }

  /** An upstream answering {@code answer.apply(request)}. */
  public static <Req, Res> CountingUpstream<Req, Res> answering(
      Function<? super Req, ? extends Res> answer) {
    return new CountingUpstream<>(requireNonNull(answer, "answer"));
  }

  @Override
  public CompletionStage<Res> call(Req request) {
    int n = calls.incrementAndGet();
    CompletableFuture<Res> f = new CompletableFuture<>();
    Runnable complete =
        () -> {
          RuntimeException fail = failure;
          if (fail != null) {
            f.completeExceptionally(fail);
          } else {
            try {
              f.complete(answer.apply(request));
            } catch (RuntimeException e) {
              f.completeExceptionally(e);
            }
          }
        };
    if (held) {
      pending.add(complete);
      // a release() racing with this call must not leave it pending
      if (!held) {
        drain();
      }
    } else {
      complete.run();
    }
    return f;
  }

  /** The number of calls so far. */
  public int calls() {
    return calls.get();
  }

  /** The number of calls waiting for {@link #release()}. */
  public int pending() {
    return pending.size();
  }

  /** From now on, calls stay pending until {@link #release()}. */
  public CountingUpstream<Req, Res> hold() {
    held = true;
    return this;
  }

  /** Answers every pending call and stops holding. */
  public CountingUpstream<Req, Res> release() {
    held = false;
    drain();
    return this;
  }

  /** Answers the oldest pending call only, staying held. Returns whether there was one. */
  public boolean releaseOne() {
    Runnable r = pending.poll();
    if (r != null) {
      r.run();
    }
    return r != null;
  }

  /** From now on, calls fail with {@code failure} ({@code null} to answer again). */
  public CountingUpstream<Req, Res> failWith(@Nullable RuntimeException failure) {
    this.failure = failure;
    return this;
  }

  private void drain() {
    Runnable r;
    while ((r = pending.poll()) != null) {
      r.run();
    }
  }
}
