package dev.hitbox.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.KeyPart;
import dev.hitbox.core.spi.KeyExtractor;
import dev.hitbox.http.internal.Hashing;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class HttpExtractorTest {

  static List<KeyPart> parts(KeyExtractor<? super HttpRequest> e, HttpRequest r) {
    return e.extract(r).toCompletableFuture().join();
  }

  static HttpRequest get(String uri, String... headers) {
    return HttpRequest.builder().uri(uri).headers(HttpHeaders.of(headers)).build();
  }

  static HttpRequest post(String body) {
    return HttpRequest.builder().method("POST").uri("/q").body(body).build();
  }

  static KeyPart p(String name, String value) {
    return KeyPart.of(name, value);
  }

  @Test
  void theSeedExample() {
    HttpExtractor key =
        HttpExtractor.builder()
            .path("/v1/authors/{author_id}/books/{book_id}")
            .query("page")
            .header("Accept-Language")
            .build();

    assertThat(parts(key, get("/v1/authors/123/books/456?page=1", "Accept-Language", "en")))
        .containsExactly(
            p("author_id", "123"), p("book_id", "456"), p("page", "1"), p("Accept-Language", "en"));
  }

  @Test
  void method() {
    assertThat(parts(HttpExtractor.method(), post("x"))).containsExactly(p("method", "POST"));
  }

  @Test
  void uriAndHost() {
    assertThat(parts(HttpExtractor.uri(), get("/a?b=1"))).containsExactly(p("uri", "/a?b=1"));
    assertThat(parts(HttpExtractor.host(), get("https://Api.Example.com:8443/a")))
        .containsExactly(p("host", "api.example.com:8443"));
    assertThat(parts(HttpExtractor.host(), get("/a", "Host", "Example.org")))
        .containsExactly(p("host", "example.org"));
    assertThat(parts(HttpExtractor.host(), get("/a"))).isEmpty();
  }

  @Test
  void pathParamsAreDecoded() {
    HttpExtractor e = HttpExtractor.path("/users/{name}/files/{file}.json");
    assertThat(parts(e, get("/users/J%C3%B6rg%2F1/files/a+b.json")))
        .containsExactly(p("name", "Jörg/1"), p("file", "a+b"));
  }

  @Test
  void aPathThatDoesNotMatchIsKeptWhole() {
    HttpExtractor e = HttpExtractor.path("/users/{id}");
    assertThat(parts(e, get("/other/1"))).containsExactly(p("path", "/other/1"));
    assertThat(parts(e, get("/other/2"))).isNotEqualTo(parts(e, get("/other/1")));
  }

  @Test
  void queryByName() {
    HttpExtractor e = HttpExtractor.query("tag");
    assertThat(parts(e, get("/?tag=a&x=1&tag=b%20c")))
        .containsExactly(p("tag", "a"), p("tag", "b c"));
    assertThat(parts(e, get("/?x=1"))).isEmpty();
    assertThat(parts(e, get("/?tag="))).containsExactly(p("tag", ""));
  }

  @Test
  void queryByPrefixIsSortedByName() {
    HttpExtractor e = HttpExtractor.queryPrefix("utm_");
    assertThat(parts(e, get("/?utm_source=x&page=2&utm_medium=y")))
        .containsExactly(p("utm_medium", "y"), p("utm_source", "x"));
    assertThat(parts(e, get("/?utm_source=x&utm_medium=y")))
        .isEqualTo(parts(e, get("/?utm_medium=y&utm_source=x")));
  }

  @Test
  void headerByName() {
    HttpExtractor e = HttpExtractor.header("X-Api-Key");
    assertThat(parts(e, get("/", "x-api-key", "k1"))).containsExactly(p("X-Api-Key", "k1"));
    assertThat(parts(e, get("/"))).isEmpty();
  }

  @Test
  void headerByPrefix() {
    HttpExtractor e = HttpExtractor.headerPrefix("X-Custom-");
    assertThat(parts(e, get("/", "x-custom-b", "2", "Accept", "*/*", "X-Custom-A", "1")))
        .containsExactly(p("x-custom-a", "1"), p("x-custom-b", "2"));
  }

  @Test
  void headerByRegexOnTheValue() {
    HttpExtractor bearer = HttpExtractor.header("Authorization", "Bearer (.+)");
    assertThat(parts(bearer, get("/", "Authorization", "Bearer abc")))
        .containsExactly(p("Authorization", "abc"));
    // a value the regex does not match is kept whole: two users never share a key
    assertThat(parts(bearer, get("/", "Authorization", "Basic dTE6cA==")))
        .containsExactly(p("Authorization", "Basic dTE6cA=="));

    HttpExtractor named = HttpExtractor.header("X-Client", "(?<client>[a-z]+)/(?<version>\\d+)");
    assertThat(parts(named, get("/", "X-Client", "ios/17")))
        .containsExactly(p("client", "ios"), p("version", "17"));

    HttpExtractor whole = HttpExtractor.header("X-Id", "\\d+");
    assertThat(parts(whole, get("/", "X-Id", "id-42-x"))).containsExactly(p("X-Id", "42"));
    assertThatThrownBy(() -> HttpExtractor.header("X", "["))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("header X value: \"[\" (expected: a Java regular expression;");
  }

  @Test
  void bodyHash() {
    assertThat(parts(HttpExtractor.bodyHash(), post("{\"q\":1}")))
        .containsExactly(p("body", Hashing.sha256("{\"q\":1}")));
    assertThat(parts(HttpExtractor.bodyHash(), post("")))
        .containsExactly(
            p("body", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
  }

  @Test
  void bodyJq() {
    HttpRequest r = post("{\"user\":{\"id\":\"u1\",\"n\":7,\"tags\":[\"a\",\"b\"]},\"x\":null}");
    assertThat(parts(HttpExtractor.bodyJq(".user.id"), r)).containsExactly(p(".user.id", "u1"));
    assertThat(parts(HttpExtractor.bodyJq(".user.n"), r)).containsExactly(p(".user.n", "7"));
    assertThat(parts(HttpExtractor.bodyJq(".user.tags"), r))
        .containsExactly(p(".user.tags", "[\"a\",\"b\"]"));
    assertThat(parts(HttpExtractor.bodyJq(".user.tags[]"), r))
        .containsExactly(p(".user.tags[]", "a"), p(".user.tags[]", "b"));
    assertThat(parts(HttpExtractor.bodyJq(".x"), r)).isEmpty();
    assertThat(parts(HttpExtractor.bodyJq(".user.id"), post("not json"))).isEmpty();
  }

  @Test
  void bodyJqHasAHashFunction() {
    HttpRequest r = post("{\"query\":\"{ authors { id } }\",\"vars\":{\"a\":1}}");
    assertThat(parts(HttpExtractor.bodyJq(".query | hash"), r))
        .containsExactly(p(".query | hash", Hashing.sha256("{ authors { id } }")));
    assertThat(parts(HttpExtractor.bodyJq(".vars | hash"), r))
        .containsExactly(p(".vars | hash", Hashing.sha256("{\"a\":1}")));
  }

  @Test
  void bodyRegexWithNamedGroups() {
    HttpRequest r = post("user=u42&org=acme");
    assertThat(parts(HttpExtractor.bodyRegex("user=(?<user>u\\d+)&org=(?<org>\\w+)"), r))
        .containsExactly(p("user", "u42"), p("org", "acme"));
    assertThat(parts(HttpExtractor.bodyRegex("org=(\\w+)"), r)).containsExactly(p("body", "acme"));
    assertThat(parts(HttpExtractor.bodyRegex("u\\d+"), r)).containsExactly(p("body", "u42"));
    assertThat(parts(HttpExtractor.bodyRegex("nomatch(?<x>.)"), r)).isEmpty();
  }

  @Test
  void bodyExtractorsNeedABufferedBody() {
    HttpRequest streamed =
        HttpRequest.builder()
            .method("POST")
            .uri("/")
            .body(HttpBody.ofInputStream(new ByteArrayInputStream(new byte[3]), -1))
            .build();
    assertThatThrownBy(() -> parts(HttpExtractor.bodyHash(), streamed))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not buffered");
    assertThat(HttpExtractor.bodyHash().readsBody()).isTrue();
    assertThat(HttpExtractor.builder().query("a").bodyJq(".").build().readsBody()).isTrue();
    assertThat(HttpExtractor.builder().query("a").header("b").build().readsBody()).isFalse();
  }

  @Test
  void transforms() {
    HttpRequest r = get("/?Name=MiXeD", "Authorization", "Bearer Secret");
    assertThat(parts(HttpExtractor.query("Name").transform(Transform.LOWERCASE), r))
        .containsExactly(p("Name", "mixed"));
    assertThat(parts(HttpExtractor.query("Name").transform(Transform.UPPERCASE), r))
        .containsExactly(p("Name", "MIXED"));
    assertThat(
            parts(
                HttpExtractor.header("Authorization", "Bearer (.+)").transform(Transform.HASH), r))
        .containsExactly(p("Authorization", Hashing.sha256("Secret")));
    assertThat(parts(HttpExtractor.query("Name").transform(Transform.LOWERCASE, Transform.HASH), r))
        .containsExactly(p("Name", Hashing.sha256("mixed")));
    assertThat(Transform.HASH.apply("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(Transform.LOWERCASE.apply("TITLE")).isEqualTo("title"); // locale-neutral
  }

  @Test
  void builderMethodsTakeTransforms() {
    HttpExtractor e =
        HttpExtractor.builder()
            .method()
            .path("/a/{id}", Transform.UPPERCASE)
            .queryPrefix("u", Transform.UPPERCASE)
            .header("h", Transform.UPPERCASE)
            .header("r", "(.)", Transform.UPPERCASE)
            .headerPrefix("x-", Transform.UPPERCASE)
            .bodyHash()
            .bodyJq(".a", Transform.UPPERCASE)
            .bodyRegex("(?<b>b+)", Transform.UPPERCASE)
            .build();
    HttpRequest r =
        HttpRequest.builder()
            .method("PUT")
            .uri("/a/x?u1=y")
            .header("h", "z")
            .header("r", "w")
            .header("X-1", "v")
            .body("{\"a\":\"bb\"}")
            .build();
    assertThat(parts(e, r))
        .containsExactly(
            p("method", "PUT"),
            p("id", "X"),
            p("u1", "Y"),
            p("h", "Z"),
            p("r", "W"),
            p("x-1", "V"),
            p("body", Hashing.sha256("{\"a\":\"bb\"}")),
            p(".a", "BB"),
            p("b", "BB"));
    assertThatThrownBy(() -> HttpExtractor.builder().build())
        .hasMessage("extractors: [] (expected: at least one, e.g. Path or Query)");
  }

  @Test
  void chainsKeepOrderAndWaitForAsynchronousExtractors() {
    CompletableFuture<List<KeyPart>> later = new CompletableFuture<>();
    KeyExtractor<HttpRequest> slow = r -> later;
    HttpExtractor chain =
        HttpExtractor.query("a").and(slow).and(HttpExtractor.query("b").transform(Transform.HASH));

    CompletableFuture<List<KeyPart>> f = chain.extract(get("/?a=1&b=2")).toCompletableFuture();
    assertThat(f).isNotDone();
    later.complete(List.of(p("slow", "s")));

    assertThat(f.join()).containsExactly(p("a", "1"), p("slow", "s"), p("b", Hashing.sha256("2")));
  }

  @Test
  void bodyBytesAreUtf8ForRegexes() {
    HttpRequest r =
        HttpRequest.builder()
            .method("POST")
            .uri("/")
            .body("name=Jörg".getBytes(StandardCharsets.UTF_8))
            .build();
    assertThat(parts(HttpExtractor.bodyRegex("name=(?<name>.+)"), r))
        .containsExactly(p("name", "Jörg"));
  }
}
