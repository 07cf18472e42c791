package dev.hitbox.servlet;

import dev.hitbox.core.CacheException;
import dev.hitbox.core.CacheResult;
import dev.hitbox.core.CachedUpstream;
import dev.hitbox.http.HttpCache;
import dev.hitbox.http.HttpRequest;
import dev.hitbox.http.HttpResponse;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One client request through the filter: asks the cache, runs the rest of the chain when the cache
 * calls its origin, and writes the answer.
 *
 * <p>A <em>pass</em> is a container thread inside {@code doFilter} for this request: the first
 * ({@code REQUEST}) dispatch, and each {@code ASYNC} dispatch. The application runs only in a pass.
 * When the cache calls the origin from another thread, the call is parked and the request is
 * dispatched again (or, without async support, the waiting pass thread is woken) to run it. Every
 * decision about who writes the answer is made under this object's lock; the writing itself is done
 * outside it by whoever decided.
 */
final class Exchange {
  private final HttpCache cache;
  private final HttpServletRequest request;
  private final HttpServletResponse response;
  private final Servlets.Converted converted;

  // Guarded by this.
  private @Nullable Thread passThread;
  private @Nullable FilterChain chain;
  private @Nullable Pending pending;
  private @Nullable Capture running;
  private @Nullable AsyncContext waiting;
  private @Nullable AsyncContext appContext;
  private @Nullable CompletableFuture<CacheResult<HttpResponse>> result;
  private boolean finished;
  private boolean passedThrough;
  private boolean containerFailure;

  /** An origin call waiting for a pass to run it. */
  private record Pending(HttpRequest request, CompletableFuture<HttpResponse> out) {}

  Exchange(
      HttpCache cache,
      HttpServletRequest request,
      HttpServletResponse response,
      Servlets.Converted converted) {
    this.cache = cache;
    this.request = request;
    this.response = response;
    this.converted = converted;
  }

  // ---------------------------------------------------------------- passes

  /** The {@code REQUEST} pass: asks the cache. */
  void start(FilterChain chain) throws IOException, ServletException {
    CachedUpstream<HttpRequest, HttpResponse> upstream = cache.wrap(this::origin);
    synchronized (this) {
      passThread = Thread.currentThread();
      this.chain = chain;
    }
    CompletableFuture<CacheResult<HttpResponse>> f;
    try {
      f = upstream.exchange(converted.request());
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    synchronized (this) {
      result = f;
    }
    f.whenComplete((r, e) -> onResult());
    afterPass();
  }

  /** An {@code ASYNC} pass: the application's own dispatch, or ours to run a parked origin call. */
  void asyncDispatch(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    Capture cap;
    synchronized (this) {
      passThread = Thread.currentThread();
      this.chain = chain;
      waiting = null;
      cap = running;
    }
    if (cap != null && cap.appAsync && !cap.done()) {
      // The application dispatched its async request: its chain writes on into the capture.
      runChain(
          cap,
          wraps(req, cap.request) ? req : cap.request,
          wraps(res, cap.response) ? res : cap.response,
          chain);
    }
    afterPass();
  }

  private static boolean wraps(ServletRequest r, ServletRequest target) {
    return r == target || (r instanceof ServletRequestWrapper w && w.isWrapperFor(target));
  }

  private static boolean wraps(ServletResponse r, ServletResponse target) {
    return r == target || (r instanceof ServletResponseWrapper w && w.isWrapperFor(target));
  }

  /**
   * The end of a pass: write the answer if it is there, run a parked origin call, or leave the
   * container thread (async) until one of them arrives.
   */
  private void afterPass() throws IOException, ServletException {
    while (true) {
      Pending p = null;
      boolean write = false;
      AsyncContext app = null;
      CompletableFuture<CacheResult<HttpResponse>> done = null;
      synchronized (this) {
        CompletableFuture<CacheResult<HttpResponse>> f = result;
        if (f != null && f.isDone()) {
          passThread = null;
          write = !finished;
          finished = true;
          failPending();
          app = appContext;
          appContext = null;
          done = f;
        }
        if (done == null) {
          p = pending;
          pending = null;
        }
        if (done == null && p == null) {
          Capture cap = running;
          if (cap != null && cap.appAsync && !cap.done()) {
            passThread = null; // the application's async processing ends the capture
            return;
          }
          if (request.isAsyncStarted()) {
            passThread = null; // the application's context, ended already: the answer ends it
            return;
          }
          if (request.isAsyncSupported()) {
            passThread = null;
            AsyncContext ctx = request.startAsync();
            ctx.setTimeout(cache.endpoint().dogpileTimeout().plusSeconds(30).toMillis());
            ctx.addListener(new WaitListener());
            waiting = ctx;
            return;
          }
          try {
            wait(); // no async support: this thread waits for the answer or a parked call
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished = true;
            passThread = null;
            throw new ServletException("interrupted while waiting for the cache", e);
          }
          continue;
        }
      }
      if (done != null) {
        if (write) {
          writeInPass(done, app);
        }
        return;
      }
      if (p != null) {
        runOrigin(p);
      }
    }
  }

  // ---------------------------------------------------------------- the origin

  /** The cache's upstream for this request: the rest of the filter chain. */
  private CompletableFuture<HttpResponse> origin(HttpRequest sent) {
    CompletableFuture<HttpResponse> out = new CompletableFuture<>();
    AsyncContext dispatch = null;
    boolean here = false;
    synchronized (this) {
      if (finished) {
        out.completeExceptionally(
            new CacheException(
                "the servlet request has its answer already; the application cannot be called"
                    + " for it any more (a background refresh needs a live request)"));
        return out;
      }
      if (pending != null || (running != null && !running.done())) {
        out.completeExceptionally(
            new IllegalStateException("the application is already running for this request"));
        return out;
      }
      if (passThread == Thread.currentThread()) {
        here = true;
      } else {
        pending = new Pending(sent, out);
        notifyAll();
        if (passThread == null && waiting != null) {
          dispatch = waiting;
          waiting = null;
        }
      }
    }
    if (here) {
      runOrigin(new Pending(sent, out));
    } else if (dispatch != null) {
      dispatch.dispatch();
    }
    return out;
  }

  /** Runs the rest of the chain for an origin call, in a pass. */
  private void runOrigin(Pending p) {
    Capture cap = new Capture(p.request(), p.out());
    FilterChain c;
    synchronized (this) {
      running = cap;
      c = chain;
    }
    if (c == null) {
      cap.fail(new IllegalStateException("no filter chain"));
      return;
    }
    runChain(cap, cap.request, cap.response, c);
  }

  /** Runs {@code chain} into the capture; ends the capture unless the application went async. */
  private void runChain(Capture cap, ServletRequest req, ServletResponse res, FilterChain chain) {
    cap.appAsync = false;
    try {
      chain.doFilter(req, res);
    } catch (IOException | ServletException | RuntimeException | Error e) {
      cap.fail(e);
      return;
    }
    if (!(cap.appAsync && request.isAsyncStarted())) {
      cap.finish();
    }
  }

  // ---------------------------------------------------------------- the answer

  private void onResult() {
    AsyncContext ctx;
    CompletableFuture<CacheResult<HttpResponse>> f;
    synchronized (this) {
      notifyAll();
      f = result;
      if (passThread != null || finished || f == null) {
        return; // a pass writes it, or it was written
      }
      finished = true;
      failPending();
      ctx = waiting != null ? waiting : appContext;
      waiting = null;
      appContext = null;
    }
    if (ctx == null) {
      return;
    }
    CacheResult<HttpResponse> r;
    try {
      r = f.join();
    } catch (CompletionException | java.util.concurrent.CancellationException e) {
      if (containerFailure) {
        return; // the container is handling the error of the application's async processing
      }
      try {
        if (!response.isCommitted()) {
          response.sendError(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
        }
      } catch (IOException | RuntimeException ignored) {
        // the client is gone
      }
      ctx.complete();
      return;
    }
    try {
      write(r.value());
    } catch (IOException | RuntimeException e) {
      // the client is gone; nothing more to do for it
    } finally {
      ctx.complete();
    }
  }

  /** Writes the answer on the pass thread; a failure of the application is rethrown there. */
  private void writeInPass(
      CompletableFuture<CacheResult<HttpResponse>> f, @Nullable AsyncContext app)
      throws IOException, ServletException {
    CacheResult<HttpResponse> r;
    try {
      r = f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServletException(e);
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    }
    try {
      write(r.value());
    } finally {
      if (app != null && request.isAsyncStarted()) {
        app.complete();
      }
    }
  }

  private static ServletException rethrow(@Nullable Throwable e) throws IOException {
    if (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof UncheckedIOException u) {
      throw u.getCause();
    }
    if (e instanceof IOException io) {
      throw io;
    }
    if (e instanceof ServletException se) {
      return se;
    }
    if (e instanceof RuntimeException re) {
      throw re;
    }
    if (e instanceof Error err) {
      throw err;
    }
    return new ServletException(e);
  }

  private void write(HttpResponse r) throws IOException {
    if (passedThrough) {
      return; // the application's response went to the client as it was produced
    }
    Servlets.write(r, response, "HEAD".equals(request.getMethod()));
  }

  private void failPending() {
    Pending p = pending;
    pending = null;
    if (p != null) {
      p.out().completeExceptionally(new CacheException("the servlet request has its answer"));
    }
  }

  // ---------------------------------------------------------------- callbacks of the wrappers

  /** The application started async processing through the capture's request. */
  synchronized void appStartedAsync(Capture cap, AsyncContext real) {
    cap.appAsync = true;
    appContext = real;
    real.addListener(new AppListener(cap));
  }

  /** The application called {@code complete()} on its async context. */
  void appComplete(Capture cap, AsyncContext real) {
    if (cap.done()) {
      real.complete(); // nothing of ours to write (a failed or a passed-through capture)
      return;
    }
    cap.finish(); // the answer is written, and the context completed, when the cache has it
  }

  /** The application's response is going to the client as it is produced. */
  synchronized void passedThrough() {
    passedThrough = true;
  }

  HttpServletRequest servletRequest() {
    return request;
  }

  HttpServletResponse servletResponse() {
    return response;
  }

  Servlets.Converted converted() {
    return converted;
  }

  long responseBodyLimit() {
    return cache.responseBodyLimit();
  }

  /** One run of the rest of the chain: its wrappers and the origin call it answers. */
  final class Capture {
    final CaptureRequest request;
    final CaptureResponse response;
    private final CompletableFuture<HttpResponse> out;
    private final AtomicBoolean done = new AtomicBoolean();
    volatile boolean appAsync;

    Capture(HttpRequest sent, CompletableFuture<HttpResponse> out) {
      this.out = out;
      this.response = new CaptureResponse(Exchange.this);
      this.request = new CaptureRequest(Exchange.this, this, sent);
    }

    boolean done() {
      return done.get();
    }

    /** The application's response is complete: hand it to the cache. */
    void finish() {
      if (done.compareAndSet(false, true)) {
        try {
          out.complete(response.toHttpResponse());
        } catch (IOException | RuntimeException e) {
          out.completeExceptionally(e);
        }
      }
    }

    /** The application failed: the cache passes the failure to this request only. */
    void fail(Throwable e) {
      if (done.compareAndSet(false, true)) {
        out.completeExceptionally(e);
      }
    }
  }

  /** Ends a capture whose async processing ends without passing through the filter. */
  private final class AppListener implements AsyncListener {
    private final Capture cap;

    AppListener(Capture cap) {
      this.cap = cap;
    }

    @Override
    public void onComplete(AsyncEvent event) {
      fail(
          new CacheException(
              "the application's async processing completed without passing through the filter;"
                  + " map the filter for ASYNC dispatches"));
    }

    @Override
    public void onTimeout(AsyncEvent event) {
      // The application's own timeout handling may still produce a response through a dispatch.
    }

    @Override
    public void onError(AsyncEvent event) {
      Throwable t = event.getThrowable();
      fail(t != null ? t : new CacheException("async processing failed"));
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
      // The capture's request registers a new listener each time async processing restarts.
    }

    private void fail(Throwable t) {
      if (!cap.done()) {
        synchronized (Exchange.this) {
          containerFailure = true;
        }
        cap.fail(t);
      }
    }
  }

  /** Bounds the time a request waits in async mode for the cache. */
  private final class WaitListener implements AsyncListener {
    @Override
    public void onComplete(AsyncEvent event) {}

    @Override
    public void onTimeout(AsyncEvent event) throws IOException {
      if (giveUp(event)) {
        response.sendError(HttpServletResponse.SC_GATEWAY_TIMEOUT);
        event.getAsyncContext().complete();
      }
    }

    @Override
    public void onError(AsyncEvent event) {
      if (giveUp(event)) {
        event.getAsyncContext().complete();
      }
    }

    @Override
    public void onStartAsync(AsyncEvent event) {}

    private boolean giveUp(AsyncEvent event) {
      synchronized (Exchange.this) {
        if (finished || waiting != event.getAsyncContext()) {
          return false;
        }
        finished = true;
        waiting = null;
        failPending();
        return true;
      }
    }
  }
}
