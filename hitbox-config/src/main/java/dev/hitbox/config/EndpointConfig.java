package dev.hitbox.config;

import static java.util.Objects.requireNonNull;

import dev.hitbox.core.CachePolicy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One endpoint: which requests and responses are cacheable, how the key is built, the tags, the
 * policy and the backend. Either the top level of a file (then named {@code default} unless it has
 * a {@code name}), or one item of {@code endpoints:}. Immutable and thread-safe.
 *
 * <pre>{@code
 * for (EndpointConfig e : config.endpoints()) {
 *   CacheEndpoint.<HttpRequest, HttpResponse>builder(e.name())
 *       .policy(e.policy())
 *       .backend(backends.computeIfAbsent(e.backend(), BackendConfig::create))
 *       ...
 * }
 * }</pre>
 */
public final class EndpointConfig {
  /** The name of the endpoint given at the top level of a file without {@code name}. */
  public static final String DEFAULT_NAME = "default";

  private final String name;
  private final List<PredicateConfig> request;
  private final List<PredicateConfig> response;
  private final List<ExtractorConfig> extractors;
  private final List<String> tags;
  private final CachePolicy policy;
  private final BackendConfig backend;
  private final @Nullable Duration backendTimeout;

  EndpointConfig(
      String name,
      List<PredicateConfig> request,
      List<PredicateConfig> response,
      List<ExtractorConfig> extractors,
      List<String> tags,
      CachePolicy policy,
      BackendConfig backend,
      @Nullable Duration backendTimeout) {
    this.name = requireNonNull(name, "name");
    this.request = List.copyOf(request);
    this.response = List.copyOf(response);
    this.extractors = List.copyOf(extractors);
    this.tags = List.copyOf(tags);
    this.policy = requireNonNull(policy, "policy");
    this.backend = requireNonNull(backend, "backend");
    this.backendTimeout = backendTimeout;
  }

  /**
   * {@code backend_timeout}: how long one backend call may take before a read is a miss and a write
   * is skipped; empty for the engine's default (50 ms). Raise it for a remote backend whose round
   * trip is not far below 50 ms.
   */
  public Optional<Duration> backendTimeout() {
    return Optional.ofNullable(backendTimeout);
  }

  /** The name: the namespace of the endpoint's keys, 1 to 128 of {@code [A-Za-z0-9_.-]}. */
  public String name() {
    return name;
  }

  /** The request rules, all of which must hold for a request to be cacheable; empty: all are. */
  public List<PredicateConfig> request() {
    return request;
  }

  /** The response rules, all of which must hold for a response to be stored; empty: all are. */
  public List<PredicateConfig> response() {
    return response;
  }

  /** The parts of the cache key, in order. */
  public List<ExtractorConfig> extractors() {
    return extractors;
  }

  /**
   * The tag templates of stored entries, e.g. {@code author:{author_id}}: each {@code {name}} is
   * replaced by the key part of that name.
   */
  public List<String> tags() {
    return tags;
  }

  /** The cache policy (default: enabled, ttl 60 s, no stale window, no dogpile limit). */
  public CachePolicy policy() {
    return policy;
  }

  /**
   * The backend: the endpoint's own {@code backend:}, else the file's top-level one, else an
   * in-memory {@code Caffeine} backend of 10,000 entries.
   */
  public BackendConfig backend() {
    return backend;
  }

  @Override
  public String toString() {
    return "Endpoint{"
        + name
        + ", request="
        + request
        + ", response="
        + response
        + ", extractors="
        + extractors
        + ", tags="
        + tags
        + ", policy="
        + policy
        + ", backend="
        + backend
        + "}";
  }
}
