package dev.hitbox.spring.boot;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationUnit;

/**
 * The {@code hitbox.*} properties. Under {@code hitbox}, {@code application.yml} (or {@code
 * .properties}, system properties, any enumerable property source) takes <b>the same schema as a
 * Hitbox YAML file</b> (docs/configuration.md): every predicate, extractor, transform, tag
 * template, policy, backend type (those of the modules on the class path: {@code Redis}, {@code
 * Memcached}, {@code RocksDb}, ...), {@code Composition}, key and value formats, compression and
 * {@code offload}. Those keys are read by {@code hitbox-config}, with its checks and messages: an
 * unknown key or a bad value fails the startup with a message naming the key under {@code hitbox.}
 * and what is allowed, and {@code ${ENV_VAR}} is substituted from the process environment as in a
 * file. Keys are case-sensitive ({@code Method}, {@code Enabled}) as in the file.
 *
 * <pre>{@code
 * hitbox:
 *   backend: { type: Redis, url: "${REDIS_URL}", value: { compression: { type: Zstd } } }
 *   endpoints:
 *     - name: authors
 *       request:    [ {Method: GET}, {Path: "/api/authors/{author_id}"},
 *                     {Or: [ {Header: {x-api-key: {exist: true}}}, {Query: {public: "true"}} ]} ]
 *       response:   [ {Status: Success} ]
 *       extractors: [ {Method: }, {Path: "/api/authors/{author_id}"},
 *                     {Header: {name: Authorization, transforms: [hash]}} ]
 *       tags:       [ "author:{author_id}" ]
 *       policy: { Enabled: { ttl: 60, stale: 300, policy: {stale: Revalidate}, concurrency: 1 } }
 *       url-patterns: [ /api/authors/* ]   # Spring only
 *       order: 0                           # Spring only
 *   cache:                                 # Spring only: the CacheManager for @Cacheable
 *     policy: { Enabled: { ttl: 300, concurrency: 1 } }
 *     allowed-packages: [ com.example.model ]
 * }</pre>
 *
 * <p>This record binds only the keys that the YAML schema does not have: {@code hitbox.cache} here,
 * and {@code url-patterns} and {@code order} as an {@link Endpoint} for each {@code
 * hitbox.endpoints[i]}. They are taken out before the rest is read as YAML.
 *
 * @param cache the Spring {@code CacheManager}
 */
@ConfigurationProperties("hitbox")
public record HitboxProperties(@DefaultValue Cache cache) {

  /**
   * The Spring-only settings of one endpoint, bound from {@code hitbox.endpoints[i]}; the
   * endpoint's other keys ({@code name}, {@code request}, {@code response}, {@code extractors},
   * {@code tags}, {@code policy}, {@code backend}) are those of the YAML schema.
   *
   * @param urlPatterns where the endpoint's servlet filter is mapped; by default derived from the
   *     {@code Path} rules ({@code /api/authors/{id}} maps {@code /api/authors/*}), or {@code /*}
   * @param order the filter's order among the application's filters (default 0: after Spring
   *     Security's, so that a request is authenticated before the cache answers it)
   */
  public record Endpoint(@DefaultValue List<String> urlPatterns, @DefaultValue("0") int order) {
    /** No url patterns given, order 0. */
    public static final Endpoint DEFAULT = new Endpoint(List.of(), 0);
  }

  /**
   * The policy of the {@code CacheManager}'s caches, as in the Hitbox YAML: {@code policy: {
   * Enabled: {...} }}.
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
