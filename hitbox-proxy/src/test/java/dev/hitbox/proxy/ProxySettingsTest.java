package dev.hitbox.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.ConfigurationException;
import dev.hitbox.http.HttpCache;
import dev.hitbox.http.HttpRequest;
import dev.hitbox.testkit.FakeBackend;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProxySettingsTest {

  @Test
  void defaultsAreLoopbackOnly() {
    ProxySettings s = ProxySettings.builder().upstream("http://127.0.0.1:9000").build();
    assertThat(ProxySettings.hostPort(s.listen())).isEqualTo("127.0.0.1:8080");
    assertThat(s.admin().map(ProxySettings::hostPort)).hasValue("127.0.0.1:9090");
    assertThat(s.adminToken()).isEmpty();
    assertThat(s.upstreamTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.toString()).contains("adminToken=none");
  }

  @Test
  void badValuesNameTheSettingAndWhatIsExpected() {
    ProxySettings.Builder b = ProxySettings.builder();
    assertThatThrownBy(() -> b.listen("8080"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("listen: \"8080\" (expected: host:port such as 127.0.0.1:8080)");
    assertThatThrownBy(() -> b.admin("::1:9090")).hasMessageStartingWith("admin: \"::1:9090\"");
    assertThatThrownBy(() -> b.listen("127.0.0.1:70000")).hasMessageStartingWith("listen:");
    assertThatThrownBy(() -> b.upstream("ftp://x"))
        .hasMessageStartingWith("upstream: \"ftp://x\" (expected: an http or https URL");
    assertThatThrownBy(() -> b.upstream("http://x/?q=1")).hasMessageStartingWith("upstream:");
    assertThatThrownBy(() -> b.upstreamTimeout(Duration.ZERO))
        .hasMessage("upstream_timeout: PT0S (expected: > 0)");
    assertThatThrownBy(() -> b.maxConnections(0)).hasMessage("max_connections: 0 (expected: > 0)");
    assertThatThrownBy(() -> b.adminToken("has space")).hasMessageStartingWith("admin_token: ***");
    assertThatThrownBy(b::build).hasMessageStartingWith("upstream: missing");
  }

  @Test
  void ipv6AndSecretsAreWrittenBack() {
    ProxySettings s =
        ProxySettings.builder()
            .listen("[::1]:8081")
            .noAdmin()
            .adminToken("t0ken")
            .upstream("https://me:pw@api.example:8443/v1")
            .build();
    assertThat(ProxySettings.hostPort(s.listen())).isEqualTo("[0:0:0:0:0:0:0:1]:8081");
    assertThat(s.admin()).isEmpty();
    assertThat(s.maskedUpstream()).isEqualTo("https://me:***@api.example:8443/v1");
    assertThat(s.toString()).doesNotContain("t0ken").doesNotContain("pw");
    assertThat(s.toBuilder().build()).isEqualTo(s);
  }

  @Test
  void routesNeedAMatcherAndUniqueNames() {
    HttpCache cache =
        HttpCache.builder("items")
            .backend(new FakeBackend())
            .policy(CachePolicy.builder().build())
            .build();
    assertThatThrownBy(() -> ProxyRoute.builder(cache).build())
        .hasMessageStartingWith("endpoint items: no matcher");
    ProxyRoute r = ProxyRoute.of(cache, RequestMatcher.pathPrefix("/items"));
    assertThatThrownBy(() -> ProxyRoutes.of(r, r))
        .hasMessage("endpoints: \"items\" appears twice (expected: unique endpoint names)");
    assertThat(ProxyRoutes.of(r).find(HttpRequest.get("/items/1"))).hasValue(r);
    assertThat(ProxyRoutes.of(r).find(HttpRequest.get("/other"))).isEmpty();
    assertThat(ProxyRoutes.of(r).named("items")).hasValue(r);
  }

  @Test
  void matchersDescribeThemselves() {
    RequestMatcher m = RequestMatcher.path("/a/{id}").and(RequestMatcher.method("get", "HEAD"));
    assertThat(m.matches(HttpRequest.get("/a/1"))).isTrue();
    assertThat(m.matches(HttpRequest.get("/a/1/b"))).isFalse();
    assertThat(m.matches(HttpRequest.builder().method("POST").uri("/a/1").build())).isFalse();
    assertThat(m.toString()).startsWith("path /a/{id} and method ");
    assertThat(RequestMatcher.any().toString()).isEqualTo("any");
    assertThatThrownBy(() -> RequestMatcher.pathPrefix("a"))
        .hasMessage("path prefix: \"a\" (expected: a path starting with /)");
  }
}
