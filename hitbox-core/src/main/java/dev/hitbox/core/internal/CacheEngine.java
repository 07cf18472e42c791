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
import dev.hitbox.core.internal.Step.Pending;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Predicate;
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
  // stale-if-error: entries are kept this much past their stale window, for failed upstream calls
  private final long graceMillis;
  // early refresh: delta * beta in milliseconds (0 when off), and the distance from staleAt beyond
  // which even the smallest random number cannot trigger a refresh
  private final double earlyScaleMillis;
  private final long earlyHorizonMillis;
  private final int concurrency;
  private final BackendStore<Res> store;
  private final CachePredicate<? super Req> requestPredicate;
  private final CachePredicate<? super Res> responsePredicate;
  private final KeyExtractor<? super Req> extractor;
  private final BiFunction<CacheKey, Res, Set<String>> tagger;
  private final Function<? super Res, @Nullable Lifetime> lifetime;
  private final BiPredicate<? super Req, ? super Res> reuseIf;
  private final @Nullable Revalidator<Req, Res> revalidator;
  private final Predicate<? super Res> failureIf;
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
  private final boolean reportsHits;
  // the default predicate accepts everything: skipped, not called
  private final boolean checksRequests;

  /** Wraps {@code upstream} with {@code endpoint}'s cache. */
  public CacheEngine(CacheEndpoint<Req, Res> endpoint, Upstream<Req, Res> upstream) {
    this.endpoint = endpoint;
    this.upstream = Objects.requireNonNull(upstream, "upstream");
    this.namespace = endpoint.name();
    this.policy = endpoint.policy();
    this.ttlMillis = policy.ttl().toMillis();
    this.staleMillis = policy.stale().toMillis();
    this.graceMillis = policy.staleIfError().toMillis();
    this.earlyScaleMillis = policy.earlyRefresh().toMillis() * policy.earlyRefreshBeta();
    // -ln(u) for u in (0, 1] drawn as 1 - nextDouble() is at most 53 ln 2 < 37
    this.earlyHorizonMillis = (long) Math.min(Long.MAX_VALUE / 2, Math.ceil(earlyScaleMillis * 37));
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
            ticker,
            endpoint.shareDecodedValues() || endpoint.codec().immutableValues());
    this.requestPredicate = endpoint.requestPredicate();
    this.responsePredicate = endpoint.responsePredicate();
    this.extractor = endpoint.extractor();
    this.tagger = endpoint.tagger();
    this.lifetime = endpoint.lifetime();
    this.reuseIf = endpoint.reuseIf();
    this.revalidator = endpoint.revalidator().orElse(null);
    this.failureIf = endpoint.failureIf();
    this.offload = endpoint.offloadManager();
    this.concurrencyManager = endpoint.concurrencyManager();
    this.dogpileTimeoutNanos = endpoint.dogpileTimeout().toNanos();
    this.keyVersion = endpoint.keyVersion();
    this.reportsTransitions =
        BackendStore.overrides(listener, "onTransition", String.class, String.class, String.class);
    this.reportsResponses =
        BackendStore.overrides(listener, "onResponse", String.class, CacheStatus.class, long.class)
            || BackendStore.overrides(
                listener, "onResponseError", String.class, Throwable.class, long.class);
    this.reportsHits = BackendStore.overrides(listener, "onHit", CacheKey.class);
    this.checksRequests = (Object) requestPredicate != CachePredicate.always();
  }

  @Override
  public CacheEndpoint<Req, Res> endpoint() {
    return endpoint;
  }

  @Override
  public CompletableFuture<CacheResult<Res>> exchange(Req request) {
    return start(request, false);
  }

  /** Like {@link #exchange}, without building a {@link CacheResult} the caller would unwrap. */
  @Override
  public CompletableFuture<Res> call(Req request) {
    return start(request, true);
  }

  @SuppressWarnings("unchecked")
  private <T> CompletableFuture<T> start(Req request, boolean valueOnly) {
    Objects.requireNonNull(request, "request");
    Flow flow = new Flow(reportsResponses ? ticker.nanoTime() : 0, false, valueOnly);
    drive(new Initial<>(request), flow);
    return (CompletableFuture<T>) (CompletableFuture<?>) flow;
  }

  @Override
  public CompletableFuture<CacheKey> keyOf(Req request) {
    return extractor.extract(request).thenApply(this::key).toCompletableFuture();
  }

  /** Reads the entry for {@code key}, if any (whatever its freshness). */
  public CompletableFuture<@Nullable CacheValue<Res>> peek(CacheKey key) {
    return store.read(key).toCompletableFuture();
  }

  /**
   * Whether a stored entry may answer a request at {@code nowMillis} without the upstream (fresh or
   * within its stale window; not in the extra time {@code staleIfError} keeps it for).
   */
  public boolean servable(CacheValue<?> value, long nowMillis) {
    return nowMillis < servableUntil(value);
  }

  private long servableUntil(CacheValue<?> value) {
    return Math.max(value.staleAt(), value.expireAt() - graceMillis);
  }

  /** Writes {@code value} under {@code key} with the policy's timestamps. */
  public CompletableFuture<Void> put(CacheKey key, Res value, Set<String> extraTags) {
    CacheValue<Res> v = newValue(key, value, extraTags);
    if (v == null) {
      return CompletableFuture.completedFuture(null);
    }
    Events.safely(() -> listener.onPut(key));
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

  /**
   * Per-request bookkeeping, and the caller's future itself (one object, not two): completed with
   * the {@link CacheResult}, or with just the value when the caller asked for the value only.
   */
  private static final class Flow extends CompletableFuture<Object> {
    final long startNanos;
    final boolean background;
    final boolean valueOnly;

    Flow(long startNanos, boolean background, boolean valueOnly) {
      this.startNanos = startNanos;
      this.background = background;
      this.valueOnly = valueOnly;
    }
  }

  private void drive(State<Req, Res> initial, Flow flow) {
    State<Req, Res> state = initial;
    while (true) {
      if (state instanceof Respond<Req, Res> r) {
        respond(r, flow);
        return;
      }
      Step<Req, Res> step;
      try {
        step = transition(state);
      } catch (RuntimeException e) {
        step = Respond.failure(e);
      }
      if (step instanceof State<Req, Res> next) {
        reportTransition(state, next);
        state = next;
        continue;
      }
      CompletableFuture<State<Req, Res>> pending = ((Pending<Req, Res>) step).next();
      if (pending.isDone()) {
        state = settle(state, pending);
        continue;
      }
      State<Req, Res> from = state;
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
      to = Respond.failure(Futures.unwrap(e));
    }
    reportTransition(from, to);
    return to;
  }

  private void reportTransition(State<Req, Res> from, State<Req, Res> to) {
    if (reportsTransitions) {
      Events.safely(() -> listener.onTransition(namespace, name(from), name(to)));
    }
  }

  private static String name(State<?, ?> s) {
    return s.getClass().getSimpleName();
  }

  private void respond(Respond<Req, Res> r, Flow flow) {
    Res value = r.value();
    CacheStatus status = r.status();
    if (value != null && status != null) {
      if (flow.valueOnly) {
        flow.complete(value);
      } else {
        flow.complete(
            r.staleIfError()
                ? CacheResult.staleIfError(value, r.ageMillis())
                : CacheResult.of(value, status, r.ageMillis()));
      }
      if (!flow.background && reportsResponses) {
        long latency = ticker.nanoTime() - flow.startNanos;
        Events.safely(() -> listener.onResponse(namespace, status, latency));
      }
    } else {
      Throwable error = Objects.requireNonNull(r.error());
      flow.completeExceptionally(error);
      if (!flow.background && reportsResponses) {
        long latency = ticker.nanoTime() - flow.startNanos;
        Events.safely(() -> listener.onResponseError(namespace, error, latency));
      }
    }
    Runnable after = r.after();
    if (after != null) {
      after.run();
    }
  }

  // ---------------------------------------------------------------- transitions

  /**
   * The transition function: one step of the state machine, the next state itself when the step
   * completed at once.
   */
  Step<Req, Res> transition(State<Req, Res> state) {
    if (state instanceof Initial<Req, Res> s) {
      return new CheckRequestCachePolicy<>(s.request());
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
      return updateCache(s);
    }
    throw new IllegalStateException("no transition from " + state);
  }

  private static <Req, Res> Step<Req, Res> later(CompletionStage<State<Req, Res>> next) {
    return new Pending<>(next.toCompletableFuture());
  }

  private Step<Req, Res> checkRequest(Req request) {
    if (!policy.enabled()) {
      return bypass(request);
    }
    if (!checksRequests) {
      return extractKey(request);
    }
    CompletableFuture<Boolean> ok;
    try {
      ok = requestPredicate.test(request).toCompletableFuture();
    } catch (RuntimeException e) {
      return userCodeFailed(request, e);
    }
    if (ok.isDone() && !ok.isCompletedExceptionally()) {
      return Boolean.TRUE.equals(ok.join()) ? extractKey(request) : bypass(request);
    }
    return later(
        ok.<Step<Req, Res>>handle(
                (cacheable, e) -> {
                  if (e != null) {
                    return userCodeFailed(request, Futures.unwrap(e));
                  }
                  if (!Boolean.TRUE.equals(cacheable)) {
                    return bypass(request);
                  }
                  return extractKey(request);
                })
            .thenCompose(CacheEngine::stage));
  }

  private static <Req, Res> CompletionStage<State<Req, Res>> stage(Step<Req, Res> step) {
    if (step instanceof State<Req, Res> s) {
      return CompletableFuture.completedFuture(s);
    }
    return ((Pending<Req, Res>) step).next();
  }

  private Step<Req, Res> extractKey(Req request) {
    CompletableFuture<List<KeyPart>> parts;
    try {
      parts = extractor.extract(request).toCompletableFuture();
    } catch (RuntimeException e) {
      return userCodeFailed(request, e);
    }
    if (parts.isDone() && !parts.isCompletedExceptionally()) {
      try {
        return new PollCache<>(request, key(parts.join()));
      } catch (RuntimeException e) {
        return userCodeFailed(request, e);
      }
    }
    return later(
        parts.<State<Req, Res>>handle(
            (p, e) -> {
              if (e != null) {
                return userCodeFailed(request, Futures.unwrap(e));
              }
              try {
                return new PollCache<>(request, key(p));
              } catch (RuntimeException err) {
                return userCodeFailed(request, err);
              }
            }));
  }

  private CacheKey key(List<KeyPart> parts) {
    return CacheKey.of(namespace, keyVersion, parts);
  }

  private State<Req, Res> bypass(Req request) {
    Events.safely(() -> listener.onBypass(namespace));
    return new PollUpstream<>(request, null, null, null, false);
  }

  private State<Req, Res> userCodeFailed(Req request, Throwable e) {
    Events.safely(() -> listener.onUserCodeError(namespace, e));
    return bypass(request);
  }

  private Step<Req, Res> pollCache(PollCache<Req, Res> s) {
    if (store.inProcess()) {
      return afterPoll(s, store.readNow(s.key()));
    }
    long start = store.readStart();
    CompletableFuture<byte @Nullable []> raw = store.readRaw(s.key());
    if (raw.isDone()) {
      return afterPoll(s, store.decode(s.key(), raw, start));
    }
    return later(raw.handle((b, e) -> afterPoll(s, store.decode(s.key(), raw, start))));
  }

  private State<Req, Res> afterPoll(PollCache<Req, Res> s, @Nullable CacheValue<Res> value) {
    if (value != null && reusable(s.request(), value.value())) {
      long now = ticker.currentTimeMillis();
      if (now < value.staleAt()) {
        if (reportsHits) {
          Events.safely(() -> listener.onHit(s.key()));
        }
        if (earlyScaleMillis > 0 && refreshEarly(value, now)) {
          refreshInBackground(s.request(), s.key(), value);
        }
        return Respond.answer(value.value(), CacheStatus.HIT, age(value, now));
      }
      if (now < servableUntil(value)) {
        Events.safely(() -> listener.onStale(s.key()));
        return new HandleStale<>(s.request(), s.key(), value);
      }
      if (now < value.expireAt()) {
        // kept only for stale-if-error: a miss, with the entry to fall back on
        Events.safely(() -> listener.onMiss(s.key()));
        return miss(s.request(), s.key(), value);
      }
    }
    Events.safely(() -> listener.onMiss(s.key()));
    return miss(s.request(), s.key(), null);
  }

  /**
   * Probabilistic early expiration (XFetch): true when {@code now - delta * beta * ln(u) >=
   * staleAt} for a uniform {@code u} in (0, 1].
   */
  private boolean refreshEarly(CacheValue<Res> value, long now) {
    long untilStale = value.staleAt() - now;
    if (untilStale > earlyHorizonMillis) {
      return false;
    }
    double u = 1.0 - ThreadLocalRandom.current().nextDouble();
    return -Math.log(u) * earlyScaleMillis >= untilStale;
  }

  private void refreshInBackground(Req request, CacheKey key, CacheValue<Res> current) {
    offload.spawn(
        key.toString(),
        () -> {
          Events.safely(() -> listener.onEarlyRefresh(key));
          return revalidate(request, key, current);
        });
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
    return new PollUpstream<>(request, key, null, stale, false);
  }

  private State<Req, Res> handleStale(HandleStale<Req, Res> s) {
    CacheValue<Res> stale = s.stale();
    StalePolicy stalePolicy = policy.stalePolicy();
    if (stalePolicy == StalePolicy.REVALIDATE) {
      return miss(s.request(), s.key(), stale);
    }
    if (stalePolicy == StalePolicy.OFFLOAD_REVALIDATE) {
      offload.spawn(s.key().toString(), () -> revalidate(s.request(), s.key(), stale));
    }
    long now = ticker.currentTimeMillis();
    return Respond.answer(stale.value(), CacheStatus.STALE, age(stale, now));
  }

  /** Background refresh: upstream, response policy, cache write; nobody waits for the answer. */
  private CompletionStage<?> revalidate(Req request, CacheKey key, CacheValue<Res> stale) {
    Flow flow = new Flow(ticker.nanoTime(), true, false);
    drive(new PollUpstream<>(request, key, null, stale, true), flow);
    return flow;
  }

  private Step<Req, Res> awaitResponse(AwaitResponse<Req, Res> s) {
    return later(
        concurrencyManager
            .<Res>admit(s.key(), concurrency)
            .thenCompose(
                admission -> {
                  if (admission.leader()) {
                    return CompletableFuture.completedFuture(
                        (State<Req, Res>)
                            new PollUpstream<>(s.request(), s.key(), admission, s.stale(), false));
                  }
                  return await(s, admission);
                })
            .exceptionally(
                e -> {
                  // A broken concurrency manager must not fail the request: go upstream alone.
                  Events.safely(() -> listener.onUserCodeError(namespace, Futures.unwrap(e)));
                  return new PollUpstream<>(s.request(), s.key(), null, s.stale(), false);
                }));
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
      return CompletableFuture.completedFuture(timedOutWaiting(s));
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
                return new PollUpstream<>(s.request(), s.key(), null, s.stale(), false);
              }
              if (outcome.kind() == WaitOutcome.Kind.VALUE) {
                CacheValue<Res> v = outcome.value();
                if (!reusable(s.request(), v.value())) {
                  // the leader's answer is another variant (e.g. another Vary value)
                  return new PollUpstream<>(s.request(), s.key(), null, s.stale(), false);
                }
                long now = ticker.currentTimeMillis();
                return Respond.answer(v.value(), CacheStatus.HIT, age(v, now));
              }
              if (outcome.kind() == WaitOutcome.Kind.RETRY) {
                return new AwaitResponse<>(s.request(), s.key(), s.stale(), deadline);
              }
              if (outcome.kind() == WaitOutcome.Kind.STORED) {
                return new PollCache<>(s.request(), s.key());
              }
              return new PollUpstream<>(s.request(), s.key(), null, s.stale(), false);
            });
  }

  private State<Req, Res> timedOutWaiting(AwaitResponse<Req, Res> s) {
    Events.safely(() -> listener.onDogpileTimeout(s.key()));
    return new PollUpstream<>(s.request(), s.key(), null, s.stale(), false);
  }

  private Step<Req, Res> pollUpstream(PollUpstream<Req, Res> s) {
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
    return later(
        call.handle(
            (response, e) -> {
              long elapsed = ticker.nanoTime() - start;
              boolean ok = e == null && response != null && !isFailure(response);
              Events.safely(() -> listener.onUpstream(namespace, elapsed, ok));
              Admission<Res> admission = s.admission();
              if (e != null || response == null) {
                if (admission != null) {
                  admission.fail();
                }
                Throwable error =
                    e == null
                        ? new NullPointerException("upstream completed with null")
                        : Futures.unwrap(e);
                State<Req, Res> fallback = staleIfError(s, error);
                return fallback != null ? fallback : Respond.<Req, Res>failure(error);
              }
              if (!ok) {
                // an answer the endpoint counts as a failure (an HTTP 503): the stored entry
                // answers if it may, the failure answer goes on as any answer otherwise
                State<Req, Res> fallback =
                    staleIfError(
                        s, new CacheException("the upstream answered a failure: " + response));
                if (fallback != null) {
                  if (admission != null) {
                    admission.fail();
                  }
                  return fallback;
                }
              }
              CacheKey key = s.key();
              if (key == null) {
                return Respond.answer(response, CacheStatus.BYPASS, 0);
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
            }));
  }

  /**
   * A failed upstream call (or a failure answer): the stored entry's answer while the entry is in
   * its stale window or within the {@code staleIfError} bound past it, {@code null} when there is
   * none to give.
   */
  private @Nullable State<Req, Res> staleIfError(PollUpstream<Req, Res> s, Throwable error) {
    CacheValue<Res> stale = s.stale();
    CacheKey key = s.key();
    if (stale != null && key != null && !s.background()) {
      long now = ticker.currentTimeMillis();
      if (now < stale.expireAt()) {
        Events.safely(() -> listener.onStaleIfError(key, error));
        return new Respond<>(stale.value(), CacheStatus.STALE, age(stale, now), true, null, null);
      }
    }
    return null;
  }

  private boolean isFailure(Res response) {
    try {
      return failureIf.test(response);
    } catch (RuntimeException e) {
      Events.safely(() -> listener.onUserCodeError(namespace, e));
      return false;
    }
  }

  private Step<Req, Res> checkResponse(CheckResponseCachePolicy<Req, Res> s) {
    CompletableFuture<Boolean> ok;
    try {
      ok = responsePredicate.test(s.response()).toCompletableFuture();
    } catch (RuntimeException e) {
      ok = CompletableFuture.failedFuture(e);
    }
    if (ok.isDone()) {
      Boolean cacheable = null;
      Throwable error = null;
      try {
        cacheable = ok.join();
      } catch (RuntimeException e) {
        error = e;
      }
      return afterCheckResponse(s, cacheable, error);
    }
    return later(ok.handle((cacheable, e) -> afterCheckResponse(s, cacheable, e)));
  }

  private State<Req, Res> afterCheckResponse(
      CheckResponseCachePolicy<Req, Res> s, @Nullable Boolean cacheable, @Nullable Throwable e) {
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
    return Respond.miss(s.response(), null);
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
        return Respond.miss(s.response(), null);
      }
    } catch (RuntimeException e) {
      Events.safely(() -> listener.onUserCodeError(namespace, e));
      Admission<Res> admission = s.admission();
      if (admission != null) {
        admission.notShareable();
      }
      return Respond.miss(s.response(), null);
    }
    Events.safely(() -> listener.onPut(s.key()));
    CompletableFuture<Void> written = new CompletableFuture<>();
    Admission<Res> admission = s.admission();
    if (admission != null) {
      admission.succeed(value, written);
    }
    Runnable write =
        () -> store.write(s.key(), value).whenComplete((v, e) -> written.complete(null));
    return Respond.miss(s.response(), write);
  }

  /**
   * A value stamped with its lifetime, or {@code null} when its lifetime is zero. Its {@code
   * expireAt} includes the {@code staleIfError} bound, so that the backend keeps it that long.
   */
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
    long expireAt = saturatedAdd(saturatedAdd(staleAt, staleFor), graceMillis);
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
