package dev.hitbox.config;

import static dev.hitbox.config.Configs.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.core.OffloadManager;
import dev.hitbox.core.TimeoutPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The many-endpoints form, shared and own backends, and the proxy-only keys. */
class EndpointsTest {
  static final String MANY =
      """
      listen: 0.0.0.0:8080
      admin: "[::1]:9090"
      admin_token: ${HITBOX_ADMIN_TOKEN}
      upstream: https://api.example.com/base
      offload:
        max_concurrent_tasks: 10
        timeout_policy: {Cancel: 30s}
        deduplicate: false
      backend:
        type: Moka
        max_capacity: 5000
      endpoints:
        - name: authors
          request: [{Method: GET}, {Path: "/api/authors/{author_id}"}]
          extractors: [{Path: "/api/authors/{author_id}"}]
          tags: ["author:{author_id}"]
          policy: {Enabled: {ttl: 5m, stale: 1h}}
        - name: books
          request: [{Path: "/api/books/{id}"}]
          policy: Disabled
          backend:
            type: Moka
            max_bytes: 64MiB
        - name: search
          policy: {Enabled: {ttl: 500ms}}
      """;

  @Test
  void manyEndpoints() {
    HitboxConfig c = parse(MANY);
    assertThat(c.endpoints())
        .extracting(EndpointConfig::name)
        .containsExactly("authors", "books", "search");
    assertThat(c.listen().getHostString()).isEqualTo("0.0.0.0");
    assertThat(c.admin()).hasValueSatisfying(a -> assertThat(a.getHostString()).isEqualTo("::1"));
    assertThat(c.adminToken()).hasValue("s3cret");
    assertThat(c.toString()).doesNotContain("s3cret").contains("adminToken=****");
    assertThat(c.upstream()).hasValueSatisfying(u -> assertThat(u.getPath()).isEqualTo("/base"));

    EndpointConfig authors = c.endpoint("authors").orElseThrow();
    assertThat(authors.policy().ttl()).isEqualTo(Duration.ofMinutes(5));
    assertThat(authors.policy().stale()).isEqualTo(Duration.ofHours(1));
    assertThat(authors.tags()).containsExactly("author:{author_id}");
    assertThat(authors.backend().settings()).isEqualTo(new CaffeineProvider.Settings(5000, 0));

    EndpointConfig books = c.endpoint("books").orElseThrow();
    assertThat(books.policy().enabled()).isFalse();
    assertThat(books.backend().settings()).isEqualTo(new CaffeineProvider.Settings(0, 64L << 20));

    EndpointConfig search = c.endpoint("search").orElseThrow();
    assertThat(search.policy().ttl()).isEqualTo(Duration.ofMillis(500));
    assertThat(search.backend()).isEqualTo(authors.backend());
    assertThat(c.backends()).containsExactly(authors.backend(), books.backend());
    assertThat(c.endpoint("nope")).isEmpty();
  }

  @Test
  void offloadSettingsBuildAManager() {
    OffloadConfig o = parse(MANY).offload();
    assertThat(o.maxConcurrentTasks()).hasValue(10);
    assertThat(o.timeoutPolicy().kind()).isEqualTo(TimeoutPolicy.Kind.CANCEL);
    assertThat(o.timeoutPolicy().duration()).hasValue(Duration.ofSeconds(30));
    assertThat(o.deduplicate()).isFalse();
    OffloadManager m = o.toBuilder().build();
    assertThat(m.maxConcurrentTasks()).isEqualTo(10);
    assertThat(m.deduplicate()).isFalse();

    OffloadConfig defaults = parse("policy: Disabled").offload();
    assertThat(defaults.maxConcurrentTasks()).isEmpty();
    assertThat(defaults.timeoutPolicy().kind()).isEqualTo(TimeoutPolicy.Kind.NONE);
    assertThat(defaults.deduplicate()).isTrue();
    assertThat(parse("offload: {timeout_policy: {Warn: 2m}}").offload().timeoutPolicy().kind())
        .isEqualTo(TimeoutPolicy.Kind.WARN);
    assertThat(parse("offload: {timeout_policy: None}").offload().timeoutPolicy().kind())
        .isEqualTo(TimeoutPolicy.Kind.NONE);
  }

  @Test
  void defaultsOfASingleEndpoint() {
    HitboxConfig c = parse("name: catalog\n");
    EndpointConfig e = c.endpoints().get(0);
    assertThat(e.name()).isEqualTo("catalog");
    assertThat(e.policy().enabled()).isTrue();
    assertThat(e.policy().ttl()).isEqualTo(Duration.ofSeconds(60));
    assertThat(e.backend()).isEqualTo(BackendReader.DEFAULT);
    assertThat(c.listen()).isEqualTo(HitboxConfig.DEFAULT_LISTEN);
    assertThat(c.admin()).isEmpty();
    assertThat(c.adminToken()).isEmpty();
    assertThat(c.upstream()).isEmpty();
    assertThat(parse("policy: Enabled").endpoints().get(0).policy().enabled()).isTrue();
    assertThat(parse("policy: {Disabled: }").endpoints().get(0).policy().enabled()).isFalse();
    assertThat(parse("policy: {Enabled: }").endpoints().get(0).policy().enabled()).isTrue();
  }

  @Test
  void sameBackendTellsWhatAReloadMayKeep() {
    HitboxConfig before = parse(MANY);
    HitboxConfig after =
        parse(MANY.replace("max_bytes: 64MiB", "max_bytes: 128MiB").replace("ttl: 5m", "ttl: 10m"));
    assertThat(after.sameBackend(before, "authors")).isTrue();
    assertThat(after.sameBackend(before, "search")).isTrue();
    assertThat(after.sameBackend(before, "books")).isFalse();
    assertThat(after.sameBackend(before, "nope")).isFalse();
    HitboxConfig renamedType =
        parse(MANY.replace("type: Moka\n  max_capacity", "type: Caffeine\n  max_capacity"));
    assertThat(renamedType.sameBackend(before, "authors")).isTrue();
  }

  @Test
  void backendTimeoutIsAnEndpointKey() {
    HitboxConfig c =
        parse(
            """
            endpoints:
              - name: remote
                backend_timeout: 2s
              - name: local
            """);
    assertThat(c.endpoint("remote").orElseThrow().backendTimeout()).hasValue(Duration.ofSeconds(2));
    assertThat(c.endpoint("local").orElseThrow().backendTimeout()).isEmpty();
    assertThat(parse("backend_timeout: 250ms\n").endpoints().get(0).backendTimeout())
        .hasValue(Duration.ofMillis(250));
    assertThatThrownBy(() -> parse("backend_timeout: 0ms\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("backend_timeout at line 1")
        .hasMessageContaining("\"0ms\"")
        .hasMessageContaining("a positive duration such as 50ms or 2s");
  }
}
