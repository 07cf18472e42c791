package dev.hitbox.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.config.ExtractorConfig;
import dev.hitbox.config.PredicateConfig;
import dev.hitbox.config.PredicateConfig.Operation;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.KeyPart;
import dev.hitbox.http.HttpRequest;
import dev.hitbox.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each YAML rule becomes the HTTP predicate or extractor of the same meaning. */
class YamlConfigLoaderTest {
  private static final HttpRequest REQUEST =
      HttpRequest.builder()
          .uri("/api/authors/42?page=2&utm_source=x")
          .header("Accept", "application/json")
          .header("Authorization", "Bearer abc")
          .build();

  private static boolean test(PredicateConfig p, HttpRequest r) {
    return YamlConfigLoader.request(p).test(r).toCompletableFuture().join();
  }

  @Test
  void requestRulesMapToRequestPredicates() {
    assertThat(test(new PredicateConfig.Method(List.of("GET", "HEAD")), REQUEST)).isTrue();
    assertThat(test(new PredicateConfig.Path("/api/authors/{id}"), REQUEST)).isTrue();
    assertThat(test(new PredicateConfig.Query("page", Operation.IN, List.of("1", "2")), REQUEST))
        .isTrue();
    assertThat(test(new PredicateConfig.Query("page", Operation.EQ, List.of("1")), REQUEST))
        .isFalse();
    assertThat(
            test(
                new PredicateConfig.Header("accept", Operation.CONTAINS, List.of("json")), REQUEST))
        .isTrue();
    assertThat(test(new PredicateConfig.Header("x-v", Operation.EXIST, List.of()), REQUEST))
        .isFalse();
    assertThat(
            test(
                new PredicateConfig.Not(
                    new PredicateConfig.Header("accept", Operation.REGEX, List.of("^text/"))),
                REQUEST))
        .isTrue();
    assertThat(
            test(
                new PredicateConfig.Or(
                    List.of(
                        new PredicateConfig.Path("/nope"),
                        new PredicateConfig.And(
                            List.of(new PredicateConfig.Method(List.of("GET")))))),
                REQUEST))
        .isTrue();
  }

  @Test
  void responseRulesMapToResponsePredicates() {
    PredicateConfig success =
        new PredicateConfig.Status(List.of(new PredicateConfig.Status.Range(200, 299)));
    assertThat(
            YamlConfigLoader.response(success)
                .test(HttpResponse.builder().status(204).build())
                .toCompletableFuture()
                .join())
        .isTrue();
    assertThat(
            YamlConfigLoader.response(success)
                .test(HttpResponse.builder().status(404).build())
                .toCompletableFuture()
                .join())
        .isFalse();
  }

  @Test
  void extractorsMapToHttpExtractors() {
    List<KeyPart> parts =
        dev.hitbox.http.HttpExtractor.chain(
                List.of(
                    YamlConfigLoader.extractor(new ExtractorConfig.Method()),
                    YamlConfigLoader.extractor(
                        new ExtractorConfig.Path("/api/authors/{author_id}")),
                    YamlConfigLoader.extractor(
                        new ExtractorConfig.Query("page", "(\\d)", List.of())),
                    YamlConfigLoader.extractor(
                        new ExtractorConfig.QueryStarts(
                            "utm_", List.of(ExtractorConfig.Transform.UPPERCASE))),
                    YamlConfigLoader.extractor(
                        new ExtractorConfig.Header(
                            "Authorization",
                            "Bearer (.+)",
                            List.of(ExtractorConfig.Transform.HASH)))))
            .extract(REQUEST)
            .toCompletableFuture()
            .join();
    assertThat(parts).hasSize(5);
    assertThat(parts.subList(0, 3))
        .containsExactly(
            KeyPart.of("method", "GET"), KeyPart.of("author_id", "42"), KeyPart.of("page", "2"));
    assertThat(parts.get(3).value()).isEqualTo("X");
    assertThat(parts.get(4).value()).isNotEqualTo("abc").hasSizeGreaterThan(16);
  }

  @Test
  void routesHandleThePathsTheirRulesName() {
    RequestMatcher m =
        YamlConfigLoader.matcher(
            List.of(
                new PredicateConfig.Method(List.of("GET")),
                new PredicateConfig.Or(
                    List.of(
                        new PredicateConfig.Path("/a/{id}"),
                        new PredicateConfig.Path("/b/{id}")))));
    assertThat(m.matches(HttpRequest.get("/a/1"))).isTrue();
    assertThat(m.matches(HttpRequest.get("/b/1"))).isTrue();
    assertThat(m.matches(HttpRequest.get("/c/1"))).isFalse();
    assertThat(m.toString()).isEqualTo("path /a/{id} or path /b/{id}");
    assertThat(
            YamlConfigLoader.matcher(List.of(new PredicateConfig.Method(List.of("GET"))))
                .toString())
        .isEqualTo("any");
  }

  @Test
  void tagTemplatesTakeKeyParts() {
    CacheKey key = CacheKey.builder("authors").part("author_id", "42").part("page", "1").build();
    assertThat(
            YamlConfigLoader.tagger(
                    List.of("author:{author_id}", "page:{page}:{author_id}", "x:{nope}"))
                .apply(key, HttpResponse.builder().build()))
        .containsExactly("author:42", "page:1:42");
  }
}
