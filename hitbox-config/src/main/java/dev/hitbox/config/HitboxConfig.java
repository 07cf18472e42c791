package dev.hitbox.config;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A whole configuration file: the endpoints, the offload settings and, for the standalone proxy,
 * where it listens and what it forwards to. Immutable and thread-safe.
 *
 * <pre>{@code
 * HitboxConfig config = HitboxConfig.load(Path.of("hitbox.yaml"));
 * for (EndpointConfig endpoint : config.endpoints()) { ... }
 * }</pre>
 *
 * @see ConfigLoader
 * @see ConfigWatcher
 */
public final class HitboxConfig {
  /** Where the proxy listens unless {@code listen:} says otherwise. */
  public static final InetSocketAddress DEFAULT_LISTEN =
      InetSocketAddress.createUnresolved("127.0.0.1", 8080);

  private final String source;
  private final InetSocketAddress listen;
  private final @Nullable InetSocketAddress admin;
  private final @Nullable String adminToken;
  private final @Nullable URI upstream;
  private final OffloadConfig offload;
  private final List<EndpointConfig> endpoints;

  HitboxConfig(
      String source,
      InetSocketAddress listen,
      @Nullable InetSocketAddress admin,
      @Nullable String adminToken,
      @Nullable URI upstream,
      OffloadConfig offload,
      List<EndpointConfig> endpoints) {
    this.source = requireNonNull(source, "source");
    this.listen = requireNonNull(listen, "listen");
    this.admin = admin;
    this.adminToken = adminToken;
    this.upstream = upstream;
    this.offload = requireNonNull(offload, "offload");
    this.endpoints = List.copyOf(endpoints);
  }

  /**
   * Reads a file with the process environment and the backend types found on the class path.
   *
   * @throws ConfigException naming the file, line, column and key of the first error
   */
  public static HitboxConfig load(Path file) {
    return ConfigLoader.create().load(file);
  }

  /** The file (or other source) this was read from. */
  public String source() {
    return source;
  }

  /**
   * Proxy only: where it listens ({@code listen: host:port}; default {@code 127.0.0.1:8080}). The
   * address is unresolved.
   */
  public InetSocketAddress listen() {
    return listen;
  }

  /** Proxy only: where the admin API listens ({@code admin: host:port}); empty: no admin API. */
  public Optional<InetSocketAddress> admin() {
    return Optional.ofNullable(admin);
  }

  /**
   * Proxy only: the bearer token the admin API requires ({@code admin_token}, usually {@code
   * ${HITBOX_ADMIN_TOKEN}}); empty: none.
   */
  public Optional<String> adminToken() {
    return Optional.ofNullable(adminToken);
  }

  /** Proxy only: the base URL requests are forwarded to ({@code upstream}). */
  public Optional<URI> upstream() {
    return Optional.ofNullable(upstream);
  }

  /** The offload manager's settings ({@code offload:}). */
  public OffloadConfig offload() {
    return offload;
  }

  /** The endpoints, in file order, with distinct names; never empty. */
  public List<EndpointConfig> endpoints() {
    return endpoints;
  }

  /** The endpoint named {@code name}. */
  public Optional<EndpointConfig> endpoint(String name) {
    requireNonNull(name, "name");
    for (EndpointConfig e : endpoints) {
      if (e.name().equals(name)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /**
   * The distinct backend configurations of the endpoints, in order of first use. Endpoints with
   * equal configurations can share one backend.
   */
  public Set<BackendConfig> backends() {
    Set<BackendConfig> out = new LinkedHashSet<>();
    for (EndpointConfig e : endpoints) {
      out.add(e.backend());
    }
    return Collections.unmodifiableSet(out);
  }

  /**
   * Whether the endpoint {@code name} exists in both {@code previous} and this configuration with
   * an equal backend configuration: then a reload may keep its backend and entries.
   */
  public boolean sameBackend(HitboxConfig previous, String name) {
    requireNonNull(previous, "previous");
    Optional<EndpointConfig> before = previous.endpoint(name);
    Optional<EndpointConfig> now = endpoint(name);
    return before.isPresent()
        && now.isPresent()
        && before.get().backend().equals(now.get().backend());
  }

  /** Shows the settings; the admin token is masked. */
  @Override
  public String toString() {
    return "HitboxConfig{"
        + source
        + ", listen="
        + listen
        + ", admin="
        + admin
        + ", adminToken="
        + (adminToken == null ? "none" : "****")
        + ", upstream="
        + upstream
        + ", "
        + offload
        + ", endpoints="
        + endpoints
        + "}";
  }
}
