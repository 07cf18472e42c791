package dev.hitbox.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class CacheKeyTest {

  @Test
  void textIsReadableForPlainAndNamedKeys() {
    assertThat(CacheKey.of("users", "user:42").text()).isEqualTo("user:42");
    CacheKey k = CacheKey.builder("authors").part("author_id", "42").part("page", "1").build();
    assertThat(k.text()).isEqualTo("author_id=42&page=1");
    assertThat(k.toString()).isEqualTo("authors:0:author_id=42&page=1");
  }

  @Test
  void separatorsInsideValuesAreEscapedSoJoinedPartsCannotCollide() {
    CacheKey twoParts = CacheKey.builder("n").part("a", "1").part("b", "2").build();
    CacheKey onePart = CacheKey.builder("n").part("a", "1&b=2").build();
    CacheKey unnamed = CacheKey.of("n", "a=1&b=2");

    assertThat(onePart.text()).isEqualTo("a=1%26b%3d2");
    assertThat(unnamed.text()).isEqualTo("a%3d1%26b%3d2");
    assertThat(twoParts.text()).isNotEqualTo(onePart.text()).isNotEqualTo(unnamed.text());
  }

  @Test
  void loneSurrogatesAreEscapedSoTheTextSurvivesUtf8() {
    CacheKey lone = CacheKey.of("n", "\uD800");
    CacheKey question = CacheKey.of("n", "?");
    CacheKey pair = CacheKey.of("n", "\uD83D\uDE00");

    assertThat(lone.text()).isEqualTo("%ud800");
    byte[] a = lone.text().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] b = question.text().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(a).isNotEqualTo(b);
    assertThat(pair.text()).isEqualTo("\uD83D\uDE00");
  }

  @Test
  void emptyPartListAndEmptyUnnamedPartDiffer() {
    assertThat(CacheKey.of("n", 0, List.of()).toString())
        .isNotEqualTo(CacheKey.of("n", "").toString());
  }

  @Test
  void namespaceAndVersionTakePartInEquality() {
    CacheKey a = CacheKey.of("a", 0, List.of(KeyPart.of("x", "1")));
    assertThat(a).isEqualTo(CacheKey.of("a", 0, List.of(KeyPart.of("x", "1"))));
    assertThat(a).isNotEqualTo(CacheKey.of("b", 0, List.of(KeyPart.of("x", "1"))));
    assertThat(a).isNotEqualTo(CacheKey.of("a", 1, List.of(KeyPart.of("x", "1"))));
  }

  @Test
  void badNamespacesAndVersionsAreClearErrors() {
    assertThatThrownBy(() -> CacheKey.of("", "k"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("namespace: \"\" (expected: 1 to 128 characters of A-Z a-z 0-9 _ - .)");
    assertThatThrownBy(() -> CacheKey.of("a:b", "k")).isInstanceOf(ConfigurationException.class);
    assertThatThrownBy(() -> CacheKey.builder("a").version(-1))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("version: -1 (expected: >= 0)");
  }

  @Provide
  Arbitrary<List<KeyPart>> parts() {
    // a small alphabet full of separators makes collisions likely if escaping were wrong
    Arbitrary<String> s = Arbitraries.strings().withChars("a=&%:\n*bu?\uD800\uDC00").ofMaxLength(4);
    Arbitrary<KeyPart> part = Combinators.combine(s, s).as(KeyPart::new);
    return part.list().ofMaxSize(4);
  }

  @Property(tries = 3000)
  void differentPartListsNeverRenderTheSameText(
      @ForAll("parts") List<KeyPart> a, @ForAll("parts") List<KeyPart> b) {
    CacheKey ka = CacheKey.of("n", 0, a);
    CacheKey kb = CacheKey.of("n", 0, b);
    if (!a.equals(b)) {
      assertThat(ka.text()).isNotEqualTo(kb.text());
      // string-keyed backends store the UTF-8 bytes: those must differ too
      assertThat(ka.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8))
          .isNotEqualTo(kb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertThat(ka).isNotEqualTo(kb);
    } else {
      assertThat(ka.text()).isEqualTo(kb.text());
      assertThat(ka).isEqualTo(kb).hasSameHashCodeAs(kb);
    }
  }

  @Property(tries = 500)
  void builderAndFactoryAgree(@ForAll("parts") List<KeyPart> parts) {
    CacheKey.Builder b = CacheKey.builder("n");
    List<KeyPart> copy = new ArrayList<>(parts);
    copy.forEach(p -> b.part(p.name(), p.value()));
    assertThat(b.build()).isEqualTo(CacheKey.of("n", 0, parts));
  }
}
