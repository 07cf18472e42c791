package dev.hitbox.proxy;

import dev.hitbox.http.HttpBody;
import dev.hitbox.http.HttpHeaders;
import dev.hitbox.http.HttpRequest;
import dev.hitbox.http.HttpResponse;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One pooled upstream connection: sends a request, turns the response head into an {@link
 * HttpResponse} whose body streams from this connection, and gives the connection back to the pool
 * when the exchange is over (or closes it when it cannot be reused). All state is confined to the
 * connection's event loop.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
  private static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH");

  private final UpstreamClient client;
  private @Nullable ChannelHandlerContext ctx;
  private UpstreamClient.@Nullable Attempt call;
  private @Nullable InboundBody body;
  private @Nullable BodyWriter requestWriter;
  private @Nullable ScheduledFuture<?> timer;
  private int generation;
  private int uses;
  private boolean reused;
  private boolean headReceived;
  private boolean skipInformational;
  private boolean requestSent;
  private boolean responseEnded;
  private boolean keepAlive;
  private boolean acquired;

  UpstreamHandler(UpstreamClient client) {
    this.client = client;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /** Starts an exchange on this connection; on its event loop. */
  void start(UpstreamClient.Attempt a) {
    ChannelHandlerContext c = ctx;
    if (c == null) {
      return;
    }
    generation++;
    call = a;
    acquired = true;
    body = null;
    requestWriter = null;
    headReceived = false;
    skipInformational = false;
    requestSent = false;
    responseEnded = false;
    keepAlive = true;
    reused = uses++ > 0;
    if (!c.channel().isActive()) {
      failBeforeHead(new UpstreamException(502, "upstream connection closed"), true);
      return;
    }
    armTimer("the upstream did not answer within ");

    HttpRequest r = a.request;
    io.netty.handler.codec.http.HttpHeaders headers = Messages.toNetty(r.headers());
    headers.set("Host", client.authority);
    headers.add("Via", "1.1 hitbox");
    HttpMethod method = HttpMethod.valueOf(r.method());
    String target = client.target(r);
    HttpBody b = r.body();
    int gen = generation;
    if (b.isBuffered()) {
      if (b.length() > 0
          || BODY_METHODS.contains(r.method())
          || r.headers().contains("Content-Length")) {
        headers.set("Content-Length", Long.toString(b.length()));
      }
      DefaultFullHttpRequest full =
          new DefaultFullHttpRequest(
              HttpVersion.HTTP_1_1,
              method,
              target,
              Unpooled.wrappedBuffer(b.byteBuffer()),
              headers,
              Messages.TRUSTED_HEADERS.newEmptyHeaders());
      c.writeAndFlush(full)
          .addListener(
              w -> {
                if (gen != generation) {
                  return;
                }
                if (w.isSuccess()) {
                  requestSent = true;
                  maybeFinish();
                } else if (!headReceived) {
                  failBeforeHead(
                      new UpstreamException(
                          502, "upstream write failed: " + UpstreamClient.shortMessage(w.cause())),
                      true);
                }
              });
    } else {
      if (b.length() >= 0) {
        headers.set("Content-Length", Long.toString(b.length()));
      } else {
        headers.set("Transfer-Encoding", "chunked");
      }
      c.write(new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, target, headers));
      BodyWriter w = new BodyWriter(c.channel());
      requestWriter = w;
      w.done()
          .whenComplete(
              (v, e) ->
                  c.executor()
                      .execute(
                          () -> {
                            if (gen != generation) {
                              return;
                            }
                            if (e == null) {
                              requestSent = true;
                              maybeFinish();
                            } else {
                              requestBodyFailed(e);
                            }
                          }));
      b.publisher().subscribe(w);
      c.flush();
    }
    c.read();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    UpstreamClient.Attempt a = call;
    if (a == null) {
      ReferenceCountUtil.release(msg);
      ctx.close(); // nothing was asked: the connection is out of step
      return;
    }
    if (msg instanceof io.netty.handler.codec.http.HttpResponse head) {
      onHead(ctx, a, head);
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

  private void onHead(
      ChannelHandlerContext ctx,
      UpstreamClient.Attempt a,
      io.netty.handler.codec.http.HttpResponse head) {
    if (head.decoderResult().isFailure()) {
      failBeforeHead(new UpstreamException(502, "upstream sent a malformed response"), false);
      return;
    }
    int code = head.status().code();
    if (code >= 100 && code < 200) {
      skipInformational = true; // 100 Continue, 103 Early Hints: the real answer follows
      ctx.read();
      return;
    }
    cancelTimer();
    headReceived = true;
    keepAlive = HttpUtil.isKeepAlive(head);
    HttpResponse response;
    boolean noBody =
        a.request.method().equals("HEAD")
            || code == 204
            || code == 304
            || (!HttpUtil.isTransferEncodingChunked(head)
                && HttpUtil.getContentLength(head, -1L) == 0);
    try {
      HttpHeaders headers = Messages.fromNetty(head.headers());
      if (noBody) {
        response = HttpResponse.of(code, headers, HttpBody.empty());
      } else {
        int gen = generation;
        InboundBody in = new InboundBody(ctx.executor(), new BodyOwner(gen));
        body = in;
        long length =
            HttpUtil.isTransferEncodingChunked(head) ? -1 : HttpUtil.getContentLength(head, -1L);
        response = HttpResponse.of(code, headers, HttpBody.ofPublisher(in, length));
      }
    } catch (IllegalArgumentException e) {
      headReceived = false;
      failBeforeHead(
          new UpstreamException(502, "upstream sent an invalid response: " + e.getMessage()),
          false);
      return;
    }
    a.answered(client, response);
    if (noBody) {
      ctx.read(); // to the end of the (empty) message
    }
  }

  private void onContent(ChannelHandlerContext ctx, HttpContent c) {
    boolean last = c instanceof LastHttpContent;
    if (skipInformational) {
      c.release();
      if (last) {
        skipInformational = false;
      }
      ctx.read();
      return;
    }
    cancelTimer();
    InboundBody in = body;
    if (in != null) {
      in.onContent(c);
    } else {
      c.release();
      if (!last) {
        ctx.read();
      }
    }
    if (last) {
      responseEnded = true;
      BodyWriter w = requestWriter;
      if (!requestSent && w != null) {
        // The upstream answered before taking the whole request body: stop sending it.
        keepAlive = false;
        w.abort(new IOException("the upstream answered before reading the whole request"));
        requestSent = true;
      }
      maybeFinish();
    }
  }

  /** The exchange is over once the request is sent and the response read: back to the pool. */
  private void maybeFinish() {
    if (call == null || !requestSent || !responseEnded) {
      return;
    }
    call = null;
    generation++;
    if (!keepAlive) {
      ChannelHandlerContext c = ctx;
      if (c != null) {
        c.close();
      }
    }
    releaseOnce();
  }

  private void releaseOnce() {
    ChannelHandlerContext c = ctx;
    if (acquired && c != null) {
      acquired = false;
      client.release(c.channel());
    }
  }

  private void failBeforeHead(UpstreamException cause, boolean retryOnNewConnection) {
    UpstreamClient.Attempt a = call;
    cancelTimer();
    call = null;
    generation++;
    ChannelHandlerContext c = ctx;
    BodyWriter w = requestWriter;
    if (w != null) {
      w.abort(cause);
    }
    if (c != null) {
      c.close();
    }
    releaseOnce();
    if (a == null) {
      return;
    }
    if (retryOnNewConnection && reused && a.retryable()) {
      a.retried = true;
      client.acquire(a);
    } else {
      a.fail(client, cause);
    }
  }

  private void requestBodyFailed(Throwable e) {
    if (!headReceived) {
      failBeforeHead(
          new UpstreamException(
              502, "the request body could not be sent: " + UpstreamClient.shortMessage(e)),
          false);
      return;
    }
    InboundBody in = body;
    if (in != null) {
      in.fail(new IOException("the request body could not be sent", e));
    }
    abandon();
  }

  /** Ends the exchange where it is: the connection cannot be reused. */
  private void abandon() {
    cancelTimer();
    call = null;
    generation++;
    ChannelHandlerContext c = ctx;
    if (c != null) {
      c.close();
    }
    releaseOnce();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (call != null) {
      if (!headReceived) {
        failBeforeHead(
            new UpstreamException(502, "the upstream closed the connection without answering"),
            true);
      } else {
        InboundBody in = body;
        if (in != null && !responseEnded) {
          in.fail(new IOException("the upstream closed the connection within the body"));
        }
        abandon();
      }
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    BodyWriter w = requestWriter;
    if (w != null) {
      w.writable();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close(); // channelInactive fails whatever was in progress
  }

  private void armTimer(String what) {
    cancelTimer();
    ChannelHandlerContext c = ctx;
    if (c == null) {
      return;
    }
    long ms = client.settings.upstreamTimeout().toMillis();
    int gen = generation;
    timer = c.executor().schedule(() -> timedOut(gen, what), ms, TimeUnit.MILLISECONDS);
  }

  private void cancelTimer() {
    ScheduledFuture<?> t = timer;
    if (t != null) {
      t.cancel(false);
      timer = null;
    }
  }

  private void timedOut(int gen, String what) {
    if (gen != generation || call == null) {
      return;
    }
    timer = null;
    String message = what + Durations.text(client.settings.upstreamTimeout());
    if (!headReceived) {
      failBeforeHead(new UpstreamException(504, message), false);
    } else {
      InboundBody in = body;
      if (in != null) {
        in.fail(new UpstreamException(504, message));
      }
      abandon();
    }
  }

  /** The current response body's link to this connection; stale once the exchange is over. */
  private final class BodyOwner implements InboundBody.Owner {
    private final int gen;

    BodyOwner(int gen) {
      this.gen = gen;
    }

    @Override
    public void read() {
      ChannelHandlerContext c = ctx;
      if (gen != generation || c == null) {
        return;
      }
      armTimer("the upstream paused its response body for longer than ");
      c.read();
    }

    @Override
    public void cancelled() {
      if (gen == generation && call != null) {
        abandon(); // the rest of the body is not wanted: the connection cannot be reused
      }
    }
  }
}
