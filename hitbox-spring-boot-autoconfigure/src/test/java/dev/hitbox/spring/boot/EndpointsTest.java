package dev.hitbox.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.caffeine.CaffeineBackend;
import dev.hitbox.core.ConfigurationException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EndpointsTest {
  private static HitboxProperties.Endpoint endpoint(List<Map<String, Object>> request) {
    return new HitboxProperties.Endpoint(
        "authors", request, List.of(), List.of(), new HitboxProperties.Policy(null), List.of(), 0);
  }

  @Test
  void whatTheSubsetDoesNotHaveIsRejectedByName() {
    HitboxProperties.Endpoint e = endpoint(List.of(Map.of("Header", Map.of("x-api-key", "s"))));

    assertThatThrownBy(
            () -> Endpoints.httpCache(e, 2, CaffeineBackend.builder().maxCapacity(10).build()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "hitbox.endpoints[2].request[0]: header (supported here: Method, Path; the full schema"
                + " comes with hitbox-config)");
  }

  @Test
  void theFilterIsMappedWhereThePathPatternCanMatch() {
    assertThat(Endpoints.urlPatterns(endpoint(List.of(Map.of("Path", "/api/authors/{id}")))))
        .containsExactly("/api/authors/*");
    assertThat(Endpoints.urlPatterns(endpoint(List.of(Map.of("Path", "/health")))))
        .containsExactly("/health");
    assertThat(Endpoints.urlPatterns(endpoint(List.of(Map.of("Method", "GET")))))
        .containsExactly("/*");
  }

  @Test
  void aListMayComeAsIndexesOrText() {
    assertThat(Endpoints.strings(Map.of("1", "HEAD", "0", "GET"), "x"))
        .containsExactly("GET", "HEAD");
    assertThat(Endpoints.strings("GET, HEAD", "x")).containsExactly("GET", "HEAD");
  }
}
