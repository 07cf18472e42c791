package dev.hitbox.spring.boot;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationUnit;

/**
 * The {@code hitbox.*} properties: a subset of the Hitbox YAML schema, bound by Spring Boot. The
 * full schema (every predicate, extractor and backend) comes with {@code hitbox-config}; until
 * then, what is not listed here is rejected at startup with a message that says so.
 *
 * <pre>{@code
 * hitbox:
 *   backend: { type: Caffeine, max_capacity: 10000 }
 *   endpoints:
 *     - name: authors
 *       request:    [ {Method: GET}, {Path: "/api/authors/{author_id}"} ]
 *       response:   [ {Status: Success} ]
 *       extractors: [ {Method: }, {Path: "/api/authors/{author_id}"}, {Query: page} ]
 *       policy: { Enabled: { ttl: 60, stale: 300, policy: {stale: Revalidate}, concurrency: 1 } }
 *   cache:                       # the Spring CacheManager for @Cacheable
 *     policy: { Enabled: { ttl: 300, concurrency: 1 } }
 *     allowed-packages: [ com.example.model ]
 * }</pre>
 *
 * @param backend the backend every endpoint and cache shares, unless the application defines a
 *     {@code Backend} bean
 * @param endpoints the HTTP endpoints, one servlet filter each
 * @param cache the Spring {@code CacheManager}
 */
@ConfigurationProperties("hitbox")
public record HitboxProperties(
    @DefaultValue Backend backend,
    @DefaultValue List<Endpoint> endpoints,
    @DefaultValue Cache cache) {

  /**
   * The backend. Types here: {@code Caffeine} (or {@code Moka}, the same in-memory backend).
   *
   * @param type the backend type
   * @param maxCapacity the most entries kept
   */
  public record Backend(
      @DefaultValue("Caffeine") String type, @DefaultValue("10000") long maxCapacity) {}

  /**
   * One HTTP endpoint: a servlet filter with its own {@code HttpCache}.
   *
   * @param name the endpoint's name, the namespace of its keys
   * @param request which requests are cached: a list (And) of {@code Method: GET | [GET, HEAD]} and
   *     {@code Path: "/api/authors/{id}"}
   * @param response which responses are stored: {@code Status: 200 | [200, 203] | Success |
   *     Redirect | ClientError | ServerError}
   * @param extractors the key: {@code Method:}, {@code Path: pattern}, {@code Query: name}, {@code
   *     Header: name}; the whole URI when empty
   * @param policy the cache policy
   * @param urlPatterns where the filter is mapped; by default derived from the {@code Path}
   *     predicate ({@code /api/authors/{id}} maps {@code /api/authors/*}), or {@code /*}
   * @param order the filter's order among the application's filters (default 0: after Spring
   *     Security's, so that a request is authenticated before the cache answers it)
   */
  public record Endpoint(
      @Nullable String name,
      @DefaultValue List<Map<String, Object>> request,
      @DefaultValue List<Map<String, Object>> response,
      @DefaultValue List<Map<String, Object>> extractors,
      @DefaultValue Policy policy,
      @DefaultValue List<String> urlPatterns,
      @DefaultValue("0") int order) {}

  /**
   * A policy, as in the Hitbox YAML: {@code policy: { Enabled: {...} }}.
   *
   * @param enabled the enabled policy's settings; absent means the defaults (ttl 60 s)
   */
  public record Policy(@Nullable Enabled enabled) {}

  /**
   * The settings of an enabled policy. Durations are seconds when given as a number, or {@code
   * 500ms}, {@code 5m}, {@code 1h}.
   *
   * @param ttl how long an entry is fresh (default 60 s)
   * @param stale how long it may then be served stale (default 0)
   * @param policy what to do with a stale entry
   * @param concurrency how many callers per key go upstream at once (dogpile prevention); absent
   *     means unlimited for endpoints and 1 for caches
   */
  public record Enabled(
      @DefaultValue("60") @DurationUnit(ChronoUnit.SECONDS) Duration ttl,
      @DefaultValue("0") @DurationUnit(ChronoUnit.SECONDS) Duration stale,
      @DefaultValue StaleSetting policy,
      @Nullable Integer concurrency) {}

  /**
   * The stale policy: {@code Return} (default), {@code Revalidate} or {@code OffloadRevalidate}.
   *
   * @param stale the policy's name
   */
  public record StaleSetting(@DefaultValue("Return") String stale) {}

  /**
   * The Spring {@code CacheManager} ({@code @Cacheable}).
   *
   * @param enabled whether Hitbox provides the application's {@code CacheManager} (default true,
   *     when caching is enabled and no other {@code CacheManager} is defined)
   * @param names the caches to create at startup; when empty, caches are created on first use
   * @param policy the policy of every cache
   * @param allowedPackages packages whose classes may be cached, besides the application's own
   *     packages and {@code java.lang}, {@code java.util}, {@code java.time}, {@code java.math}
   */
  public record Cache(
      @DefaultValue("true") boolean enabled,
      @DefaultValue List<String> names,
      @DefaultValue Policy policy,
      @DefaultValue List<String> allowedPackages) {}
}
