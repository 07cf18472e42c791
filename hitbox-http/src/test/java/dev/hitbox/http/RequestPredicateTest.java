package dev.hitbox.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.spi.CachePredicate;
import java.io.ByteArrayInputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RequestPredicateTest {

  static boolean test(CachePredicate<? super HttpRequest> p, HttpRequest r) {
    return p.test(r).toCompletableFuture().join();
  }

  static HttpRequest get(String uri, String... headers) {
    return HttpRequest.builder().uri(uri).headers(HttpHeaders.of(headers)).build();
  }

  static HttpRequest post(String body) {
    return HttpRequest.builder().method("POST").uri("/graphql").body(body).build();
  }

  @Test
  void method() {
    RequestPredicate p = RequestPredicate.method("get", "HEAD");
    assertThat(test(p, get("/"))).isTrue();
    assertThat(test(p, HttpRequest.builder().method("HEAD").uri("/").build())).isTrue();
    assertThat(test(p, post("{}"))).isFalse();
    assertThat(p).hasToString("Method[GET, HEAD]");
    assertThatThrownBy(RequestPredicate::method)
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("method: [] (expected: at least one method such as GET)");
  }

  @Test
  void pathWithParams() {
    RequestPredicate p = RequestPredicate.path("/api/authors/{id}");
    assertThat(test(p, get("/api/authors/42"))).isTrue();
    assertThat(test(p, get("/api/authors/42?x=1"))).isTrue();
    assertThat(test(p, get("/api/authors/a%2Fb"))).isTrue();
    assertThat(test(p, get("/api/authors/"))).isFalse();
    assertThat(test(p, get("/api/authors/42/books"))).isFalse();
    assertThat(test(p, get("/api/authorsX42"))).isFalse();
    assertThat(test(RequestPredicate.path("/files/{name}.json"), get("/files/a.json"))).isTrue();
    assertThat(test(RequestPredicate.path("/a.b"), get("/aXb"))).isFalse();
    assertThatThrownBy(() -> RequestPredicate.path("api"))
        .hasMessage("path: \"api\" (expected: starts with /)");
    assertThatThrownBy(() -> RequestPredicate.path("/a/{b"))
        .isInstanceOf(ConfigurationException.class);
    assertThatThrownBy(() -> RequestPredicate.path("/{a}/{a}")).hasMessageContaining("twice");
  }

  @Test
  void headerEq() {
    RequestPredicate p = RequestPredicate.header(Operation.eq("x-api-key", "secret123"));
    assertThat(test(p, get("/", "X-Api-Key", "secret123"))).isTrue();
    assertThat(test(p, get("/", "X-Api-Key", "other", "x-api-key", "secret123"))).isTrue();
    assertThat(test(p, get("/", "X-Api-Key", "Secret123"))).isFalse();
    assertThat(test(p, get("/"))).isFalse();
    assertThat(test(RequestPredicate.header("x-api-key", "k"), get("/", "x-api-key", "k")))
        .isTrue();
  }

  @Test
  void headerExist() {
    RequestPredicate p = RequestPredicate.header(Operation.exist("x-custom"));
    assertThat(test(p, get("/", "X-Custom", ""))).isTrue();
    assertThat(test(p, get("/", "X-Other", "1"))).isFalse();
  }

  @Test
  void headerIn() {
    RequestPredicate p = RequestPredicate.header(Operation.in("accept", "a", "b"));
    assertThat(test(p, get("/", "Accept", "b"))).isTrue();
    assertThat(test(p, get("/", "Accept", "c"))).isFalse();
    assertThatThrownBy(() -> Operation.in("accept", java.util.List.of()))
        .hasMessage("accept in: [] (expected: at least one value)");
  }

  @Test
  void headerContains() {
    RequestPredicate p = RequestPredicate.header(Operation.contains("content-type", "json"));
    assertThat(test(p, get("/", "Content-Type", "application/json; charset=utf-8"))).isTrue();
    assertThat(test(p, get("/", "Content-Type", "text/html"))).isFalse();
  }

  @Test
  void headerRegex() {
    RequestPredicate p = RequestPredicate.header(Operation.regex("x-v", "^v\\d+"));
    assertThat(test(p, get("/", "X-V", "v12"))).isTrue();
    assertThat(test(p, get("/", "X-V", "xv12"))).isFalse();
    assertThatThrownBy(() -> Operation.regex("x-v", "("))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("x-v regex: \"(\" (expected: a Java regular expression;");
  }

  @Test
  void queryEq() {
    RequestPredicate p = RequestPredicate.query(Operation.eq("page", "1"));
    assertThat(test(p, get("/?page=1"))).isTrue();
    assertThat(test(p, get("/?page=2"))).isFalse();
    assertThat(test(p, get("/?Page=1"))).isFalse();
    assertThat(test(RequestPredicate.query("q", "a b"), get("/?q=a%20b"))).isTrue();
  }

  @Test
  void queryExist() {
    RequestPredicate p = RequestPredicate.query(Operation.exist("debug"));
    assertThat(test(p, get("/?debug"))).isTrue();
    assertThat(test(p, get("/?debugx=1"))).isFalse();
    assertThat(test(p, get("/"))).isFalse();
  }

  @Test
  void queryIn() {
    RequestPredicate p = RequestPredicate.query(Operation.in("status", "active", "pending"));
    assertThat(test(p, get("/?status=pending"))).isTrue();
    assertThat(test(p, get("/?status=closed"))).isFalse();
  }

  @Test
  void queryContains() {
    RequestPredicate p = RequestPredicate.query(Operation.contains("q", "cat"));
    assertThat(test(p, get("/?q=concatenate"))).isTrue();
    assertThat(test(p, get("/?q=dog"))).isFalse();
  }

  @Test
  void queryRegex() {
    RequestPredicate p = RequestPredicate.query(Operation.regex("id", "^\\d+$"));
    assertThat(test(p, get("/?id=123"))).isTrue();
    assertThat(test(p, get("/?id=12a"))).isFalse();
  }

  @Test
  void bodyLimit() {
    RequestPredicate p = RequestPredicate.bodyLimit(5);
    assertThat(test(p, post("12345"))).isTrue();
    assertThat(test(p, post("123456"))).isFalse();
    assertThatThrownBy(() -> RequestPredicate.bodyLimit(-1))
        .hasMessage("body limit: -1 (expected: >= 0)");
  }

  @Test
  void bodyContains() {
    RequestPredicate p = RequestPredicate.bodyContains("query");
    assertThat(test(p, post("{\"query\":1}"))).isTrue();
    assertThat(test(p, post("{\"mutation\":1}"))).isFalse();
  }

  @Test
  void bodyRegex() {
    RequestPredicate p = RequestPredicate.bodyRegex("\"op\"\\s*:\\s*\"read\"");
    assertThat(test(p, post("{\"op\" : \"read\"}"))).isTrue();
    assertThat(test(p, post("{\"op\":\"write\"}"))).isFalse();
  }

  @Test
  void bodyJq() {
    RequestPredicate p = RequestPredicate.bodyJq(".kind == \"query\"");
    assertThat(test(p, post("{\"kind\":\"query\"}"))).isTrue();
    assertThat(test(p, post("{\"kind\":\"mutation\"}"))).isFalse();
    assertThat(test(p, post("not json"))).isFalse();
    assertThat(test(p, post(""))).isFalse();
    assertThat(test(RequestPredicate.bodyJq(".items | length > 1"), post("{\"items\":[1,2]}")))
        .isTrue();
    assertThat(test(RequestPredicate.bodyJq(".a.b"), post("[1]"))).isFalse(); // jq error
    assertThat(test(RequestPredicate.bodyJq(".[] | . > 0"), post("[1, 2]"))).isTrue();
    assertThat(test(RequestPredicate.bodyJq(".[] | . > 0"), post("[1, 0]"))).isFalse();
    assertThatThrownBy(() -> RequestPredicate.bodyJq(".kind =="))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("body jq: '.kind ==' (expected: a jq expression;");
  }

  @Test
  void bodyPredicatesRejectAStreamedBody() {
    HttpRequest streamed =
        HttpRequest.builder()
            .method("POST")
            .uri("/")
            .body(HttpBody.ofInputStream(new ByteArrayInputStream("query".getBytes()), -1))
            .build();
    assertThat(test(RequestPredicate.bodyContains("query"), streamed)).isFalse();
    assertThat(test(RequestPredicate.bodyLimit(100), streamed)).isFalse();
    assertThat(RequestPredicate.bodyJq(".").readsBody()).isTrue();
    assertThat(RequestPredicate.method("GET").readsBody()).isFalse();
  }

  @Test
  void andOrNot() {
    RequestPredicate get = RequestPredicate.method("GET");
    RequestPredicate debug = RequestPredicate.query(Operation.exist("debug"));

    assertThat(test(get.and(debug.negate()), get("/"))).isTrue();
    assertThat(test(get.and(debug.negate()), get("/?debug"))).isFalse();
    assertThat(test(get.or(debug), post("x"))).isFalse();
    assertThat(test(RequestPredicate.anyOf(get, debug), get("/?debug"))).isTrue();
    assertThat(test(RequestPredicate.allOf(), get("/"))).isTrue();
    assertThat(test(RequestPredicate.anyOf(), get("/"))).isFalse();
    assertThat(test(RequestPredicate.not(get), post("x"))).isTrue();
    assertThat(RequestPredicate.allOf(get, RequestPredicate.not(debug)))
        .hasToString("And[Method[GET], Not(Query(debug exists))]");
    assertThat(RequestPredicate.anyOf(get, RequestPredicate.bodyJq(".")).readsBody()).isTrue();
  }

  @Test
  void combinatorsShortCircuitAndWaitForAsynchronousPredicates() {
    AtomicInteger calls = new AtomicInteger();
    CompletableFuture<Boolean> later = new CompletableFuture<>();
    CachePredicate<HttpRequest> slow =
        r -> {
          calls.incrementAndGet();
          return later;
        };

    assertThat(test(RequestPredicate.method("POST").and(slow), get("/"))).isFalse();
    assertThat(test(RequestPredicate.method("GET").or(slow), get("/"))).isTrue();
    assertThat(calls).hasValue(0);

    CompletableFuture<Boolean> pending =
        RequestPredicate.method("GET").and(slow).test(get("/")).toCompletableFuture();
    assertThat(pending).isNotDone();
    later.complete(true);
    assertThat(pending.join()).isTrue();
  }

  @Test
  void theSeedBuilderForm() {
    RequestPredicate p =
        RequestPredicate.builder()
            .method("GET")
            .path("/api/authors/{id}")
            .header(Operation.eq("x-api-key", "secret123"))
            .build();

    assertThat(test(p, get("/api/authors/7", "x-api-key", "secret123"))).isTrue();
    assertThat(test(p, get("/api/authors/7", "x-api-key", "nope"))).isFalse();
    assertThat(test(p, get("/api/books/7", "x-api-key", "secret123"))).isFalse();
    assertThat(test(RequestPredicate.builder().build(), post("x"))).isTrue();
    assertThat(
            RequestPredicate.builder()
                .query("a", "1")
                .bodyLimit(10)
                .bodyContains("x")
                .bodyRegex("x")
                .bodyJq(".")
                .header("h", "v")
                .and(RequestPredicate.always())
                .build()
                .readsBody())
        .isTrue();
  }
}
