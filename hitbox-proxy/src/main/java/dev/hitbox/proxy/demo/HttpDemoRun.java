package dev.hitbox.proxy.demo;

import dev.hitbox.caffeine.CaffeineBackend;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.CacheResult;
import dev.hitbox.core.CacheStatus;
import dev.hitbox.core.OffloadManager;
import dev.hitbox.core.StalePolicy;
import dev.hitbox.http.HttpCache;
import dev.hitbox.http.HttpExtractor;
import dev.hitbox.http.RequestPredicate;
import dev.hitbox.proxy.HitboxProxy;
import dev.hitbox.proxy.ProxyConfig;
import dev.hitbox.proxy.ProxyRoute;
import dev.hitbox.proxy.ProxyRoutes;
import dev.hitbox.proxy.ProxySettings;
import dev.hitbox.proxy.RequestMatcher;
import dev.hitbox.proxy.demo.DemoRun.Counting;
import dev.hitbox.proxy.demo.LoadPhase.Counters;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./hitbox demo --http}: the same case study over real HTTP on loopback. The catalog service
 * answers {@code GET /catalog/{category}/{page}} on its own HTTP server; the clients call it
 * directly in the first phase and through a running {@link HitboxProxy} in the second, whose one
 * endpoint has the in-process demo's policy. Latency now includes two HTTP hops on loopback.
 */
final class HttpDemoRun {
  /**
   * The part of the phase a request was sent in: 1 warm-up, 2 measured window, 3 after it. The
   * service counts its calls by it, so that a call counts in the part of the phase its request was
   * sent in, however late it arrives (the in-process demo counts at the moment of the call, which
   * is the moment it is sent). The proxy passes the field on, also with background refreshes, which
   * carry the request that made the entry go stale.
   */
  static final String WINDOW = "X-Demo-Window";

  private HttpDemoRun() {}

  /**
   * Which part of the phase it is: the load phase reads its counters once at its start and at each
   * edge of the window, on the thread that sends the requests, so each read moves to the next part.
   */
  static final class Windows {
    private final java.util.concurrent.atomic.AtomicInteger current =
        new java.util.concurrent.atomic.AtomicInteger();

    Counters edge(Counters others) {
      current.incrementAndGet();
      return others;
    }

    int current() {
      return current.get();
    }
  }

  /**
   * Runs both phases over HTTP; blocks for about {@code 2 * (warmUp + duration)}.
   *
   * @throws IllegalStateException if a phase broke or did not finish
   */
  static Report run(DemoOptions options, Progress progress) {
    ZipfKeys keys = new ZipfKeys(options.keys(), options.zipf());
    ScheduledThreadPoolExecutor clients = DemoRun.daemonScheduler("hitbox-demo-clients");
    ScheduledThreadPoolExecutor service = DemoRun.daemonScheduler("hitbox-demo-catalog");
    try {
      CatalogService direct = new CatalogService(service, options.changeInterval(), options.seed());
      PhaseResult noCache;
      try (CatalogServer server = new CatalogServer(direct);
          DemoHttpClient http = new DemoHttpClient(server.address())) {
        Windows windows = new Windows();
        noCache =
            server.attribute(
                new LoadPhase(
                        "no cache",
                        options,
                        keys,
                        direct,
                        r -> get(http, r, windows),
                        () -> windows.edge(new Counters(0, 0, 0)),
                        clients)
                    .run(progress.phase(0, 2, "no cache", options)));
      }
      progress.phaseDone(noCache);

      CatalogService behind = new CatalogService(service, options.changeInterval(), options.seed());
      Counting listener = new Counting();
      OffloadManager offload = OffloadManager.builder().listener(listener).build();
      PhaseResult withCache;
      try (CatalogServer server = new CatalogServer(behind);
          HitboxProxy proxy = proxy(options, server.url(), listener, offload);
          DemoHttpClient http = new DemoHttpClient(proxy.address())) {
        Windows windows = new Windows();
        withCache =
            server.attribute(
                new LoadPhase(
                        "hitbox",
                        options,
                        keys,
                        behind,
                        r -> get(http, r, windows),
                        () ->
                            windows.edge(
                                new Counters(0, listener.dogpileWaits.sum(), offload.spawned())),
                        clients)
                    .run(progress.phase(1, 2, "hitbox", options)));
      }
      progress.phaseDone(withCache);
      progress.done();
      return new Report(
          options,
          noCache,
          withCache,
          listener.errors.sum(),
          listener.hotKeys.top("catalog", Report.HOT_KEYS));
    } finally {
      clients.shutdownNow();
      service.shutdownNow();
    }
  }

  /** The proxy in front of the catalog server, with the in-process demo's cache settings. */
  static HitboxProxy proxy(
      DemoOptions options, String upstream, Counting listener, OffloadManager offload) {
    HttpCache catalog =
        HttpCache.builder("catalog")
            .backend(CaffeineBackend.builder().maxCapacity(options.keys()).build())
            .listener(listener)
            .configure(b -> b.offloadManager(offload))
            .policy(
                CachePolicy.builder()
                    .ttl(options.ttl())
                    .stale(options.stale())
                    .stalePolicy(StalePolicy.OFFLOAD_REVALIDATE)
                    .concurrency(1)
                    .build())
            .requestPredicate(
                RequestPredicate.builder().method("GET").path("/catalog/{category}/{page}").build())
            .extractor(HttpExtractor.builder().path("/catalog/{category}/{page}").build())
            .build();
    ProxySettings settings =
        ProxySettings.builder().listen("127.0.0.1:0").noAdmin().upstream(upstream).build();
    return HitboxProxy.builder(
            ProxyConfig.of(
                settings,
                ProxyRoutes.of(
                    ProxyRoute.of(catalog, RequestMatcher.path("/catalog/{category}/{page}")))))
        .start();
  }

  private static CompletableFuture<CacheResult<String>> get(
      DemoHttpClient http, GetCatalog r, Windows windows) {
    String path = "/catalog/" + r.category() + "/" + r.page();
    return http.get(path, WINDOW, Integer.toString(windows.current()))
        .thenApply(
            a -> {
              if (a.status() != 200) {
                throw new IllegalStateException(path + ": status " + a.status() + ": " + a.body());
              }
              String status = a.cacheStatus();
              CacheStatus s =
                  status == null
                      ? CacheStatus.BYPASS
                      : switch (status) {
                        case "HIT" -> CacheStatus.HIT;
                        case "STALE" -> CacheStatus.STALE;
                        default -> CacheStatus.MISS;
                      };
              return CacheResult.of(a.body(), s, 0);
            });
  }

  /**
   * The catalog service over HTTP/1.1 on a free loopback port (Netty, one I/O thread). Answers
   * without blocking: each answer is written when the service's scheduler completes it.
   */
  static final class CatalogServer implements AutoCloseable {
    private final EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel channel;
    private final java.util.concurrent.atomic.AtomicLongArray calls =
        new java.util.concurrent.atomic.AtomicLongArray(4);

    CatalogServer(CatalogService service) {
      channel =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline()
                          .addLast(new HttpServerCodec())
                          .addLast(new HttpObjectAggregator(8192))
                          .addLast(new Handler(service, calls));
                    }
                  })
              .bind("127.0.0.1", 0)
              .syncUninterruptibly()
              .channel();
    }

    InetSocketAddress address() {
      return (InetSocketAddress) channel.localAddress();
    }

    String url() {
      return "http://127.0.0.1:" + address().getPort();
    }

    @Override
    public void close() {
      channel.close().syncUninterruptibly();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * {@code result} with the service's calls counted by the part of the phase their requests were
     * sent in.
     */
    PhaseResult attribute(PhaseResult r) {
      return new PhaseResult(
          r.name(),
          r.latencies(),
          r.requests(),
          r.errors(),
          r.hits(),
          r.stale(),
          r.misses(),
          r.outdated(),
          new Counters(calls.get(2), r.window().dogpileWaits(), r.window().refreshes()),
          r.warmUpRequests(),
          new Counters(calls.get(1), r.warmUp().dogpileWaits(), r.warmUp().refreshes()),
          r.measured());
    }

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
      private final CatalogService service;
      private final java.util.concurrent.atomic.AtomicLongArray calls;

      Handler(CatalogService service, java.util.concurrent.atomic.AtomicLongArray calls) {
        this.service = service;
        this.calls = calls;
      }

      @Override
      protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        String[] parts = new QueryStringDecoder(req.uri()).path().split("/");
        GetCatalog request;
        try {
          request = new GetCatalog(parts[2], Integer.parseInt(parts[3]));
        } catch (RuntimeException e) {
          reply(ctx, HttpResponseStatus.NOT_FOUND, "{\"error\":\"no such page\"}");
          return;
        }
        String window = req.headers().get(WINDOW);
        int part = window == null ? 0 : Math.min(3, Math.max(0, Integer.parseInt(window)));
        calls.incrementAndGet(part);
        // The answer comes from the service's scheduler: no thread waits for it. Requests on
        // one connection come one at a time (the clients do not pipeline).
        service
            .call(request)
            .whenComplete(
                (body, e) ->
                    reply(
                        ctx,
                        e == null ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                        e == null ? body : "{}"));
      }

      private static void reply(ChannelHandlerContext ctx, HttpResponseStatus status, String body) {
        DefaultFullHttpResponse res =
            new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                status,
                Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8)));
        res.headers()
            .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
            .setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
        ctx.writeAndFlush(res);
      }
    }
  }
}
