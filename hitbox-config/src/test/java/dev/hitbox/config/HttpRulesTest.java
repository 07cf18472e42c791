package dev.hitbox.config;

import static dev.hitbox.config.Configs.parse;
import static dev.hitbox.config.Configs.seed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.config.ExtractorConfig.Transform;
import dev.hitbox.config.PredicateConfig.And;
import dev.hitbox.config.PredicateConfig.Header;
import dev.hitbox.config.PredicateConfig.Not;
import dev.hitbox.config.PredicateConfig.Operation;
import dev.hitbox.config.PredicateConfig.Or;
import dev.hitbox.config.PredicateConfig.Query;
import dev.hitbox.config.PredicateConfig.Status;
import dev.hitbox.config.PredicateConfig.Status.Range;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The request, response and extractor grammar maps onto the neutral records. */
class HttpRulesTest {

  private static EndpointConfig endpoint(String yaml) {
    return parse(yaml).endpoints().get(0);
  }

  @Test
  void theArchitectureGrammar() {
    EndpointConfig e =
        Configs.LOADER.parse(seed("architecture-grammar.yaml"), "grammar.yaml").endpoints().get(0);
    assertThat(e.request())
        .containsExactly(
            new PredicateConfig.Method(List.of("GET")),
            new PredicateConfig.Path("/v1/authors/{author_id}"),
            new And(
                List.of(
                    new Query("page", Operation.EQ, List.of("1")),
                    new Query("status", Operation.IN, List.of("active", "pending")),
                    new Query("debug", Operation.EXIST, List.of()),
                    new Query("x", Operation.EQ, List.of("v")),
                    new Query("y", Operation.IN, List.of("a", "b")))),
            new And(
                List.of(
                    new Header("x-api-key", Operation.EQ, List.of("secret")),
                    new Header("accept", Operation.IN, List.of("a", "b")),
                    new Header("content-type", Operation.CONTAINS, List.of("json")),
                    new Header("x-v", Operation.REGEX, List.of("^v\\d+")),
                    new Header("x-custom", Operation.EXIST, List.of()))),
            new PredicateConfig.BodyJq(".kind == \"query\""));
    assertThat(e.response())
        .containsExactly(
            new Status(List.of(new Range(200, 200))),
            new Header("content-type", Operation.CONTAINS, List.of("json")),
            new PredicateConfig.BodyJq("length > 0"));
    assertThat(e.extractors())
        .containsExactly(
            new ExtractorConfig.Method(),
            new ExtractorConfig.Path("/v1/authors/{author_id}/books/{book_id}"),
            new ExtractorConfig.Query("page", null, List.of()),
            new ExtractorConfig.Header("X-Api-Key", null, List.of()),
            new ExtractorConfig.BodyJq(".user.id", List.of()));
  }

  @Test
  void methodForms() {
    assertThat(
            endpoint(
                    "request: [{Method: [GET, HEAD]}, {Method: {in: [GET]}}, {Method: {eq: PURGE}}]")
                .request())
        .containsExactly(
            new PredicateConfig.Method(List.of("GET", "HEAD")),
            new PredicateConfig.Method(List.of("GET")),
            new PredicateConfig.Method(List.of("PURGE")));
  }

  @Test
  void statusForms() {
    assertThat(
            endpoint(
                    "response:\n"
                        + "  - Status: [200, 201]\n"
                        + "  - Status: {in: [200, Redirect]}\n"
                        + "  - Status: {range: [200, 299]}\n"
                        + "  - Status: {eq: 404}\n"
                        + "  - Status: [Informational, ClientError, ServerError]\n")
                .response())
        .containsExactly(
            new Status(List.of(new Range(200, 200), new Range(201, 201))),
            new Status(List.of(new Range(200, 200), new Range(300, 399))),
            new Status(List.of(new Range(200, 299))),
            new Status(List.of(new Range(404, 404))),
            new Status(List.of(new Range(100, 199), new Range(400, 499), new Range(500, 599))));
    Status success = new Status(List.of(new Range(200, 299)));
    assertThat(success.matches(204)).isTrue();
    assertThat(success.matches(304)).isFalse();
  }

  @Test
  void trees() {
    EndpointConfig e =
        endpoint(
            "request:\n"
                + "  - Or:\n"
                + "      - Method: GET\n"
                + "      - And: [{Method: POST}, {Body: {jq: '.kind == \"query\"'}}]\n"
                + "  - Not: {Header: {authorization: {exist: true}}}\n"
                + "  - Not: [{Query: {debug: 1}}, {Query: {trace: 1}}]\n");
    assertThat(e.request())
        .containsExactly(
            new Or(
                List.of(
                    new PredicateConfig.Method(List.of("GET")),
                    new And(
                        List.of(
                            new PredicateConfig.Method(List.of("POST")),
                            new PredicateConfig.BodyJq(".kind == \"query\""))))),
            new Not(new Header("authorization", Operation.EXIST, List.of())),
            new Not(
                new And(
                    List.of(
                        new Query("debug", Operation.EQ, List.of("1")),
                        new Query("trace", Operation.EQ, List.of("1"))))));
  }

  @Test
  void bodyRules() {
    assertThat(
            endpoint(
                    "request: [{Body: {limit: 1048576}}, {Body: {limit: 64KiB, contains: \"kind\"}}, {Body: {regex: 'q\\d'}}]")
                .request())
        .containsExactly(
            new PredicateConfig.BodyLimit(1_048_576),
            new And(
                List.of(
                    new PredicateConfig.BodyLimit(65_536),
                    new PredicateConfig.BodyContains("kind"))),
            new PredicateConfig.BodyRegex("q\\d"));
  }

  @Test
  void aRuleWithSeveralKeysIsTheirConjunction() {
    assertThat(endpoint("request:\n  - Method: GET\n    Path: /a\n").request())
        .containsExactly(
            new And(
                List.of(
                    new PredicateConfig.Method(List.of("GET")), new PredicateConfig.Path("/a"))));
  }

  @Test
  void extractorForms() {
    EndpointConfig e =
        endpoint(
            "extractors:\n"
                + "  - Query: {starts: utm_}\n"
                + "  - Query: {name: q, value: '^(\\w+)', transforms: [lowercase]}\n"
                + "  - Header: {name: Authorization, value: \"Bearer (.+)\", transforms: [hash]}\n"
                + "  - Header: {starts: X-Custom-, transforms: uppercase}\n"
                + "  - Body: {hash: true}\n"
                + "  - Body: {regex: \"(?<user>u\\\\d+)\", transforms: [lowercase]}\n"
                + "  - Body: {jq: .user.id, transforms: [hash, lowercase]}\n");
    assertThat(e.extractors())
        .containsExactly(
            new ExtractorConfig.QueryStarts("utm_", List.of()),
            new ExtractorConfig.Query("q", "^(\\w+)", List.of(Transform.LOWERCASE)),
            new ExtractorConfig.Header("Authorization", "Bearer (.+)", List.of(Transform.HASH)),
            new ExtractorConfig.HeaderStarts("x-custom-", List.of(Transform.UPPERCASE)),
            new ExtractorConfig.BodyHash(),
            new ExtractorConfig.BodyRegex("(?<user>u\\d+)", List.of(Transform.LOWERCASE)),
            new ExtractorConfig.BodyJq(".user.id", List.of(Transform.HASH, Transform.LOWERCASE)));
  }

  @Test
  void tagsAndEmptySections() {
    EndpointConfig e =
        endpoint(
            "tags: [\"author:{author_id}\", \"books\", \"{X-Api-Key}:{page}\"]\nrequest:\nresponse: []\n");
    assertThat(e.tags()).containsExactly("author:{author_id}", "books", "{X-Api-Key}:{page}");
    assertThat(e.request()).isEmpty();
    assertThat(e.response()).isEmpty();
    assertThat(e.extractors()).isEmpty();
  }
}
