package dev.hitbox.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.spi.CachePredicate;
import org.junit.jupiter.api.Test;

class ResponsePredicateTest {

  static boolean test(CachePredicate<? super HttpResponse> p, HttpResponse r) {
    return p.test(r).toCompletableFuture().join();
  }

  static HttpResponse status(int s) {
    return HttpResponse.builder().status(s).build();
  }

  static HttpResponse body(String b) {
    return HttpResponse.builder().header("Content-Type", "application/json").body(b).build();
  }

  @Test
  void statusEq() {
    assertThat(test(ResponsePredicate.status(200), status(200))).isTrue();
    assertThat(test(ResponsePredicate.status(200), status(201))).isFalse();
    assertThatThrownBy(() -> ResponsePredicate.status(99))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("status: 99 (expected: 100..599)");
  }

  @Test
  void statusIn() {
    ResponsePredicate p = ResponsePredicate.statusIn(200, 201);
    assertThat(test(p, status(201))).isTrue();
    assertThat(test(p, status(204))).isFalse();
    assertThatThrownBy(ResponsePredicate::statusIn)
        .hasMessage("status in: [] (expected: at least one status)");
  }

  @Test
  void statusRange() {
    ResponsePredicate p = ResponsePredicate.statusRange(200, 299);
    assertThat(test(p, status(200))).isTrue();
    assertThat(test(p, status(299))).isTrue();
    assertThat(test(p, status(300))).isFalse();
    assertThatThrownBy(() -> ResponsePredicate.statusRange(300, 200))
        .hasMessage("status range: [300, 200] (expected: from <= to)");
  }

  @Test
  void statusClass() {
    assertThat(test(ResponsePredicate.statusClass(StatusClass.SUCCESS), status(204))).isTrue();
    assertThat(test(ResponsePredicate.statusClass(StatusClass.SUCCESS), status(301))).isFalse();
    assertThat(test(ResponsePredicate.statusClass(StatusClass.REDIRECT), status(301))).isTrue();
    assertThat(test(ResponsePredicate.statusClass(StatusClass.CLIENT_ERROR), status(404))).isTrue();
    assertThat(test(ResponsePredicate.statusClass(StatusClass.SERVER_ERROR), status(503))).isTrue();
    assertThat(test(ResponsePredicate.statusClass(StatusClass.SERVER_ERROR), status(404)))
        .isFalse();
  }

  @Test
  void headers() {
    HttpResponse r = body("{}");
    assertThat(test(ResponsePredicate.header(Operation.contains("content-type", "json")), r))
        .isTrue();
    assertThat(test(ResponsePredicate.header(Operation.eq("Content-Type", "text/html")), r))
        .isFalse();
    assertThat(test(ResponsePredicate.header(Operation.exist("ETag")), r)).isFalse();
    assertThat(
            test(
                ResponsePredicate.header(Operation.in("content-type", "application/json", "x")), r))
        .isTrue();
    assertThat(test(ResponsePredicate.header(Operation.regex("content-type", "^app")), r)).isTrue();
    assertThat(test(ResponsePredicate.header("content-type", "application/json"), r)).isTrue();
  }

  @Test
  void bodies() {
    assertThat(test(ResponsePredicate.bodyLimit(2), body("[]"))).isTrue();
    assertThat(test(ResponsePredicate.bodyLimit(1), body("[]"))).isFalse();
    assertThat(test(ResponsePredicate.bodyContains("ok"), body("{\"ok\":1}"))).isTrue();
    assertThat(test(ResponsePredicate.bodyContains("ok"), body("{}"))).isFalse();
    assertThat(test(ResponsePredicate.bodyRegex("\\d{3}"), body("[123]"))).isTrue();
    assertThat(test(ResponsePredicate.bodyRegex("\\d{3}"), body("[12]"))).isFalse();
    assertThat(test(ResponsePredicate.bodyJq("length > 0"), body("[1]"))).isTrue();
    assertThat(test(ResponsePredicate.bodyJq("length > 0"), body("[]"))).isFalse();
    assertThat(test(ResponsePredicate.bodyJq(".error == null"), body("{\"error\":\"x\"}")))
        .isFalse();
  }

  @Test
  void andOrNotAndBuilder() {
    ResponsePredicate ok = ResponsePredicate.statusClass(StatusClass.SUCCESS);
    ResponsePredicate json = ResponsePredicate.header(Operation.contains("content-type", "json"));

    assertThat(test(ok.and(json), body("{}"))).isTrue();
    assertThat(test(ok.and(json), status(200))).isFalse();
    assertThat(test(ok.or(json), status(200))).isTrue();
    assertThat(test(ResponsePredicate.not(ok), status(500))).isTrue();
    assertThat(test(ok.negate(), status(200))).isFalse();
    assertThat(test(ResponsePredicate.anyOf(ResponsePredicate.status(404), json), status(404)))
        .isTrue();
    assertThat(
            test(ResponsePredicate.allOf(ok, ResponsePredicate.bodyJq("length == 0")), body("[]")))
        .isTrue();
    ResponsePredicate built =
        ResponsePredicate.builder()
            .statusIn(200, 203)
            .statusRange(200, 299)
            .status(200)
            .statusClass(StatusClass.SUCCESS)
            .header(Operation.exist("content-type"))
            .header("content-type", "application/json")
            .bodyLimit(100)
            .bodyContains("[")
            .bodyRegex("\\[")
            .bodyJq("type == \"array\"")
            .build();
    assertThat(test(built, body("[]"))).isTrue();
    assertThat(test(built, body("{}"))).isFalse();
    assertThat(built.readsBody()).isTrue();
  }
}
