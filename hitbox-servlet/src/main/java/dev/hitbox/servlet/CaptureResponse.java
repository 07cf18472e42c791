package dev.hitbox.servlet;

import dev.hitbox.http.HttpBody;
import dev.hitbox.http.HttpHeaders;
import dev.hitbox.http.HttpResponse;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The response the rest of the chain writes on a miss: status, header fields in order and body
 * bytes are kept here, not sent, until the cache has decided what the client gets. A body over the
 * cache's response body limit, or an error sent with {@code sendError}, goes to the client as it is
 * produced instead, and is not stored.
 *
 * <p>Used by one application thread at a time, as the Servlet API requires.
 */
final class CaptureResponse extends HttpServletResponseWrapper {
  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

  private final Exchange exchange;
  private final long limit;
  private int status = 200;

  /** Header fields in order, as {@code [name, value]}. */
  private final List<String[]> headers = new ArrayList<>();

  private @Nullable String charset;
  private @Nullable Locale locale;
  private @Nullable ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  private @Nullable ServletOutputStream output;
  private @Nullable PrintWriter writer;
  private boolean through;
  private int bufferSize = 8192;

  CaptureResponse(Exchange exchange) {
    super(exchange.servletResponse());
    this.exchange = exchange;
    this.limit = exchange.responseBodyLimit();
  }

  /** What the application answered, for the cache. */
  synchronized HttpResponse toHttpResponse() throws IOException {
    PrintWriter w = writer;
    if (w != null) {
      w.flush();
    }
    HttpHeaders.Builder h = HttpHeaders.builder();
    for (String[] f : headers) {
      h.add(f[0], f[1]);
    }
    ByteArrayOutputStream b = buffer;
    if (through || b == null) {
      // Already on its way to the client: a body the cache can neither read nor store.
      return HttpResponse.of(
          status, h.build(), HttpBody.ofInputStream(InputStream.nullInputStream(), Long.MAX_VALUE));
    }
    return HttpResponse.of(status, h.build(), HttpBody.ofBytes(b.toByteArray()));
  }

  /** Sends what was kept so far, and from now on everything, to the client. */
  private void goThrough() throws IOException {
    if (through) {
      return;
    }
    through = true;
    exchange.passedThrough();
    HttpServletResponse real = exchange.servletResponse();
    real.setStatus(status);
    for (String[] f : headers) {
      real.addHeader(f[0], f[1]);
    }
    ByteArrayOutputStream b = buffer;
    buffer = null;
    if (b != null && b.size() > 0) {
      b.writeTo(real.getOutputStream());
    }
  }

  // ---------------------------------------------------------------- status

  @Override
  public synchronized void setStatus(int sc) {
    if (through) {
      super.setStatus(sc);
    }
    status = sc;
  }

  @Override
  public synchronized int getStatus() {
    return status;
  }

  @Override
  public synchronized void sendError(int sc) throws IOException {
    status = sc;
    goThrough();
    super.sendError(sc);
  }

  @Override
  public synchronized void sendError(int sc, String msg) throws IOException {
    status = sc;
    goThrough();
    super.sendError(sc, msg);
  }

  @Override
  public synchronized void sendRedirect(String location) throws IOException {
    if (through) {
      super.sendRedirect(location);
      return;
    }
    resetBuffer();
    status = SC_FOUND;
    setHeader("Location", location);
  }

  // ---------------------------------------------------------------- header fields

  @Override
  public synchronized void setHeader(String name, @Nullable String value) {
    if (name.equalsIgnoreCase("Content-Type")) {
      setContentType(value);
      return;
    }
    put(name, value);
  }

  private void put(String name, @Nullable String value) {
    if (through) {
      super.setHeader(name, value);
    }
    int at = -1;
    for (int i = headers.size() - 1; i >= 0; i--) {
      if (headers.get(i)[0].equalsIgnoreCase(name)) {
        headers.remove(i);
        at = i;
      }
    }
    if (value == null) {
      return;
    }
    String[] field = {name, value};
    if (at < 0) {
      headers.add(field);
    } else {
      headers.add(at, field);
    }
  }

  @Override
  public synchronized void addHeader(String name, @Nullable String value) {
    if (value == null) {
      return;
    }
    if (name.equalsIgnoreCase("Content-Type")) {
      setContentType(value);
      return;
    }
    if (through) {
      super.addHeader(name, value);
    }
    headers.add(new String[] {name, value});
  }

  @Override
  public void setIntHeader(String name, int value) {
    setHeader(name, Integer.toString(value));
  }

  @Override
  public void addIntHeader(String name, int value) {
    addHeader(name, Integer.toString(value));
  }

  @Override
  public void setDateHeader(String name, long date) {
    setHeader(name, HTTP_DATE.format(Instant.ofEpochMilli(date)));
  }

  @Override
  public void addDateHeader(String name, long date) {
    addHeader(name, HTTP_DATE.format(Instant.ofEpochMilli(date)));
  }

  @Override
  public synchronized boolean containsHeader(String name) {
    return getHeader(name) != null;
  }

  @Override
  public synchronized @Nullable String getHeader(String name) {
    for (String[] f : headers) {
      if (f[0].equalsIgnoreCase(name)) {
        return f[1];
      }
    }
    return null;
  }

  @Override
  public synchronized Collection<String> getHeaders(String name) {
    List<String> all = new ArrayList<>();
    for (String[] f : headers) {
      if (f[0].equalsIgnoreCase(name)) {
        all.add(f[1]);
      }
    }
    return all;
  }

  @Override
  public synchronized Collection<String> getHeaderNames() {
    LinkedHashSet<String> names = new LinkedHashSet<>();
    for (String[] f : headers) {
      names.add(f[0]);
    }
    return names;
  }

  @Override
  public void addCookie(Cookie cookie) {
    addHeader("Set-Cookie", format(cookie));
  }

  /** A {@code Set-Cookie} value for a cookie (RFC 6265 syntax). */
  static String format(Cookie cookie) {
    StringBuilder sb = new StringBuilder(cookie.getName()).append('=').append(cookie.getValue());
    for (Map.Entry<String, String> a : cookie.getAttributes().entrySet()) {
      String name = a.getKey();
      String value = a.getValue();
      if (name.equalsIgnoreCase("Max-Age") && value != null && !value.isEmpty()) {
        long seconds = Long.parseLong(value);
        if (seconds >= 0) {
          Instant expires = Instant.now().plusSeconds(seconds);
          sb.append("; Expires=").append(HTTP_DATE.format(seconds == 0 ? Instant.EPOCH : expires));
        }
      }
      sb.append("; ").append(name);
      if (value != null && !value.isEmpty() && !name.equalsIgnoreCase("HttpOnly")) {
        if (!name.equalsIgnoreCase("Secure")) {
          sb.append('=').append(value);
        }
      }
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- content type

  @Override
  public synchronized void setContentType(@Nullable String type) {
    if (type == null) {
      put("Content-Type", null);
      return;
    }
    String cs = charsetOf(type);
    if (cs != null) {
      if (writer == null) {
        charset = cs;
      }
    } else if (charset != null || writer != null) {
      type = type + ";charset=" + getCharacterEncoding();
    }
    put("Content-Type", type);
  }

  @Override
  public synchronized @Nullable String getContentType() {
    return getHeader("Content-Type");
  }

  @Override
  public synchronized void setCharacterEncoding(@Nullable String enc) {
    if (writer != null || enc == null) {
      return;
    }
    charset = enc;
    String type = getHeader("Content-Type");
    if (type != null) {
      int semi = type.indexOf(';');
      String base = semi < 0 ? type : type.substring(0, semi).trim();
      put("Content-Type", base + ";charset=" + enc);
    }
  }

  @Override
  public synchronized String getCharacterEncoding() {
    if (charset != null) {
      return charset;
    }
    String fromContext =
        exchange.servletRequest().getServletContext().getResponseCharacterEncoding();
    return fromContext != null ? fromContext : "ISO-8859-1";
  }

  private static @Nullable String charsetOf(String type) {
    for (String param : type.split(";")) {
      String p = param.trim();
      if (p.regionMatches(true, 0, "charset=", 0, 8)) {
        String v = p.substring(8).trim();
        return v.startsWith("\"") && v.endsWith("\"") && v.length() > 1
            ? v.substring(1, v.length() - 1)
            : v;
      }
    }
    return null;
  }

  @Override
  public synchronized void setLocale(Locale loc) {
    if (loc == null) {
      return;
    }
    locale = loc;
    put("Content-Language", loc.toLanguageTag());
  }

  @Override
  public synchronized Locale getLocale() {
    Locale l = locale;
    return l != null ? l : Locale.getDefault();
  }

  @Override
  public void setContentLength(int len) {
    setContentLengthLong(len);
  }

  @Override
  public void setContentLengthLong(long len) {
    setHeader("Content-Length", len < 0 ? null : Long.toString(len));
  }

  // ---------------------------------------------------------------- body

  @Override
  public synchronized ServletOutputStream getOutputStream() {
    if (writer != null) {
      throw new IllegalStateException("getWriter() was called already");
    }
    ServletOutputStream o = output;
    if (o == null) {
      o = new CaptureOutput();
      output = o;
    }
    return o;
  }

  @Override
  public synchronized PrintWriter getWriter() {
    PrintWriter w = writer;
    if (w != null) {
      return w;
    }
    if (output != null) {
      throw new IllegalStateException("getOutputStream() was called already");
    }
    String enc = getCharacterEncoding();
    String type = getHeader("Content-Type");
    if (type != null && charsetOf(type) == null) {
      put("Content-Type", type + ";charset=" + enc);
    }
    charset = enc;
    output = new CaptureOutput();
    w = new PrintWriter(new OutputStreamWriter(output, Charset.forName(enc)), false);
    writer = w;
    return w;
  }

  @Override
  public synchronized void flushBuffer() throws IOException {
    PrintWriter w = writer;
    if (w != null) {
      w.flush();
    }
    if (through) {
      super.flushBuffer();
    }
  }

  @Override
  public synchronized boolean isCommitted() {
    return through && super.isCommitted();
  }

  @Override
  public synchronized void reset() {
    if (through) {
      super.reset();
    }
    status = 200;
    headers.clear();
    charset = null;
    locale = null;
    resetBuffer();
  }

  @Override
  public synchronized void resetBuffer() {
    if (through) {
      super.resetBuffer();
      return;
    }
    ByteArrayOutputStream b = buffer;
    if (b != null) {
      b.reset();
    }
  }

  @Override
  public synchronized void setBufferSize(int size) {
    bufferSize = size;
  }

  @Override
  public synchronized int getBufferSize() {
    return bufferSize;
  }

  private synchronized void write(byte[] b, int off, int len) throws IOException {
    ByteArrayOutputStream buf = buffer;
    if (through || buf == null) {
      exchange.servletResponse().getOutputStream().write(b, off, len);
      return;
    }
    buf.write(b, off, len);
    if (buf.size() > limit) {
      goThrough();
    }
  }

  private synchronized void flushThrough() throws IOException {
    if (through) {
      exchange.servletResponse().getOutputStream().flush();
    }
  }

  /** The body stream the application writes to. */
  private final class CaptureOutput extends ServletOutputStream {
    @Override
    public void write(int b) throws IOException {
      CaptureResponse.this.write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      CaptureResponse.this.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      flushThrough();
    }

    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public void setWriteListener(WriteListener listener) {
      try {
        listener.onWritePossible();
      } catch (IOException e) {
        listener.onError(e);
      }
    }
  }
}
