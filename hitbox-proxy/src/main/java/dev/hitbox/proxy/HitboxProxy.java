package dev.hitbox.proxy;

import static java.util.Objects.requireNonNull;

import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.ConfigurationException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The caching reverse proxy, running: a listener that answers requests through the routes of its
 * {@link ProxyConfig} (requests no route handles go upstream unchanged), and an admin listener.
 *
 * <pre>{@code
 * ProxyMetrics metrics = ProxyMetrics.create();
 * ProxyConfig config = ProxyConfig.of(settings, ProxyRoutes.of(authorsRoute));
 * try (HitboxProxy proxy = HitboxProxy.builder(config).metrics(metrics).start()) {
 *   proxy.awaitClose();   // until close() is called, e.g. from a shutdown hook
 * }
 * }</pre>
 *
 * <p>HTTP/1.1 with keep-alive on both sides. Bodies that are not stored stream through with
 * backpressure. Hop-by-hop header fields are dropped in both directions, {@code X-Forwarded-For}
 * gets the client's address appended, and {@code Host} becomes the upstream's. When the upstream
 * cannot be reached the client gets {@code 502}, when it is too slow {@code 504}, each with a
 * one-line body, or a stale entry of the route's cache (stale-if-error): one in its stale window or
 * within the policy's {@code staleIfError} bound past it, which also answers in place of a {@code
 * 500}, {@code 502}, {@code 503} or {@code 504} from the upstream.
 *
 * <p>Routes are replaced at once with {@link #apply} or {@link #reload}: requests already under way
 * finish on the routes they started with. {@link #close} shuts down gracefully. Thread-safe.
 */
public final class HitboxProxy implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("dev.hitbox.proxy");

  private final Transport transport;
  private final ProxyMetrics metrics;
  private final UpstreamClient client;
  private final AtomicReference<RouteTable> table;
  private final ProxyServer server;
  private final @Nullable Channel admin;
  private final @Nullable Supplier<ProxyConfig> reloader;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final AtomicReference<@Nullable ReloadOutcome> lastReload = new AtomicReference<>();
  private final @Nullable FileWatch watch;

  private HitboxProxy(Builder b) {
    ProxySettings settings = b.config.settings();
    this.metrics = b.metrics;
    this.reloader = b.reloader;
    this.transport = Transport.create(settings.ioThreads());
    Channel adminChannel = null;
    UpstreamClient upstream = null;
    ProxyServer front = null;
    try {
      upstream = new UpstreamClient(transport, settings, metrics);
      this.table = new AtomicReference<>(RouteTable.of(b.config, upstream, metrics));
      front = new ProxyServer(transport, settings, upstream, table);
      InetSocketAddress adminAddress = settings.admin().orElse(null);
      if (adminAddress != null) {
        adminChannel = bindAdmin(adminAddress);
      }
    } catch (RuntimeException e) {
      if (front != null) {
        front.drain(java.time.Duration.ZERO);
      }
      if (upstream != null) {
        upstream.close();
      }
      transport.shutdown();
      throw e;
    }
    this.client = upstream;
    this.server = front;
    this.admin = adminChannel;
    this.watch = b.watched == null ? null : startWatch(b.watched);
    LOG.log(
        System.Logger.Level.INFO,
        "hitbox proxy started: listening on {0}, admin {1}, upstream {2}, {3} ({4})",
        ProxySettings.hostPort(address()),
        adminAddress().map(ProxySettings::hostPort).orElse("off"),
        settings.maskedUpstream(),
        describeRoutes(table.get()),
        transport.name);
  }

  private FileWatch startWatch(Path file) {
    try {
      return FileWatch.start(file, () -> reload("file"));
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private Channel bindAdmin(InetSocketAddress address) {
    ServerBootstrap b =
        new ServerBootstrap()
            .group(transport.group)
            .channel(transport.serverChannel)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(1 << 20))
                        .addLast(new AdminHandler(HitboxProxy.this));
                  }
                });
    return b.bind(address).syncUninterruptibly().channel();
  }

  /** Starts a proxy for {@code config}. */
  public static Builder builder(ProxyConfig config) {
    return new Builder(requireNonNull(config, "config"));
  }

  /** The address the proxy listens on (with the actual port when port 0 was asked for). */
  public InetSocketAddress address() {
    return server.address();
  }

  /** The admin listener's address, or empty when it is off. */
  public Optional<InetSocketAddress> adminAddress() {
    Channel a = admin;
    return a == null ? Optional.empty() : Optional.of((InetSocketAddress) a.localAddress());
  }

  /** The configuration in force. */
  public ProxyConfig config() {
    return table.get().config();
  }

  /** The metrics. */
  public ProxyMetrics metrics() {
    return metrics;
  }

  /**
   * Puts {@code next}'s routes and admin token in force at once; requests under way finish on the
   * routes they started with. The listeners, the upstream and its connection settings stay as they
   * are until a restart: the returned list names those that differ.
   *
   * @return the settings that changed but need a restart, e.g. {@code [listen]}; empty if none
   */
  public List<String> apply(ProxyConfig next) {
    requireNonNull(next, "next");
    RouteTable installed = RouteTable.of(keepRunningSettings(next), client, metrics);
    RouteTable previous = table.getAndSet(installed);
    List<String> restart = restartNeeded(previous.config().settings(), next.settings());
    LOG.log(
        System.Logger.Level.INFO,
        "hitbox proxy reloaded: {0}{1}",
        describeRoutes(installed),
        restart.isEmpty() ? "" : "; changed but need a restart: " + String.join(", ", restart));
    return restart;
  }

  /** {@code next} with the settings that cannot change while running taken from the current. */
  private ProxyConfig keepRunningSettings(ProxyConfig next) {
    ProxySettings running = server.settings();
    ProxySettings.Builder b = running.toBuilder();
    b.adminToken(next.settings().adminToken().orElse(null));
    return ProxyConfig.of(b.build(), next.routes());
  }

  private static List<String> restartNeeded(ProxySettings a, ProxySettings b) {
    List<String> names = new ArrayList<>();
    if (!a.listen().equals(b.listen())) {
      names.add("listen");
    }
    if (!a.admin().equals(b.admin())) {
      names.add("admin");
    }
    if (!a.upstream().equals(b.upstream())) {
      names.add("upstream");
    }
    if (!a.connectTimeout().equals(b.connectTimeout())
        || !a.upstreamTimeout().equals(b.upstreamTimeout())
        || !a.requestTimeout().equals(b.requestTimeout())
        || !a.idleTimeout().equals(b.idleTimeout())
        || !a.shutdownTimeout().equals(b.shutdownTimeout())) {
      names.add("timeouts");
    }
    if (a.maxConnections() != b.maxConnections() || a.ioThreads() != b.ioThreads()) {
      names.add("connections");
    }
    return names;
  }

  /**
   * Reads the configuration again with the reloader the proxy was started with, and {@linkplain
   * #apply applies} it. When reading fails, the configuration in force stays and the failure is
   * logged and thrown.
   *
   * @return the settings that changed but need a restart
   * @throws ConfigurationException if the configuration cannot be read or is not valid
   * @throws IllegalStateException if the proxy has no reloader
   */
  public List<String> reload() {
    return reload("api");
  }

  /** {@link #reload()}, remembering the outcome for the admin API; {@code trigger} says why. */
  synchronized List<String> reload(String trigger) {
    Supplier<ProxyConfig> r = reloader;
    if (r == null) {
      throw new IllegalStateException("this proxy has no reloader (see Builder.reloader)");
    }
    ProxyConfig next;
    try {
      next = requireNonNull(r.get(), "the reloader returned null");
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "hitbox proxy: reload ({0}) failed, keeping the configuration in force: {1}",
          trigger,
          e.getMessage());
      ConfigurationException ce =
          e instanceof ConfigurationException c
              ? c
              : new ConfigurationException("reload: " + e.getMessage());
      lastReload.set(new ReloadOutcome(Instant.now(), trigger, ce.getMessage()));
      throw ce;
    }
    List<String> restart = apply(next);
    lastReload.set(new ReloadOutcome(Instant.now(), trigger, null));
    return restart;
  }

  /**
   * The last reload: when, what started it ({@code api}, {@code admin}, {@code file} or {@code
   * signal}) and, when it failed, why; {@code error} stays until a reload succeeds.
   */
  record ReloadOutcome(Instant at, String trigger, @Nullable String error) {
    Map<String, Object> view() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("at", at.toString());
      m.put("trigger", trigger);
      m.put("ok", error == null);
      m.put("error", error);
      return m;
    }
  }

  /** The outcome of the last reload, empty when there was none. */
  Optional<ReloadOutcome> lastReload() {
    return Optional.ofNullable(lastReload.get());
  }

  /** Reloads and logs a failure instead of throwing it, for {@code SIGHUP}. */
  void reloadQuietly(String trigger) {
    try {
      reload(trigger);
    } catch (ConfigurationException e) {
      // logged and kept for the admin API by reload
    }
  }

  boolean canReload() {
    return reloader != null;
  }

  RouteTable table() {
    return table.get();
  }

  /** What {@code POST /config/reload} answers when it succeeds. */
  Map<String, Object> reloadView() {
    List<String> restart = reload("admin");
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("reloaded", true);
    m.put("endpoints", table().names());
    m.put("restart_needed", restart);
    return m;
  }

  /** The configuration in force as {@code GET /config} shows it, secrets masked. */
  Map<String, Object> configView() {
    ProxyConfig c = config();
    ProxySettings s = c.settings();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("listen", ProxySettings.hostPort(s.listen()));
    m.put("admin", s.admin().map(ProxySettings::hostPort).orElse(null));
    m.put("admin_token", s.adminToken().isPresent() ? "***" : null);
    m.put("upstream", s.maskedUpstream());
    Map<String, Object> timeouts = new LinkedHashMap<>();
    timeouts.put("connect", Durations.text(s.connectTimeout()));
    timeouts.put("upstream", Durations.text(s.upstreamTimeout()));
    timeouts.put("request", Durations.text(s.requestTimeout()));
    timeouts.put("idle", Durations.text(s.idleTimeout()));
    timeouts.put("shutdown", Durations.text(s.shutdownTimeout()));
    m.put("timeouts", timeouts);
    m.put("max_connections", s.maxConnections());
    List<Map<String, Object>> endpoints = new ArrayList<>();
    for (ProxyRoute r : c.routes().list()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("name", r.name());
      e.put("match", r.matcher().toString());
      e.put("backend", r.cache().endpoint().backend().name());
      e.put("policy", policyView(r.cache().endpoint().policy()));
      endpoints.add(e);
    }
    m.put("endpoints", endpoints);
    m.put("last_reload", lastReload().map(ReloadOutcome::view).orElse(null));
    return m;
  }

  private static Object policyView(CachePolicy p) {
    if (!p.enabled()) {
      return "Disabled";
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ttl", Durations.text(p.ttl()));
    m.put("stale", Durations.text(p.stale()));
    m.put("stale_policy", p.stalePolicy().name());
    m.put("stale_if_error", Durations.text(p.staleIfError()));
    m.put("concurrency", p.concurrency().isPresent() ? p.concurrency().getAsInt() : "unlimited");
    return m;
  }

  private static String describeRoutes(RouteTable t) {
    List<String> names = t.names();
    return names.size() + (names.size() == 1 ? " endpoint " : " endpoints ") + names;
  }

  /** How many requests are being answered now. */
  int inFlight() {
    return server.inFlight();
  }

  /**
   * Shuts down gracefully: stops accepting connections, lets requests in flight finish (for at most
   * the shutdown timeout), then closes every connection and the I/O threads. Blocks until done;
   * calling it again does nothing.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      FileWatch w = watch;
      if (w != null) {
        w.close();
      }
      Channel a = admin;
      if (a != null) {
        a.close().syncUninterruptibly();
      }
      boolean finished = server.drain(server.settings().shutdownTimeout());
      client.close();
      transport.shutdown();
      LOG.log(
          System.Logger.Level.INFO,
          "hitbox proxy stopped{0}",
          finished ? "" : " (requests still in flight after the shutdown timeout were cut)");
    } finally {
      terminated.countDown();
    }
  }

  /** Blocks until {@link #close} has finished. */
  public void awaitClose() throws InterruptedException {
    terminated.await();
  }

  @Override
  public String toString() {
    return "HitboxProxy{" + ProxySettings.hostPort(address()) + ", " + table.get().names() + '}';
  }

  /** Starts a {@link HitboxProxy}. Not thread-safe. */
  public static final class Builder {
    private final ProxyConfig config;
    private ProxyMetrics metrics = ProxyMetrics.create();
    private @Nullable Supplier<ProxyConfig> reloader;
    private @Nullable Path watched;

    private Builder(ProxyConfig config) {
      this.config = config;
    }

    /**
     * Sets the metrics (default: new ones). Pass the same object as every route's {@code HttpCache}
     * listener so that engine events are counted too.
     */
    public Builder metrics(ProxyMetrics metrics) {
      this.metrics = requireNonNull(metrics, "metrics");
      return this;
    }

    /**
     * Sets where {@link #reload} and {@code POST /config/reload} read the configuration again, e.g.
     * {@code () -> loader.load(file, metrics)}; it throws {@link ConfigurationException} when the
     * configuration is not valid. Without one, reloading is refused.
     */
    public Builder reloader(Supplier<ProxyConfig> reloader) {
      this.reloader = requireNonNull(reloader, "reloader");
      return this;
    }

    /**
     * Reloads whenever the text of {@code file} changes (the file the {@linkplain #reloader
     * reloader} reads). Changes are debounced for 200 ms; a failed reload keeps the configuration
     * in force and shows on the admin API ({@code GET /config}, {@code last_reload}).
     */
    public Builder watch(Path file) {
      this.watched = requireNonNull(file, "file");
      return this;
    }

    /**
     * Binds the listeners and starts serving.
     *
     * @throws IllegalStateException if a file is watched but there is no reloader
     * @throws io.netty.channel.ChannelException or another runtime exception if a listener cannot
     *     bind
     */
    public HitboxProxy start() {
      if (watched != null && reloader == null) {
        throw new IllegalStateException("watch(" + watched + ") needs a reloader");
      }
      return new HitboxProxy(this);
    }
  }
}
