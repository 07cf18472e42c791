package dev.hitbox.proxy;

import dev.hitbox.http.HttpBody;
import dev.hitbox.http.HttpHeaders;
import dev.hitbox.http.HttpRequest;
import dev.hitbox.http.HttpResponse;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One client connection: reads one request at a time (HTTP/1.1 keep-alive, pipelined requests
 * answered in order), hands it to the routes, and writes the answer, streaming its body with
 * backpressure. All state is confined to the connection's event loop.
 */
final class FrontHandler extends ChannelInboundHandlerAdapter {
  /** Asks a connection to close once its exchange in progress, if any, is over. */
  static final Object DRAIN = new Object();

  private final ProxyServer server;
  private @Nullable ChannelHandlerContext ctx;
  private int exchangeId;
  private boolean inExchange;
  private boolean requestEnded = true;
  private final ArrayDeque<Object> backlog = new ArrayDeque<>();
  private boolean responseStarted;
  private boolean readNextWhenEnded;
  private boolean readWhenWritable;
  private boolean keepAlive;
  private boolean headRequest;
  private HttpVersion version = HttpVersion.HTTP_1_1;
  private @Nullable InboundBody requestBody;
  private @Nullable BodyWriter responseWriter;
  private @Nullable ScheduledFuture<?> requestTimer;

  FrontHandler(ProxyServer server) {
    this.server = server;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    if (server.draining()) {
      ctx.close();
      return;
    }
    ctx.read();
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!requestEnded || (!inExchange && backlog.isEmpty())) {
      dispatch(ctx, msg);
    } else {
      backlog.add(msg); // a pipelined request: answered once the current one is
    }
  }

  private void dispatch(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof io.netty.handler.codec.http.HttpRequest head) {
      onHead(ctx, head);
      if (msg instanceof HttpContent c) {
        onContent(ctx, c);
      }
      return;
    }
    if (msg instanceof HttpContent c) {
      onContent(ctx, c);
      return;
    }
    ReferenceCountUtil.release(msg);
  }

  private void onHead(ChannelHandlerContext ctx, io.netty.handler.codec.http.HttpRequest head) {
    if (inExchange) {
      ctx.close(); // cannot happen while requests are read one at a time
      return;
    }
    long start = System.nanoTime();
    int id = ++exchangeId;
    inExchange = true;
    requestEnded = false;
    responseStarted = false;
    readNextWhenEnded = false;
    requestBody = null;
    responseWriter = null;
    server.exchangeStarted();
    version = head.protocolVersion();
    keepAlive = HttpUtil.isKeepAlive(head);
    headRequest = head.method().name().equals("HEAD");

    if (head.decoderResult().isFailure()) {
      keepAlive = false;
      requestEnded = true;
      Throwable cause = head.decoderResult().cause();
      int status =
          cause instanceof TooLongHttpLineException
              ? 414
              : cause instanceof TooLongHttpHeaderException
                  ? 431
                  : cause instanceof TooLongFrameException ? 413 : 400;
      respond(id, Messages.plain(status, HttpResponseStatus.valueOf(status).reasonPhrase()));
      return;
    }
    boolean chunked = HttpUtil.isTransferEncodingChunked(head);
    long length = chunked ? -1 : HttpUtil.getContentLength(head, 0L);
    HttpBody body = HttpBody.empty();
    if (chunked || length > 0) {
      InboundBody in = new InboundBody(ctx.executor(), new RequestBodyOwner(id));
      requestBody = in;
      body = HttpBody.ofPublisher(in, length);
    }
    HttpRequest request;
    try {
      request = toRequest(head, body, ctx.channel().remoteAddress());
    } catch (IllegalArgumentException e) {
      keepAlive = false;
      respond(id, Messages.plain(400, "Bad Request: " + e.getMessage()));
      return;
    }
    if (body == HttpBody.empty() && backlog.isEmpty()) {
      ctx.read(); // the empty end of the message (usually decoded with the head already)
    }
    CompletableFuture<HttpResponse> answer;
    try {
      answer = server.handle(request, start);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    if (!answer.isDone()) {
      armRequestTimer(id); // a hit answers at once and needs none
    }
    answer.whenComplete(
        (res, err) -> {
          if (ctx.executor().inEventLoop()) {
            answered(id, res, err);
          } else {
            ctx.executor().execute(() -> answered(id, res, err));
          }
        });
  }

  private void onContent(ChannelHandlerContext ctx, HttpContent c) {
    boolean last = c instanceof LastHttpContent;
    InboundBody in = requestBody;
    if (in != null && inExchange && !requestEnded) {
      in.onContent(c);
    } else {
      c.release();
    }
    if (last) {
      requestEnded = true;
      if (readNextWhenEnded) {
        readNextWhenEnded = false;
        ctx.read();
      }
    }
  }

  private void answered(int id, @Nullable HttpResponse res, @Nullable Throwable err) {
    if (id != exchangeId || !inExchange || responseStarted) {
      if (res != null) {
        ActiveRoute.discard(res.body()); // too late: the client got a 504 already
      }
      return;
    }
    HttpResponse response = res != null ? res : server.errorResponse(err);
    respond(id, response);
  }

  /** Writes {@code res} as the answer to exchange {@code id}. */
  private void respond(int id, HttpResponse res) {
    ChannelHandlerContext c = ctx;
    if (c == null || id != exchangeId || responseStarted) {
      ActiveRoute.discard(res.body());
      return;
    }
    responseStarted = true;
    cancelRequestTimer();
    if (!c.channel().isActive()) {
      ActiveRoute.discard(res.body());
      exchangeOver(id);
      return;
    }
    boolean close = !keepAlive || server.draining();
    io.netty.handler.codec.http.HttpHeaders h = Messages.toNetty(res.headers());
    int code = res.status();
    HttpResponseStatus status = HttpResponseStatus.valueOf(code);
    HttpBody body = res.body();
    boolean noBody = headRequest || code == 204 || code == 304 || code < 200;
    boolean streamed = false;
    if (noBody) {
      String length = res.headers().first("Content-Length");
      if (length != null && code != 204 && code >= 200) {
        h.set("Content-Length", length); // a HEAD answer tells the length of a GET's body
      }
      ActiveRoute.discard(body);
    } else if (body.isBuffered()) {
      h.set("Content-Length", Long.toString(body.length()));
    } else {
      streamed = true;
      if (body.length() >= 0) {
        h.set("Content-Length", Long.toString(body.length()));
      } else if (version.equals(HttpVersion.HTTP_1_1)) {
        h.set("Transfer-Encoding", "chunked");
      } else {
        close = true; // HTTP/1.0 without a length: the body ends with the connection
      }
    }
    if (close) {
      h.set("Connection", "close");
    } else if (!version.equals(HttpVersion.HTTP_1_1)) {
      h.set("Connection", "keep-alive");
    }
    keepAlive = !close;

    if (!streamed) {
      DefaultFullHttpResponse full =
          new DefaultFullHttpResponse(
              version,
              status,
              noBody ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body.byteBuffer()),
              h,
              Messages.TRUSTED_HEADERS.newEmptyHeaders());
      if (close) {
        c.writeAndFlush(full)
            .addListener(
                w -> {
                  c.close();
                  exchangeOver(id);
                });
      } else {
        // Written in order on this connection: the next request may be read meanwhile. A
        // failed write reaches exceptionCaught, which closes the connection.
        c.writeAndFlush(full, c.voidPromise());
        exchangeOver(id);
      }
      return;
    }
    c.write(new DefaultHttpResponse(version, status, h));
    BodyWriter writer = new BodyWriter(c.channel());
    responseWriter = writer;
    writer
        .done()
        .whenComplete(
            (v, e) ->
                c.executor()
                    .execute(
                        () -> {
                          if (e != null) {
                            keepAlive = false;
                            c.close(); // the body broke off: the client must see it end early
                          }
                          exchangeOver(id);
                        }));
    body.publisher().subscribe(writer);
    c.flush();
  }

  /** The answer is written (or abandoned): on to the next request, or close. */
  private void exchangeOver(int id) {
    ChannelHandlerContext c = ctx;
    if (id != exchangeId || !inExchange || c == null) {
      return;
    }
    inExchange = false;
    responseWriter = null;
    cancelRequestTimer();
    server.exchangeEnded();
    if (!keepAlive || server.draining() || !c.channel().isActive()) {
      c.close();
      return;
    }
    if (requestEnded) {
      // Pipelined requests already read go first, up to the end of the next request.
      while (!backlog.isEmpty() && !(inExchange && requestEnded)) {
        dispatch(c, backlog.poll());
      }
      if (!inExchange || !requestEnded) {
        readWhenWritable(c);
      }
      return;
    }
    InboundBody in = requestBody;
    if (in == null) {
      readNextWhenEnded = true; // the empty end of the message has not been read yet
    } else {
      c.close(); // a request body nobody read (or still being read): the stream is out of step
    }
  }

  /**
   * Reads on, unless the client is not reading its answers (the connection's outbound buffer is
   * full): then the next read waits until it is writable again.
   */
  private void readWhenWritable(ChannelHandlerContext c) {
    if (c.channel().isWritable()) {
      c.read();
    } else {
      readWhenWritable = true;
    }
  }

  private void armRequestTimer(int id) {
    ChannelHandlerContext c = ctx;
    if (c == null) {
      return;
    }
    long ms = server.settings().requestTimeout().toMillis();
    requestTimer =
        c.executor()
            .schedule(
                () -> {
                  if (id == exchangeId && inExchange && !responseStarted) {
                    keepAlive = false;
                    respond(
                        id,
                        Messages.plain(
                            504,
                            "Gateway Timeout: no answer within "
                                + Durations.text(server.settings().requestTimeout())));
                  }
                },
                ms,
                TimeUnit.MILLISECONDS);
  }

  private void cancelRequestTimer() {
    ScheduledFuture<?> t = requestTimer;
    if (t != null) {
      t.cancel(false);
      requestTimer = null;
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == DRAIN) {
      if (!inExchange) {
        ctx.close();
      } else {
        keepAlive = false; // close once this exchange is over
      }
      return;
    }
    if (evt instanceof IdleStateEvent) {
      if (!inExchange) {
        ctx.close();
      } else if (!responseStarted && requestBody != null && !requestEnded) {
        keepAlive = false;
        respond(exchangeId, Messages.plain(408, "Request Timeout"));
      } else if (responseStarted) {
        ctx.close(); // the client stopped reading its answer
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    BodyWriter w = responseWriter;
    if (w != null) {
      w.writable();
    }
    if (readWhenWritable && ctx.channel().isWritable()) {
      readWhenWritable = false;
      ctx.read();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    for (Object m; (m = backlog.poll()) != null; ) {
      ReferenceCountUtil.release(m);
    }
    if (inExchange) {
      InboundBody in = requestBody;
      if (in != null && !requestEnded) {
        in.fail(new ClosedChannelException());
      }
      BodyWriter w = responseWriter;
      if (w != null) {
        w.abort(new IOException("the client closed the connection"));
      }
      cancelRequestTimer();
      inExchange = false;
      responseStarted = true; // an answer still on its way is discarded
      server.exchangeEnded();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  /**
   * The neutral request for {@code head}: hop-by-hop fields dropped, {@code X-Forwarded-For}
   * appended with the client's address, {@code X-Forwarded-Host} and {@code X-Forwarded-Proto}
   * added unless present.
   */
  static HttpRequest toRequest(
      io.netty.handler.codec.http.HttpRequest head, HttpBody body, SocketAddress remote) {
    io.netty.handler.codec.http.HttpHeaders in = head.headers();
    List<String> named = Messages.connectionOptions(in);
    HttpHeaders.Builder b = HttpHeaders.builder();
    String forwardedFor = null;
    boolean forwardedHost = false;
    boolean forwardedProto = false;
    String host = null;
    Iterator<Map.Entry<CharSequence, CharSequence>> it = in.iteratorCharSequence();
    while (it.hasNext()) {
      Map.Entry<CharSequence, CharSequence> e = it.next();
      String name = e.getKey().toString();
      String value = e.getValue().toString();
      if (Messages.isHopByHop(name, named) || name.equalsIgnoreCase("Expect")) {
        continue;
      }
      if (name.equalsIgnoreCase("X-Forwarded-For")) {
        forwardedFor = forwardedFor == null ? value : forwardedFor + ", " + value;
        continue;
      }
      forwardedHost |= name.equalsIgnoreCase("X-Forwarded-Host");
      forwardedProto |= name.equalsIgnoreCase("X-Forwarded-Proto");
      if (host == null && name.equalsIgnoreCase("Host")) {
        host = value;
      }
      b.add(name, value);
    }
    String client =
        remote instanceof InetSocketAddress a && a.getAddress() != null
            ? a.getAddress().getHostAddress()
            : "unknown";
    b.add("X-Forwarded-For", forwardedFor == null ? client : forwardedFor + ", " + client);
    if (!forwardedHost && host != null) {
      b.add("X-Forwarded-Host", host);
    }
    if (!forwardedProto) {
      b.add("X-Forwarded-Proto", "http");
    }
    return HttpRequest.builder()
        .method(head.method().name())
        .uri(originForm(head.uri()))
        .headers(b.build())
        .body(body)
        .build();
  }

  /** The request-target in origin form ({@code /path?query}); an absolute form loses its host. */
  private static URI originForm(String target) {
    try {
      URI u = new URI(target);
      if (u.isAbsolute() || u.getRawAuthority() != null) {
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        return new URI(path + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery()));
      }
      if (!target.startsWith("/")) {
        throw new IllegalArgumentException(
            "request-target \"" + target + "\" (expected: a path such as /a?b)");
      }
      return u;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "request-target \"" + target + "\" (expected: a URI; " + e.getReason() + ")", e);
    }
  }

  /** The request body's link to this connection; stale once the exchange is over. */
  private final class RequestBodyOwner implements InboundBody.Owner {
    private final int id;

    RequestBodyOwner(int id) {
      this.id = id;
    }

    @Override
    public void read() {
      ChannelHandlerContext c = ctx;
      if (c != null && id == exchangeId && !requestEnded) {
        c.read();
      }
    }

    @Override
    public void cancelled() {
      if (id == exchangeId) {
        keepAlive = false; // the rest of the body stays unread: close after the answer
      }
    }
  }
}
