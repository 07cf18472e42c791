package dev.hitbox.core.internal;

import dev.hitbox.core.CacheEndpoint;
import dev.hitbox.core.CacheException;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CacheListener;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.CacheResult;
import dev.hitbox.core.CacheStatus;
import dev.hitbox.core.CacheValue;
import dev.hitbox.core.CachedUpstream;
import dev.hitbox.core.KeyPart;
import dev.hitbox.core.Lifetime;
import dev.hitbox.core.OffloadManager;
import dev.hitbox.core.StalePolicy;
import dev.hitbox.core.Ticker;
import dev.hitbox.core.Upstream;
import dev.hitbox.core.internal.State.AwaitResponse;
import dev.hitbox.core.internal.State.CheckRequestCachePolicy;
import dev.hitbox.core.internal.State.CheckResponseCachePolicy;
import dev.hitbox.core.internal.State.HandleStale;
import dev.hitbox.core.internal.State.Initial;
import dev.hitbox.core.internal.State.PollCache;
import dev.hitbox.core.internal.State.PollUpstream;
import dev.hitbox.core.internal.State.Respond;
import dev.hitbox.core.internal.State.UpdateCache;
import dev.hitbox.core.spi.Admission;
import dev.hitbox.core.spi.CachePredicate;
import dev.hitbox.core.spi.ConcurrencyManager;
import dev.hitbox.core.spi.KeyExtractor;
import dev.hitbox.core.spi.PatternInvalidator;
import dev.hitbox.core.spi.Revalidator;
import dev.hitbox.core.spi.TagInvalidator;
import dev.hitbox.core.spi.WaitOutcome;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The cache state machine around one upstream. {@link #transition} is the one function that moves a
 * request from {@link State state} to state; {@link #drive} runs it, synchronously while the steps
 * complete at once (a hit on an in-memory backend never leaves the caller's thread) and
 * asynchronously otherwise.
 *
 * @param <Req> the request type
 * @param <Res> the response type
 */
public final class CacheEngine<Req, Res> implements CachedUpstream<Req, Res> {
  private final CacheEndpoint<Req, Res> endpoint;
  private final Upstream<Req, Res> upstream;
  private final String namespace;
  private final CachePolicy policy;
  private final long ttlMillis;
  private final long staleMillis;
  private final int concurrency;
  private final BackendStore<Res> store;
  private final CachePredicate<? super Req> requestPredicate;
  private final CachePredicate<? super Res> responsePredicate;
  private final KeyExtractor<? super Req> extractor;
  private final BiFunction<CacheKey, Res, Set<String>> tagger;
  private final Function<? super Res, @Nullable Lifetime> lifetime;
  private final BiPredicate<? super Req, ? super Res> reuseIf;
  private final @Nullable Revalidator<Req, Res> revalidator;
  private final CacheListener listener;
  private final Ticker ticker;
  private final OffloadManager offload;
  private final ConcurrencyManager concurrencyManager;
  private final long dogpileTimeoutNanos;
  private final int keyVersion;
  // A clock read or a state name costs as much as a whole in-memory lookup: only for listeners
  // that want them (CacheListener.NONE wants neither).
  private final boolean reportsTransitions;
  private final boolean reportsResponses;

  /** Wraps {@code upstream} with {@code endpoint}'s cache. */
  public CacheEngine(CacheEndpoint<Req, Res> endpoint, Upstream<Req, Res> upstream) {
    this.endpoint = endpoint;
    this.upstream = Objects.requireNonNull(upstream, "upstream");
    this.namespace = endpoint.name();
    this.policy = endpoint.policy();
    this.ttlMillis = policy.ttl().toMillis();
    this.staleMillis = policy.stale().toMillis();
    this.concurrency = policy.concurrency().orElse(0);
    this.listener = endpoint.listener();
    this.ticker = endpoint.ticker();
    this.store =
        new BackendStore<>(
            endpoint.backend(),
            endpoint.codec(),
            endpoint.compressor(),
            endpoint.compressionThreshold(),
            endpoint.backendTimeout().toNanos(),
            listener,
            ticker);
    this.requestPredicate = endpoint.requestPredicate();
    this.responsePredicate = endpoint.responsePredicate();
    this.extractor = endpoint.extractor();
    this.tagger = endpoint.tagger();
    this.lifetime = endpoint.lifetime();
    this.reuseIf = endpoint.reuseIf();
    this.revalidator = endpoint.revalidator().orElse(null);
    this.offload = endpoint.offloadManager();
    this.concurrencyManager = endpoint.concurrencyManager();
    this.dogpileTimeoutNanos = endpoint.dogpileTimeout().toNanos();
    this.keyVersion = endpoint.keyVersion();
    this.reportsTransitions =
        BackendStore.overrides(listener, "onTransition", String.class, String.class, String.class);
    this.reportsResponses =
        BackendStore.overrides(listener, "onResponse", String.class, CacheStatus.class, long.class);
  }

  @Override
  public CacheEndpoint<Req, Res> endpoint() {
    return endpoint;
  }

  @Override
  public CompletableFuture<CacheResult<Res>> exchange(Req request) {
    Objects.requireNonNull(request, "request");
    Flow<Res> flow = new Flow<>(reportsResponses ? ticker.nanoTime() : 0, false);
    drive(new Initial<>(request), flow);
    return flow.out;
  }

  @Override
  public CompletableFuture<CacheKey> keyOf(Req request) {
    return extractor.extract(request).thenApply(this::key).toCompletableFuture();
  }

  /** Reads the entry for {@code key}, if any (whatever its freshness). */
  public CompletableFuture<@Nullable CacheValue<Res>> peek(CacheKey key) {
    return store.read(key).toCompletableFuture();
  }

  /** Writes {@code value} under {@code key} with the policy's timestamps. */
  public CompletableFuture<Void> put(CacheKey key, Res value, Set<String> extraTags) {
    CacheValue<Res> v = newValue(key, value, extraTags);
    if (v == null) {
      return CompletableFuture.completedFuture(null);
    }
    return store.write(key, v).toCompletableFuture();
  }

  @Override
  public CompletableFuture<Boolean> invalidateKey(CacheKey key) {
    return store.remove(key).toCompletableFuture();
  }

  @Override
  public CompletableFuture<Long> invalidatePattern(String pattern) {
    Objects.requireNonNull(pattern, "pattern");
    if (!(store.backend() instanceof PatternInvalidator p)) {
      return CompletableFuture.failedFuture(
          new CacheException(
              "backend " + store.backend().name() + " does not support pattern invalidation"));
    }
    return p.invalidatePattern(namespace, pattern).toCompletableFuture();
  }

  @Override
  public CompletableFuture<Long> invalidateTag(String tag) {
    Objects.requireNonNull(tag, "tag");
    if (!(store.backend() instanceof TagInvalidator t)) {
      return CompletableFuture.failedFuture(
          new CacheException(
              "backend " + store.backend().name() + " does not support tag invalidation"));
    }
    return t.invalidateTag(tag).toCompletableFuture();
  }

  // ---------------------------------------------------------------- driver

  /** Per-request bookkeeping: the caller's future and when the request started. */
  private static final class Flow<Res> {
    final CompletableFuture<CacheResult<Res>> out = new CompletableFuture<>();
    final long startNanos;
    final boolean background;

    Flow(long startNanos, boolean background) {
      this.startNanos = startNanos;
      this.background = background;
    }
  }

  private void drive(State<Req, Res> initial, Flow<Res> flow) {
    State<Req, Res> state = initial;
    while (true) {
      if (state instanceof Respond<Req, Res> r) {
        respond(r, flow);
        return;
      }
      CompletableFuture<State<Req, Res>> next;
      try {
        next = transition(state).toCompletableFuture();
      } catch (RuntimeException e) {
        next = CompletableFuture.failedFuture(e);
      }
      if (next.isDone()) {
        state = settle(state, next);
        continue;
      }
      State<Req, Res> from = state;
      CompletableFuture<State<Req, Res>> pending = next;
      pending.whenComplete((s, e) -> drive(settle(from, pending), flow));
      return;
    }
  }

  /**
   * Takes the next state from a completed transition. Transitions are written never to fail; if one
   * does anyway (a bug), the request is answered with that failure rather than hanging.
   */
  private State<Req, Res> settle(State<Req, Res> from, CompletableFuture<State<Req, Res>> next) {
    State<Req, Res> to;
    try {
      to = next.join();
    } catch (RuntimeException e) {
      to = new Respond<>(null, Futures.unwrap(e), null);
    }
    if (reportsTransitions) {
      State<Req, Res> t = to;
      Events.safely(() -> listener.onTransition(namespace, name(from), name(t)));
    }
    return to;
  }

  private static String name(State<?, ?> s) {
    return s.getClass().getSimpleName();
  }

  private void respond(Respond<Req, Res> r, Flow<Res> flow) {
    CacheResult<Res> result = r.result();
    if (result != null) {
      flow.out.complete(result);
      if (!flow.background && reportsResponses) {
        long latency = ticker.nanoTime() - flow.startNanos;
        Events.safely(() -> listener.onResponse(namespace, result.status(), latency));
      }
    } else {
      flow.out.completeExceptionally(Objects.requireNonNull(r.error()));
    }
    Runnable after = r.after();
    if (after != null) {
      after.run();
    }
  }

  // ---------------------------------------------------------------- transitions

  /** The transition function: one step of the state machine. */
  CompletionStage<State<Req, Res>> transition(State<Req, Res> state) {
    if (state instanceof Initial<Req, Res> s) {
      return now(new CheckRequestCachePolicy<>(s.request()));
    }
    if (state instanceof CheckRequestCachePolicy<Req, Res> s) {
      return checkRequest(s.request());
    }
    if (state instanceof PollCache<Req, Res> s) {
      return pollCache(s);
    }
    if (state instanceof HandleStale<Req, Res> s) {
      return handleStale(s);
    }
    if (state instanceof AwaitResponse<Req, Res> s) {
      return awaitResponse(s);
    }
    if (state instanceof PollUpstream<Req, Res> s) {
      return pollUpstream(s);
    }
    if (state instanceof CheckResponseCachePolicy<Req, Res> s) {
      return checkResponse(s);
    }
    if (state instanceof UpdateCache<Req, Res> s) {
      return now(updateCache(s));
    }
    throw new IllegalStateException("no transition from " + state);
  }

  private static <T> CompletionStage<T> now(T value) {
    return CompletableFuture.completedFuture(value);
  }

  private CompletionStage<State<Req, Res>> checkRequest(Req request) {
    if (!policy.enabled()) {
      return bypass(request);
    }
    CompletionStage<Boolean> ok;
    try {
      ok = requestPredicate.test(request);
    } catch (RuntimeException e) {
      return userCodeFailed(request, e);
    }
    return ok.thenCompose(
            cacheable -> {
              if (!Boolean.TRUE.equals(cacheable)) {
                return bypass(request);
              }
              return extractor
                  .extract(request)
                  .thenApply(
                      parts -> (State<Req, Res>) new PollCache<Req, Res>(request, key(parts)));
            })
        .exceptionallyCompose(e -> userCodeFailed(request, Futures.unwrap(e)));
  }

  private CacheKey key(List<KeyPart> parts) {
    return CacheKey.of(namespace, keyVersion, parts);
  }

  private CompletionStage<State<Req, Res>> bypass(Req request) {
    Events.safely(() -> listener.onBypass(namespace));
    return now(new PollUpstream<>(request, null, null, null));
  }

  private CompletionStage<State<Req, Res>> userCodeFailed(Req request, Throwable e) {
    Events.safely(() -> listener.onUserCodeError(namespace, e));
    return bypass(request);
  }

  private CompletionStage<State<Req, Res>> pollCache(PollCache<Req, Res> s) {
    return store.read(s.key()).thenApply(value -> afterPoll(s, value));
  }

  private State<Req, Res> afterPoll(PollCache<Req, Res> s, @Nullable CacheValue<Res> value) {
    if (value != null && reusable(s.request(), value.value())) {
      long now = ticker.currentTimeMillis();
      switch (value.freshness(now)) {
        case FRESH:
          Events.safely(() -> listener.onHit(s.key()));
          return new Respond<>(
              CacheResult.of(value.value(), CacheStatus.HIT, age(value, now)), null, null);
        case STALE:
          Events.safely(() -> listener.onStale(s.key()));
          return new HandleStale<>(s.request(), s.key(), value);
        default:
          break;
      }
    }
    Events.safely(() -> listener.onMiss(s.key()));
    return miss(s.request(), s.key(), null);
  }

  private boolean reusable(Req request, Res stored) {
    try {
      return reuseIf.test(request, stored);
    } catch (RuntimeException e) {
      Events.safely(() -> listener.onUserCodeError(namespace, e));
      return false;
    }
  }

  private static long age(CacheValue<?> value, long now) {
    return Math.max(0, now - value.createdAt());
  }

  private State<Req, Res> miss(Req request, CacheKey key, @Nullable CacheValue<Res> stale) {
    if (concurrency > 0) {
      return new AwaitResponse<>(request, key, stale, Long.MIN_VALUE);
    }
    return new PollUpstream<>(request, key, null, stale);
  }

  private CompletionStage<State<Req, Res>> handleStale(HandleStale<Req, Res> s) {
    CacheValue<Res> stale = s.stale();
    StalePolicy stalePolicy = policy.stalePolicy();
    if (stalePolicy == StalePolicy.REVALIDATE) {
      return now(miss(s.request(), s.key(), stale));
    }
    if (stalePolicy == StalePolicy.OFFLOAD_REVALIDATE) {
      offload.spawn(s.key().toString(), () -> revalidate(s.request(), s.key(), stale));
    }
    long now = ticker.currentTimeMillis();
    return now(
        new Respond<>(
            CacheResult.of(stale.value(), CacheStatus.STALE, age(stale, now)), null, null));
  }

  /** Background refresh: upstream, response policy, cache write; nobody waits for the answer. */
  private CompletionStage<?> revalidate(Req request, CacheKey key, CacheValue<Res> stale) {
    Flow<Res> flow = new Flow<>(ticker.nanoTime(), true);
    drive(new PollUpstream<>(request, key, null, stale), flow);
    return flow.out;
  }

  private CompletionStage<State<Req, Res>> awaitResponse(AwaitResponse<Req, Res> s) {
    return concurrencyManager
        .<Res>admit(s.key(), concurrency)
        .thenCompose(
            admission -> {
              if (admission.leader()) {
                return now(
                    (State<Req, Res>)
                        new PollUpstream<>(s.request(), s.key(), admission, s.stale()));
              }
              return await(s, admission);
            })
        .exceptionally(
            e -> {
              // A broken concurrency manager must not fail the request: go upstream alone.
              Events.safely(() -> listener.onUserCodeError(namespace, Futures.unwrap(e)));
              return new PollUpstream<>(s.request(), s.key(), null, s.stale());
            });
  }

  private CompletionStage<State<Req, Res>> await(
      AwaitResponse<Req, Res> s, Admission<Res> admission) {
    long deadline =
        s.deadlineNanos() == Long.MIN_VALUE
            ? ticker.nanoTime() + dogpileTimeoutNanos
            : s.deadlineNanos();
    long remaining = deadline - ticker.nanoTime();
    if (s.deadlineNanos() == Long.MIN_VALUE) {
      Events.safely(() -> listener.onDogpileWait(s.key()));
    }
    if (remaining <= 0) {
      return timedOutWaiting(s);
    }
    return admission
        .outcome()
        .toCompletableFuture()
        .orTimeout(remaining, TimeUnit.NANOSECONDS)
        .handle(
            (outcome, e) -> {
              if (e != null) {
                Throwable cause = Futures.unwrap(e);
                if (cause instanceof TimeoutException) {
                  Events.safely(() -> listener.onDogpileTimeout(s.key()));
                }
                return new PollUpstream<>(s.request(), s.key(), null, s.stale());
              }
              if (outcome.kind() == WaitOutcome.Kind.VALUE) {
                CacheValue<Res> v = outcome.value();
                if (!reusable(s.request(), v.value())) {
                  // the leader's answer is another variant (e.g. another Vary value)
                  return new PollUpstream<>(s.request(), s.key(), null, s.stale());
                }
                long now = ticker.currentTimeMillis();
                return new Respond<>(
                    CacheResult.of(v.value(), CacheStatus.HIT, age(v, now)), null, null);
              }
              if (outcome.kind() == WaitOutcome.Kind.RETRY) {
                return new AwaitResponse<>(s.request(), s.key(), s.stale(), deadline);
              }
              if (outcome.kind() == WaitOutcome.Kind.STORED) {
                return new PollCache<>(s.request(), s.key());
              }
              return new PollUpstream<>(s.request(), s.key(), null, s.stale());
            });
  }

  private CompletionStage<State<Req, Res>> timedOutWaiting(AwaitResponse<Req, Res> s) {
    Events.safely(() -> listener.onDogpileTimeout(s.key()));
    return now(new PollUpstream<>(s.request(), s.key(), null, s.stale()));
  }

  private CompletionStage<State<Req, Res>> pollUpstream(PollUpstream<Req, Res> s) {
    long start = ticker.nanoTime();
    CacheValue<Res> stale = s.stale();
    Revalidator<Req, Res> rv = s.key() != null && stale != null ? revalidator : null;
    Req sent = s.request();
    if (rv != null) {
      try {
        sent = Objects.requireNonNull(rv.conditional(s.request(), stale.value()), "conditional");
      } catch (RuntimeException e) {
        Events.safely(() -> listener.onUserCodeError(namespace, e));
        rv = null;
      }
    }
    Revalidator<Req, Res> revalidating = rv;
    CompletionStage<Res> call;
    try {
      call = upstream.call(sent);
      if (call == null) {
        call = CompletableFuture.failedFuture(new NullPointerException("upstream returned null"));
      }
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    return call.handle(
        (response, e) -> {
          long elapsed = ticker.nanoTime() - start;
          boolean ok = e == null && response != null;
          Events.safely(() -> listener.onUpstream(namespace, elapsed, ok));
          Admission<Res> admission = s.admission();
          if (!ok) {
            if (admission != null) {
              admission.fail();
            }
            Throwable error =
                e == null
                    ? new NullPointerException("upstream completed with null")
                    : Futures.unwrap(e);
            return new Respond<>(null, error, null);
          }
          CacheKey key = s.key();
          if (key == null) {
            return new Respond<>(CacheResult.of(response, CacheStatus.BYPASS, 0), null, null);
          }
          Res answer = response;
          if (revalidating != null) {
            try {
              Res merged =
                  revalidating.notModified(Objects.requireNonNull(stale).value(), response);
              if (merged != null) {
                answer = merged;
              }
            } catch (RuntimeException err) {
              Events.safely(() -> listener.onUserCodeError(namespace, err));
            }
          }
          return new CheckResponseCachePolicy<>(s.request(), key, answer, admission);
        });
  }

  private CompletionStage<State<Req, Res>> checkResponse(CheckResponseCachePolicy<Req, Res> s) {
    CompletionStage<Boolean> ok;
    try {
      ok = responsePredicate.test(s.response());
    } catch (RuntimeException e) {
      ok = CompletableFuture.failedFuture(e);
    }
    return ok.handle(
        (cacheable, e) -> {
          if (e != null) {
            Events.safely(() -> listener.onUserCodeError(namespace, Futures.unwrap(e)));
          }
          if (e == null && Boolean.TRUE.equals(cacheable)) {
            return new UpdateCache<>(s.request(), s.key(), s.response(), s.admission());
          }
          Events.safely(() -> listener.onResponseNotCacheable(s.key()));
          Admission<Res> admission = s.admission();
          if (admission != null) {
            admission.notShareable();
          }
          return new Respond<>(CacheResult.of(s.response(), CacheStatus.MISS, 0), null, null);
        });
  }

  private State<Req, Res> updateCache(UpdateCache<Req, Res> s) {
    CacheValue<Res> value;
    try {
      value = newValue(s.key(), s.response(), Set.of());
      if (value == null) {
        // a zero lifetime: answer, but store and share nothing
        Events.safely(() -> listener.onResponseNotCacheable(s.key()));
        Admission<Res> admission = s.admission();
        if (admission != null) {
          admission.notShareable();
        }
        return new Respond<>(CacheResult.of(s.response(), CacheStatus.MISS, 0), null, null);
      }
    } catch (RuntimeException e) {
      Events.safely(() -> listener.onUserCodeError(namespace, e));
      Admission<Res> admission = s.admission();
      if (admission != null) {
        admission.notShareable();
      }
      return new Respond<>(CacheResult.of(s.response(), CacheStatus.MISS, 0), null, null);
    }
    CompletableFuture<Void> written = new CompletableFuture<>();
    Admission<Res> admission = s.admission();
    if (admission != null) {
      admission.succeed(value, written);
    }
    Runnable write =
        () -> store.write(s.key(), value).whenComplete((v, e) -> written.complete(null));
    return new Respond<>(CacheResult.of(s.response(), CacheStatus.MISS, 0), null, write);
  }

  /** A value stamped with its lifetime, or {@code null} when its lifetime is zero. */
  private @Nullable CacheValue<Res> newValue(CacheKey key, Res response, Set<String> extraTags) {
    long ttl = ttlMillis;
    long staleFor = staleMillis;
    Lifetime own = lifetime.apply(response);
    if (own != null) {
      if (own.isZero()) {
        return null;
      }
      ttl = own.ttl().toMillis();
      staleFor = own.stale().toMillis();
    }
    long now = ticker.currentTimeMillis();
    long staleAt = saturatedAdd(now, ttl);
    long expireAt = saturatedAdd(staleAt, staleFor);
    Set<String> tags = tagger.apply(key, response);
    if (!extraTags.isEmpty()) {
      Set<String> all = new java.util.HashSet<>(tags);
      all.addAll(extraTags);
      tags = all;
    }
    return CacheValue.of(response, now, staleAt, expireAt, tags);
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }

  @Override
  public String toString() {
    return "CachedUpstream{"
        + namespace
        + ", "
        + policy
        + ", backend="
        + store.backend().name()
        + '}';
  }
}
