package dev.hitbox.proxy;

import static java.util.Objects.requireNonNull;

import dev.hitbox.core.ConfigurationException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where the proxy listens and how it talks to its upstream: the listener, the admin listener and
 * its token, the upstream base URL, timeouts and the upstream connection pool. The cached routes
 * are in {@link ProxyRoutes}; both together are a {@link ProxyConfig}.
 *
 * <pre>{@code
 * ProxySettings settings = ProxySettings.builder()
 *     .listen("127.0.0.1:8080")
 *     .admin("127.0.0.1:9090")
 *     .adminToken("s3cret")
 *     .upstream("http://127.0.0.1:9000")
 *     .upstreamTimeout(Duration.ofSeconds(10))
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class ProxySettings {
  /** The default listener: {@code 127.0.0.1:8080}. */
  public static final String DEFAULT_LISTEN = "127.0.0.1:8080";

  /** The default admin listener: {@code 127.0.0.1:9090}. */
  public static final String DEFAULT_ADMIN = "127.0.0.1:9090";

  private final InetSocketAddress listen;
  private final @Nullable InetSocketAddress admin;
  private final @Nullable String adminToken;
  private final URI upstream;
  private final Duration connectTimeout;
  private final Duration upstreamTimeout;
  private final Duration requestTimeout;
  private final Duration idleTimeout;
  private final Duration shutdownTimeout;
  private final int maxConnections;
  private final int ioThreads;

  private ProxySettings(Builder b, URI upstream) {
    this.listen = b.listen;
    this.admin = b.admin;
    this.adminToken = b.adminToken;
    this.upstream = upstream;
    this.connectTimeout = b.connectTimeout;
    this.upstreamTimeout = b.upstreamTimeout;
    this.requestTimeout = b.requestTimeout;
    this.idleTimeout = b.idleTimeout;
    this.shutdownTimeout = b.shutdownTimeout;
    this.maxConnections = b.maxConnections;
    this.ioThreads = b.ioThreads;
  }

  /** Starts settings with the defaults; only the upstream is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts with these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.listen = listen;
    b.admin = admin;
    b.adminToken = adminToken;
    b.upstream = upstream;
    b.connectTimeout = connectTimeout;
    b.upstreamTimeout = upstreamTimeout;
    b.requestTimeout = requestTimeout;
    b.idleTimeout = idleTimeout;
    b.shutdownTimeout = shutdownTimeout;
    b.maxConnections = maxConnections;
    b.ioThreads = ioThreads;
    return b;
  }

  /** The address the proxy listens on (port 0: any free port). */
  public InetSocketAddress listen() {
    return listen;
  }

  /** The address of the admin listener, or empty when it is off. */
  public Optional<InetSocketAddress> admin() {
    return Optional.ofNullable(admin);
  }

  /** The bearer token the admin listener requires, or empty when it requires none. */
  public Optional<String> adminToken() {
    return Optional.ofNullable(adminToken);
  }

  /** The upstream's base URL: {@code http} or {@code https}, host, port and an optional path. */
  public URI upstream() {
    return upstream;
  }

  /** How long opening a connection to the upstream may take. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * How long the upstream may take to start answering once the request is sent, and the longest
   * pause between two reads of its response body.
   */
  public Duration upstreamTimeout() {
    return upstreamTimeout;
  }

  /**
   * How long the proxy may take to start answering a client's request, waits for other callers of
   * the same key included; past it the client gets {@code 504}.
   */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /**
   * How long a client connection may stay idle (keep-alive, or a stalled request) before it is
   * closed.
   */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** How long a graceful shutdown waits for requests in flight before it closes connections. */
  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  /** The most connections open to the upstream at once; further requests wait for one. */
  public int maxConnections() {
    return maxConnections;
  }

  /** The number of I/O threads, {@code 0} for one per processor. */
  public int ioThreads() {
    return ioThreads;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ProxySettings s
        && listen.equals(s.listen)
        && Objects.equals(admin, s.admin)
        && Objects.equals(adminToken, s.adminToken)
        && upstream.equals(s.upstream)
        && connectTimeout.equals(s.connectTimeout)
        && upstreamTimeout.equals(s.upstreamTimeout)
        && requestTimeout.equals(s.requestTimeout)
        && idleTimeout.equals(s.idleTimeout)
        && shutdownTimeout.equals(s.shutdownTimeout)
        && maxConnections == s.maxConnections
        && ioThreads == s.ioThreads;
  }

  @Override
  public int hashCode() {
    return Objects.hash(listen, admin, upstream, upstreamTimeout, maxConnections);
  }

  /** The settings, with the admin token and any password in the upstream URL masked. */
  @Override
  public String toString() {
    return "ProxySettings{listen="
        + hostPort(listen)
        + ", admin="
        + (admin == null ? "off" : hostPort(admin))
        + ", adminToken="
        + (adminToken == null ? "none" : "***")
        + ", upstream="
        + maskedUpstream()
        + ", upstreamTimeout="
        + upstreamTimeout
        + '}';
  }

  /** The upstream URL with the password of its user info, if any, replaced by {@code ***}. */
  String maskedUpstream() {
    String info = upstream.getRawUserInfo();
    if (info == null) {
      return upstream.toString();
    }
    int colon = info.indexOf(':');
    String masked = colon < 0 ? info : info.substring(0, colon) + ":***";
    return upstream.toString().replace(info + "@", masked + "@");
  }

  /** {@code host:port}, with brackets around an IPv6 literal. */
  static String hostPort(InetSocketAddress a) {
    String host = a.getHostString();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  /**
   * Parses {@code host:port} ({@code [::1]:8080} for IPv6).
   *
   * @throws ConfigurationException naming {@code setting} if it does not parse
   */
  static InetSocketAddress parseAddress(String setting, String text) {
    requireNonNull(text, setting);
    String host;
    String port;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      host = close < 0 ? "" : text.substring(1, close);
      port =
          close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':'
              ? ""
              : text.substring(close + 2);
    } else {
      int colon = text.lastIndexOf(':');
      host = colon < 0 ? "" : text.substring(0, colon);
      port = colon < 0 ? "" : text.substring(colon + 1);
    }
    int p = -1;
    boolean bracketsIfIpv6 = text.startsWith("[") || host.indexOf(':') < 0;
    if (!host.isEmpty() && bracketsIfIpv6 && port.matches("\\d{1,5}")) {
      p = Integer.parseInt(port);
    }
    if (p < 0 || p > 65535) {
      throw new ConfigurationException(
          setting + ": \"" + text + "\" (expected: host:port such as 127.0.0.1:8080)");
    }
    return new InetSocketAddress(host, p);
  }

  /** Builds {@link ProxySettings}; setters validate at once. Not thread-safe. */
  public static final class Builder {
    private InetSocketAddress listen = parseAddress("listen", DEFAULT_LISTEN);
    private @Nullable InetSocketAddress admin = parseAddress("admin", DEFAULT_ADMIN);
    private @Nullable String adminToken;
    private @Nullable URI upstream;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration upstreamTimeout = Duration.ofSeconds(30);
    private Duration requestTimeout = Duration.ofSeconds(60);
    private Duration idleTimeout = Duration.ofSeconds(60);
    private Duration shutdownTimeout = Duration.ofSeconds(30);
    private int maxConnections = 512;
    private int ioThreads;

    private Builder() {}

    /**
     * Sets the listener (default {@code 127.0.0.1:8080}); port 0 picks a free port.
     *
     * @throws ConfigurationException if it is not {@code host:port}
     */
    public Builder listen(String hostPort) {
      this.listen = parseAddress("listen", hostPort);
      return this;
    }

    /**
     * Sets the listener (default {@code 127.0.0.1:8080}); port 0 picks a free port. An unresolved
     * address is resolved now.
     */
    public Builder listen(InetSocketAddress address) {
      this.listen = resolved(requireNonNull(address, "address"));
      return this;
    }

    /**
     * Sets the admin listener (default {@code 127.0.0.1:9090}); port 0 picks a free port.
     *
     * @throws ConfigurationException if it is not {@code host:port}
     */
    public Builder admin(String hostPort) {
      this.admin = parseAddress("admin", hostPort);
      return this;
    }

    /**
     * Sets the admin listener (default {@code 127.0.0.1:9090}); port 0 picks a free port. An
     * unresolved address is resolved now.
     */
    public Builder admin(InetSocketAddress address) {
      this.admin = resolved(requireNonNull(address, "address"));
      return this;
    }

    private static InetSocketAddress resolved(InetSocketAddress a) {
      return a.isUnresolved() ? new InetSocketAddress(a.getHostString(), a.getPort()) : a;
    }

    /** Turns the admin listener off. */
    public Builder noAdmin() {
      this.admin = null;
      return this;
    }

    /**
     * Requires {@code Authorization: Bearer TOKEN} on every admin request (default: no token);
     * {@code null} requires none.
     *
     * @throws ConfigurationException if the token is empty or holds whitespace or control
     *     characters
     */
    public Builder adminToken(@Nullable String token) {
      if (token != null
          && (token.isEmpty() || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
        throw new ConfigurationException(
            "admin_token: *** (expected: visible ASCII characters, no spaces)");
      }
      this.adminToken = token;
      return this;
    }

    /**
     * Sets the upstream's base URL (required): {@code http://host:port} or {@code https://host},
     * with an optional path that prefixes every forwarded path.
     *
     * @throws ConfigurationException if it is not such a URL
     */
    public Builder upstream(String url) {
      requireNonNull(url, "url");
      URI u;
      try {
        u = new URI(url);
      } catch (URISyntaxException e) {
        throw new ConfigurationException(
            "upstream: \"" + url + "\" (expected: a URL such as http://127.0.0.1:9000)");
      }
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https"))
          || u.getHost() == null
          || u.getRawQuery() != null
          || u.getRawFragment() != null) {
        throw new ConfigurationException(
            "upstream: \""
                + url
                + "\" (expected: an http or https URL with a host and no query, such as"
                + " http://127.0.0.1:9000)");
      }
      this.upstream = u;
      return this;
    }

    /** Sets how long opening an upstream connection may take (default 5 s). */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connect_timeout", timeout);
      return this;
    }

    /**
     * Sets how long the upstream may take to start answering, and the longest pause within its
     * response body (default 30 s); past it the client gets {@code 504}.
     */
    public Builder upstreamTimeout(Duration timeout) {
      this.upstreamTimeout = positive("upstream_timeout", timeout);
      return this;
    }

    /** Sets how long the proxy may take to start answering a request (default 60 s). */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive("request_timeout", timeout);
      return this;
    }

    /** Sets how long a client connection may stay idle (default 60 s). */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = positive("idle_timeout", timeout);
      return this;
    }

    /** Sets how long a graceful shutdown waits for requests in flight (default 30 s). */
    public Builder shutdownTimeout(Duration timeout) {
      this.shutdownTimeout = positive("shutdown_timeout", timeout);
      return this;
    }

    /**
     * Sets the most connections open to the upstream at once (default 512).
     *
     * @throws ConfigurationException unless positive
     */
    public Builder maxConnections(int max) {
      if (max <= 0) {
        throw new ConfigurationException("max_connections: " + max + " (expected: > 0)");
      }
      this.maxConnections = max;
      return this;
    }

    /**
     * Sets the number of I/O threads (default 0: one per processor).
     *
     * @throws ConfigurationException if negative
     */
    public Builder ioThreads(int threads) {
      if (threads < 0) {
        throw new ConfigurationException("io_threads: " + threads + " (expected: >= 0)");
      }
      this.ioThreads = threads;
      return this;
    }

    private static Duration positive(String setting, Duration d) {
      requireNonNull(d, setting);
      if (d.isNegative() || d.isZero()) {
        throw new ConfigurationException(setting + ": " + d + " (expected: > 0)");
      }
      return d;
    }

    /**
     * Makes the settings.
     *
     * @throws ConfigurationException if the upstream is not set
     */
    public ProxySettings build() {
      URI u = upstream;
      if (u == null) {
        throw new ConfigurationException(
            "upstream: missing (expected: a URL such as http://127.0.0.1:9000)");
      }
      return new ProxySettings(this, u);
    }
  }
}
