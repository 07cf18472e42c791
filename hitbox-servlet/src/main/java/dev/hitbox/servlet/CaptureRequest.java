package dev.hitbox.servlet;

import dev.hitbox.http.HttpBody;
import dev.hitbox.http.HttpRequest;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The request the rest of the chain sees on a miss: the header fields the cache sends upstream
 * (without the client's validators, with the cache's own when it revalidates), the body bytes the
 * cache read followed by the rest, and async processing that ends in the capture.
 */
final class CaptureRequest extends HttpServletRequestWrapper {
  private final Exchange exchange;
  private final Exchange.Capture capture;
  private final HttpRequest sent;

  /** The body to replay, or {@code null} when the servlet request's own is untouched. */
  private final @Nullable HttpBody replay;

  private @Nullable ServletInputStream input;
  private @Nullable BufferedReader reader;
  private @Nullable Map<String, String[]> form;
  private @Nullable AsyncContext async;

  CaptureRequest(Exchange exchange, Exchange.Capture capture, HttpRequest sent) {
    super(exchange.servletRequest());
    this.exchange = exchange;
    this.capture = capture;
    this.sent = sent;
    Servlets.Converted c = exchange.converted();
    boolean untouched = sent.body() == c.body() && !c.input().touched();
    this.replay = untouched ? null : sent.body();
  }

  // ---------------------------------------------------------------- header fields

  @Override
  public @Nullable String getHeader(String name) {
    return sent.headers().first(name);
  }

  @Override
  public Enumeration<String> getHeaders(String name) {
    return Collections.enumeration(sent.headers().all(name));
  }

  @Override
  public Enumeration<String> getHeaderNames() {
    return Collections.enumeration(sent.headers().names());
  }

  @Override
  public int getIntHeader(String name) {
    String v = getHeader(name);
    return v == null ? -1 : Integer.parseInt(v.trim());
  }

  @Override
  public long getDateHeader(String name) {
    String v = getHeader(name);
    if (v == null) {
      return -1;
    }
    try {
      return ZonedDateTime.parse(v.trim(), DateTimeFormatter.RFC_1123_DATE_TIME)
          .toInstant()
          .toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("header " + name + ": \"" + v + "\" (expected: a date)");
    }
  }

  // ---------------------------------------------------------------- body

  @Override
  public ServletInputStream getInputStream() throws IOException {
    HttpBody body = replay;
    if (body == null) {
      return super.getInputStream();
    }
    if (reader != null) {
      throw new IllegalStateException("getReader() was called already");
    }
    ServletInputStream in = input;
    if (in == null) {
      in = new ReplayInput(body.inputStream());
      input = in;
    }
    return in;
  }

  @Override
  public BufferedReader getReader() throws IOException {
    if (replay == null) {
      return super.getReader();
    }
    if (input != null) {
      throw new IllegalStateException("getInputStream() was called already");
    }
    BufferedReader r = reader;
    if (r == null) {
      r = new BufferedReader(new InputStreamReader(replay.inputStream(), charset()));
      reader = r;
    }
    return r;
  }

  @Override
  public int getContentLength() {
    HttpBody body = replay;
    return body != null && body.isBuffered() ? (int) body.length() : super.getContentLength();
  }

  @Override
  public long getContentLengthLong() {
    HttpBody body = replay;
    return body != null && body.isBuffered() ? body.length() : super.getContentLengthLong();
  }

  private Charset charset() {
    String enc = getCharacterEncoding();
    try {
      return enc == null ? StandardCharsets.ISO_8859_1 : Charset.forName(enc);
    } catch (RuntimeException e) {
      return StandardCharsets.ISO_8859_1;
    }
  }

  // ---------------------------------------------------------------- form parameters

  /**
   * Form parameters when the cache read the body: the container can no longer parse it, so they are
   * parsed here from the query string and the replayed body.
   */
  private @Nullable Map<String, String[]> form() {
    if (replay == null) {
      return null;
    }
    Map<String, String[]> f = form;
    if (f != null) {
      return f;
    }
    Map<String, List<String>> all = new LinkedHashMap<>();
    addPairs(all, getQueryString(), StandardCharsets.UTF_8);
    String type = getContentType();
    if (type != null
        && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")
        && input == null
        && reader == null) {
      Charset cs = getCharacterEncoding() == null ? StandardCharsets.UTF_8 : charset();
      try (InputStream in = replay.inputStream()) {
        addPairs(all, new String(in.readAllBytes(), StandardCharsets.ISO_8859_1), cs);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    Map<String, String[]> out = new LinkedHashMap<>();
    all.forEach((k, v) -> out.put(k, v.toArray(new String[0])));
    f = Collections.unmodifiableMap(out);
    form = f;
    return f;
  }

  private static void addPairs(Map<String, List<String>> to, @Nullable String pairs, Charset cs) {
    if (pairs == null || pairs.isEmpty()) {
      return;
    }
    for (String pair : pairs.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        to.computeIfAbsent(URLDecoder.decode(k, cs), x -> new ArrayList<>())
            .add(URLDecoder.decode(v, cs));
      } catch (IllegalArgumentException e) {
        // a malformed pair is skipped, as containers do
      }
    }
  }

  @Override
  public @Nullable String getParameter(String name) {
    Map<String, String[]> f = form();
    if (f == null) {
      return super.getParameter(name);
    }
    String[] v = f.get(name);
    return v == null ? null : v[0];
  }

  @Override
  public Map<String, String[]> getParameterMap() {
    Map<String, String[]> f = form();
    return f == null ? super.getParameterMap() : f;
  }

  @Override
  public Enumeration<String> getParameterNames() {
    Map<String, String[]> f = form();
    return f == null ? super.getParameterNames() : Collections.enumeration(f.keySet());
  }

  @Override
  public String @Nullable [] getParameterValues(String name) {
    Map<String, String[]> f = form();
    if (f == null) {
      return super.getParameterValues(name);
    }
    String[] v = f.get(name);
    return v == null ? null : v.clone();
  }

  // ---------------------------------------------------------------- async

  @Override
  public AsyncContext startAsync() {
    return startAsync(this, capture.response);
  }

  @Override
  public AsyncContext startAsync(ServletRequest req, ServletResponse res) {
    AsyncContext real = exchange.servletRequest().startAsync(req, res);
    exchange.appStartedAsync(capture, real);
    AsyncContext a = new CaptureAsyncContext(real);
    async = a;
    return a;
  }

  @Override
  public AsyncContext getAsyncContext() {
    AsyncContext a = async;
    return a != null && isAsyncStarted() ? a : super.getAsyncContext();
  }

  /** The application's async context, whose {@code complete()} first ends the capture. */
  private final class CaptureAsyncContext implements AsyncContext {
    private final AsyncContext real;

    CaptureAsyncContext(AsyncContext real) {
      this.real = real;
    }

    @Override
    public ServletRequest getRequest() {
      return real.getRequest();
    }

    @Override
    public ServletResponse getResponse() {
      return real.getResponse();
    }

    @Override
    public boolean hasOriginalRequestAndResponse() {
      return real.hasOriginalRequestAndResponse();
    }

    @Override
    public void dispatch() {
      real.dispatch();
    }

    @Override
    public void dispatch(String path) {
      real.dispatch(path);
    }

    @Override
    public void dispatch(ServletContext context, String path) {
      real.dispatch(context, path);
    }

    @Override
    public void complete() {
      exchange.appComplete(capture, real);
    }

    @Override
    public void start(Runnable run) {
      real.start(run);
    }

    @Override
    public void addListener(AsyncListener listener) {
      real.addListener(listener);
    }

    @Override
    public void addListener(
        AsyncListener listener, ServletRequest servletRequest, ServletResponse servletResponse) {
      real.addListener(listener, servletRequest, servletResponse);
    }

    @Override
    public <T extends AsyncListener> T createListener(Class<T> clazz) throws ServletException {
      return real.createListener(clazz);
    }

    @Override
    public void setTimeout(long timeout) {
      real.setTimeout(timeout);
    }

    @Override
    public long getTimeout() {
      return real.getTimeout();
    }
  }

  /** The replayed body as a servlet stream (always ready: the bytes are here or blocking). */
  private static final class ReplayInput extends ServletInputStream {
    private final InputStream in;
    private boolean finished;

    ReplayInput(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      finished |= b < 0;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      finished |= n < 0;
      return n;
    }

    @Override
    public boolean isFinished() {
      return finished;
    }

    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public void setReadListener(ReadListener listener) {
      try {
        listener.onDataAvailable();
        listener.onAllDataRead();
      } catch (IOException e) {
        listener.onError(e);
      }
    }
  }
}
