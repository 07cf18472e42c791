package dev.hitbox.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.StalePolicy;
import dev.hitbox.http.HttpCache;
import dev.hitbox.http.HttpExtractor;
import dev.hitbox.http.RequestPredicate;
import dev.hitbox.testkit.FakeBackend;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AdminTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ProxyFixture f = new ProxyFixture();

  @AfterEach
  void close() throws Exception {
    f.close();
  }

  private static JsonNode json(HttpResponse<String> r) {
    try {
      return JSON.readTree(r.body());
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + r.body(), e);
    }
  }

  /** Authors keyed author_id=N&page=P, tagged author:N. */
  private ProxyRoute authors(Duration ttl) {
    return ProxyRoute.of(
        f.cache("authors")
            .policy(CachePolicy.builder().ttl(ttl).build())
            .requestPredicate(
                RequestPredicate.builder().method("GET").path("/api/authors/{author_id}").build())
            .extractor(
                HttpExtractor.builder().path("/api/authors/{author_id}").query("page").build())
            .configure(
                b ->
                    b.tagger(
                        (key, res) ->
                            key.parts().stream()
                                .filter(p -> p.name().equals("author_id"))
                                .map(p -> "author:" + p.value())
                                .collect(java.util.stream.Collectors.toSet())))
            .build(),
        RequestMatcher.path("/api/authors/{author_id}"));
  }

  private String status(String path) {
    return f.get(path).headers().firstValue("X-Cache-Status").orElse("none");
  }

  private void warm(String... paths) {
    for (String p : paths) {
      f.get(p);
      assertThat(status(p)).as(p).isEqualTo("HIT");
    }
  }

  @Test
  void invalidatesByKey() {
    f.start(authors(Duration.ofMinutes(1)));
    warm("/api/authors/42?page=1", "/api/authors/42?page=2");
    HttpResponse<String> r = f.admin("POST", "/invalidate", "{\"key\": \"author_id=42&page=1\"}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).get("invalidated").asLong()).isEqualTo(1);
    assertThat(status("/api/authors/42?page=1")).isEqualTo("MISS");
    assertThat(status("/api/authors/42?page=2")).isEqualTo("HIT");
    // Again: nothing left under that key.
    assertThat(
            json(f.admin(
                    "POST",
                    "/invalidate",
                    "{\"key\": \"author_id=41&page=1\", \"endpoint\": \"authors\"}"))
                .get("invalidated")
                .asLong())
        .isZero();
  }

  @Test
  void invalidatesByPattern() {
    f.start(authors(Duration.ofMinutes(1)));
    warm("/api/authors/42?page=1", "/api/authors/42?page=2", "/api/authors/43?page=1");
    HttpResponse<String> r = f.admin("POST", "/invalidate", "{\"pattern\": \"author_id=42&*\"}");
    assertThat(json(r).get("invalidated").asLong()).isEqualTo(2);
    assertThat(status("/api/authors/42?page=2")).isEqualTo("MISS");
    assertThat(status("/api/authors/43?page=1")).isEqualTo("HIT");
  }

  @Test
  void invalidatesByTag() {
    f.start(authors(Duration.ofMinutes(1)));
    warm("/api/authors/42?page=1", "/api/authors/42?page=2", "/api/authors/43?page=1");
    HttpResponse<String> r = f.admin("POST", "/invalidate", "{\"tag\": \"author:42\"}");
    assertThat(json(r).get("invalidated").asLong()).isEqualTo(2);
    assertThat(status("/api/authors/42?page=1")).isEqualTo("MISS");
    assertThat(status("/api/authors/43?page=1")).isEqualTo("HIT");
  }

  @Test
  void invalidatesByRequest() {
    f.start(authors(Duration.ofMinutes(1)));
    warm("/api/authors/42?page=1", "/api/authors/42?page=2");
    HttpResponse<String> r =
        f.admin(
            "POST",
            "/invalidate",
            "{\"request\": {\"method\": \"GET\", \"path\": \"/api/authors/42?page=1\","
                + " \"headers\": {\"Accept\": \"application/json\"}}}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).get("invalidated").asLong()).isEqualTo(1);
    assertThat(json(r).get("endpoint").asText()).isEqualTo("authors");
    assertThat(status("/api/authors/42?page=1")).isEqualTo("MISS");
    assertThat(status("/api/authors/42?page=2")).isEqualTo("HIT");

    HttpResponse<String> none =
        f.admin("POST", "/invalidate", "{\"request\": {\"path\": \"/nothing/here\"}}");
    assertThat(none.statusCode()).isEqualTo(404);
  }

  @Test
  void badInvalidationRequestsSayWhatIsExpected() {
    f.start(authors(Duration.ofMinutes(1)));
    HttpResponse<String> notJson = f.admin("POST", "/invalidate", "{key");
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(json(notJson).get("error").asText()).startsWith("body: not JSON");
    HttpResponse<String> two = f.admin("POST", "/invalidate", "{\"key\": \"a\", \"tag\": \"b\"}");
    assertThat(two.statusCode()).isEqualTo(400);
    assertThat(json(two).get("error").asText()).contains("expected one of");
    HttpResponse<String> endpoint =
        f.admin("POST", "/invalidate", "{\"key\": \"a\", \"endpoint\": \"books\"}");
    assertThat(endpoint.statusCode()).isEqualTo(404);
    assertThat(json(endpoint).get("error").asText()).contains("[authors]");
    assertThat(f.admin("GET", "/invalidate", null).statusCode()).isEqualTo(405);
    assertThat(f.admin("GET", "/nope", null).statusCode()).isEqualTo(404);
  }

  @Test
  void theAdminTokenIsRequiredWhenSet() {
    f.start(f.settings().adminToken("s3cret").build(), authors(Duration.ofMinutes(1)));
    HttpResponse<String> none = f.admin("GET", "/metrics", null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"hitbox\"");
    assertThat(f.admin("GET", "/metrics", null, "Authorization", "Bearer wrong").statusCode())
        .isEqualTo(401);
    assertThat(
            f.admin("POST", "/invalidate", "{\"tag\": \"x\"}", "Authorization", "Basic czNjcmV0")
                .statusCode())
        .isEqualTo(401);
    assertThat(f.admin("GET", "/metrics", null, "Authorization", "Bearer s3cret").statusCode())
        .isEqualTo(200);
    assertThat(f.admin("GET", "/health", null, "Authorization", "bearer s3cret").statusCode())
        .isEqualTo(200);
  }

  @Test
  void metricsUseTheArchitectureNames() {
    f.start(authors(Duration.ofMinutes(1)));
    f.get("/api/authors/1");
    f.get("/api/authors/1");
    f.get("/elsewhere");
    HttpResponse<String> r = f.admin("GET", "/metrics", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(r.body())
        .contains("hitbox_requests_total{endpoint=\"authors\",result=\"hit\"} 1\n")
        .contains("hitbox_requests_total{endpoint=\"authors\",result=\"miss\"} 1\n")
        .contains("hitbox_requests_total{endpoint=\"authors\",result=\"stale\"} 0\n")
        .contains("hitbox_requests_total{endpoint=\"authors\",result=\"error\"} 0\n")
        .contains("hitbox_latency_seconds_count{endpoint=\"authors\"} 2\n")
        .contains("hitbox_upstream_duration_seconds_count{endpoint=\"authors\"} 1\n")
        .contains("hitbox_upstream_duration_seconds_count{endpoint=\"\"} 1\n")
        .contains("# TYPE hitbox_dogpile_waits_total counter\n")
        .contains("hitbox_backend_reads_total{backend=\"caffeine\"} 2\n")
        .contains("hitbox_backend_writes_total{backend=\"caffeine\"} 1\n")
        .contains("# TYPE hitbox_backend_errors_total counter\n")
        .containsPattern("hitbox_backend_read_bytes_total\\{backend=\"caffeine\"} [1-9]")
        .containsPattern("hitbox_backend_write_bytes_total\\{backend=\"caffeine\"} [1-9]")
        .contains("hitbox_offload_tasks_spawned_total 0\n")
        .contains("hitbox_offload_tasks_completed_total 0\n")
        .contains("hitbox_offload_tasks_deduplicated_total 0\n")
        .contains("hitbox_offload_tasks_timed_out_total 0\n")
        .contains("hitbox_offload_tasks_active 0\n");
  }

  @Test
  void hotKeysListTheMostRequestedKeysOfEachEndpointBehindTheToken() {
    f.start(f.settings().adminToken("s3cret").build(), authors(Duration.ofMinutes(1)));
    for (int i = 0; i < 5; i++) {
      f.get("/api/authors/42?page=1");
    }
    f.get("/api/authors/7?page=1");
    f.get("/api/authors/7?page=1");
    f.get("/api/authors/9?page=1");

    assertThat(f.admin("GET", "/hotkeys", null).statusCode()).isEqualTo(401);
    HttpResponse<String> r = f.admin("GET", "/hotkeys?n=2", null, "Authorization", "Bearer s3cret");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElseThrow()).contains("json");
    JsonNode authors = json(r).get("endpoints").get("authors");
    assertThat(authors).hasSize(2);
    assertThat(authors.get(0).get("key").asText()).isEqualTo("author_id=42&page=1");
    assertThat(authors.get(0).get("estimate").asLong()).isEqualTo(5);
    assertThat(authors.get(1).get("key").asText()).isEqualTo("author_id=7&page=1");
    assertThat(authors.get(1).get("estimate").asLong()).isEqualTo(2);
    // The key text is what /invalidate takes.
    assertThat(
            f.admin(
                    "POST",
                    "/invalidate",
                    "{\"key\": \"" + authors.get(0).get("key").asText() + "\"}",
                    "Authorization",
                    "Bearer s3cret")
                .body())
        .contains("\"invalidated\":1");

    assertThat(f.admin("GET", "/hotkeys?n=0", null, "Authorization", "Bearer s3cret").statusCode())
        .isEqualTo(400);
    HttpResponse<String> unknown =
        f.admin("GET", "/hotkeys?endpoint=books", null, "Authorization", "Bearer s3cret");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(json(unknown).get("error").asText()).contains("[authors]");
    assertThat(f.admin("POST", "/hotkeys", "{}", "Authorization", "Bearer s3cret").statusCode())
        .isEqualTo(405);
  }

  @Test
  void theGrafanaDashboardQueriesOnlyMetricsThatMetricsDeclares() throws Exception {
    f.start(authors(Duration.ofMinutes(1)));
    f.get("/api/authors/1");
    f.get("/api/authors/1");
    String scrape = f.admin("GET", "/metrics", null).body();
    JsonNode dashboard =
        JSON.readTree(
            java.nio.file.Files.readString(
                java.nio.file.Path.of("..", "docs", "grafana", "hitbox-dashboard.json")));
    java.util.Set<String> names = new java.util.TreeSet<>();
    for (String expr : dashboard.findValuesAsText("expr")) {
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("\\b(hitbox_[a-z_]+)\\b").matcher(expr);
      while (m.find()) {
        names.add(m.group(1).replaceAll("_(bucket|count|sum)$", ""));
      }
    }
    assertThat(names).hasSizeGreaterThan(10);
    assertThat(names).allSatisfy(name -> assertThat(scrape).contains("# TYPE " + name + " "));
  }

  @Test
  void healthReportsEachBackend() {
    FakeBackend broken = new FakeBackend(f.ticker).mode(FakeBackend.Mode.FAIL);
    f.start(
        authors(Duration.ofMinutes(1)),
        ProxyRoute.of(
            HttpCache.builder("books").backend(broken).build(),
            RequestMatcher.pathPrefix("/books")));
    HttpResponse<String> r = f.admin("GET", "/health", null);
    assertThat(r.statusCode()).isEqualTo(503);
    JsonNode h = json(r);
    assertThat(h.get("status").asText()).isEqualTo("down");
    assertThat(h.get("backends")).hasSize(2);
    assertThat(h.get("backends").findValuesAsText("state")).containsExactlyInAnyOrder("up", "down");
    broken.mode(FakeBackend.Mode.NORMAL);
    assertThat(f.admin("GET", "/health", null).statusCode()).isEqualTo(200);
    // A failing backend fails open: the request is still answered.
    broken.mode(FakeBackend.Mode.FAIL);
    assertThat(f.get("/books/1").statusCode()).isEqualTo(200);
  }

  @Test
  void configShowsTheConfigurationWithSecretsMasked() {
    f.start(
        f.settings().adminToken("s3cret").upstream("http://user:pw@127.0.0.1:1/base").build(),
        authors(Duration.ofMinutes(1)));
    HttpResponse<String> r = f.admin("GET", "/config", null, "Authorization", "Bearer s3cret");
    JsonNode c = json(r);
    assertThat(c.get("admin_token").asText()).isEqualTo("***");
    assertThat(c.get("upstream").asText()).isEqualTo("http://user:***@127.0.0.1:1/base");
    assertThat(r.body()).doesNotContain("s3cret").doesNotContain("pw@");
    JsonNode e = c.get("endpoints").get(0);
    assertThat(e.get("name").asText()).isEqualTo("authors");
    assertThat(e.get("match").asText()).isEqualTo("path /api/authors/{author_id}");
    assertThat(e.get("policy").get("ttl").asText()).isEqualTo("1m");
    assertThat(e.get("backend").asText()).isEqualTo("caffeine");
  }

  @Test
  void reloadSwapsTheRoutesAndABrokenConfigurationKeepsTheOld() {
    AtomicReference<Supplier<ProxyConfig>> source = new AtomicReference<>();
    ProxySettings settings = f.settings().build();
    source.set(() -> ProxyConfig.of(settings, ProxyRoutes.of(authors(Duration.ofSeconds(60)))));
    f.proxy =
        HitboxProxy.builder(source.get().get())
            .metrics(f.metrics)
            .reloader(() -> source.get().get())
            .start();

    f.get("/api/authors/1");
    f.ticker.advance(Duration.ofSeconds(10));
    assertThat(status("/api/authors/1")).isEqualTo("HIT");

    // The ttl goes from 60 s to 5 s: entries written from now on live 5 s.
    source.set(() -> ProxyConfig.of(settings, ProxyRoutes.of(authors(Duration.ofSeconds(5)))));
    HttpResponse<String> ok = f.admin("POST", "/config/reload", null);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(json(ok).get("reloaded").asBoolean()).isTrue();
    assertThat(json(ok).get("restart_needed")).isEmpty();
    f.get("/api/authors/2");
    f.ticker.advance(Duration.ofSeconds(6));
    assertThat(status("/api/authors/2")).isEqualTo("MISS");
    assertThat(f.admin("GET", "/config", null).body()).contains("\"ttl\":\"5s\"");

    // A broken file: the error names it; the 5 s routes stay in force.
    source.set(
        () -> {
          throw new ConfigurationException("proxy.yaml:7:12: ttl: -5 (expected: > 0)");
        });
    HttpResponse<String> broken = f.admin("POST", "/config/reload", null);
    assertThat(broken.statusCode()).isEqualTo(400);
    assertThat(json(broken).get("error").asText())
        .isEqualTo("proxy.yaml:7:12: ttl: -5 (expected: > 0)");
    assertThat(json(broken).get("reloaded").asBoolean()).isFalse();
    assertThat(status("/api/authors/2")).isEqualTo("HIT");
    f.ticker.advance(Duration.ofSeconds(6));
    assertThat(status("/api/authors/2")).isEqualTo("MISS");
  }

  @Test
  void reloadReportsSettingsThatNeedARestart() {
    ProxySettings settings = f.settings().build();
    ProxyConfig moved =
        ProxyConfig.of(
            settings.toBuilder()
                .listen("127.0.0.1:1")
                .upstreamTimeout(Duration.ofSeconds(1))
                .build(),
            ProxyRoutes.empty());
    f.proxy =
        HitboxProxy.builder(
                ProxyConfig.of(settings, ProxyRoutes.of(authors(Duration.ofSeconds(60)))))
            .reloader(() -> moved)
            .start();
    HttpResponse<String> r = f.admin("POST", "/config/reload", null);
    assertThat(json(r).get("restart_needed").toString()).isEqualTo("[\"listen\",\"timeouts\"]");
    assertThat(json(r).get("endpoints")).isEmpty();
    assertThat(f.proxy.config().settings().listen())
        .isEqualTo(f.proxy.config().settings().listen());
  }

  @Test
  void reloadWithoutAFileIsRefused() {
    f.start(authors(Duration.ofSeconds(60)));
    assertThat(f.admin("POST", "/config/reload", null).statusCode()).isEqualTo(409);
  }

  @Test
  void staleSettingsOfTheRouteShowInConfig() {
    f.start(
        f.authors(Duration.ofSeconds(60), Duration.ofSeconds(300), StalePolicy.OFFLOAD_REVALIDATE)
            .build());
    JsonNode e = json(f.admin("GET", "/config", null)).get("endpoints").get(0);
    assertThat(e.get("policy").get("stale").asText()).isEqualTo("5m");
    assertThat(e.get("policy").get("stale_policy").asText()).isEqualTo("OFFLOAD_REVALIDATE");
    assertThat(e.get("policy").get("stale_if_error").asText()).isEqualTo("0s");
  }
}
