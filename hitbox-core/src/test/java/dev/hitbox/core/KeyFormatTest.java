package dev.hitbox.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class KeyFormatTest {
  private static final List<KeyFormat> FORMATS =
      List.of(
          KeyFormat.URL_ENCODED,
          KeyFormat.BITCODE,
          KeyFormat.URL_ENCODED.withMaxLength(100_000),
          KeyFormat.BITCODE.withMaxLength(100_000));

  @Provide
  Arbitrary<KeyFormat> formats() {
    return Arbitraries.of(FORMATS);
  }

  @Provide
  Arbitrary<CacheKey> keys() {
    Arbitrary<String> namespaces =
        Arbitraries.strings().withChars("abAB09_.-").ofMinLength(1).ofMaxLength(12);
    // Few characters, so that different keys often look alike; plus any char at all.
    Arbitrary<String> text =
        Arbitraries.oneOf(
            Arbitraries.strings().withChars("a=&%: \u00e9").ofMaxLength(4),
            Arbitraries.strings().ofMaxLength(6));
    Arbitrary<List<KeyPart>> parts =
        Combinators.combine(Arbitraries.oneOf(Arbitraries.just(""), text), text)
            .as(KeyPart::new)
            .list()
            .ofMaxSize(4);
    Arbitrary<Integer> versions =
        Arbitraries.oneOf(Arbitraries.of(0, 1), Arbitraries.integers().greaterOrEqual(0));
    return Combinators.combine(namespaces, versions, parts).as(CacheKey::of);
  }

  @Provide
  Arbitrary<Tuple.Tuple2<CacheKey, CacheKey>> keyPairs() {
    return Combinators.combine(keys(), keys()).as(Tuple::of);
  }

  @Property(tries = 3000)
  void everyKeyDecodesBackToItself(
      @ForAll("keys") CacheKey key, @ForAll("formats") KeyFormat format) {
    byte[] bytes = format.encode(key);
    if (format.isHashed(bytes)) {
      assertThat(format.decode(bytes)).isNull();
      return;
    }
    assertThat(format.decode(bytes)).isEqualTo(key);
    assertThat(format.decode(format.encodeToString(key))).isEqualTo(key);
  }

  @Property(tries = 5000)
  void differentKeysNeverEncodeTheSame(
      @ForAll("keyPairs") Tuple.Tuple2<CacheKey, CacheKey> pair,
      @ForAll("formats") KeyFormat format) {
    CacheKey a = pair.get1();
    CacheKey b = pair.get2();
    boolean sameBytes = Arrays.equals(format.encode(a), format.encode(b));
    boolean sameString = format.encodeToString(a).equals(format.encodeToString(b));

    assertThat(sameBytes).isEqualTo(a.equals(b));
    assertThat(sameString).isEqualTo(a.equals(b));
  }

  @Property(tries = 1000)
  void stringFormsArePrintableAsciiWithoutSpaces(
      @ForAll("keys") CacheKey key, @ForAll("formats") KeyFormat format) {
    assertThat(format.encodeToString(key)).matches("[\\x21-\\x7e]*");
  }

  @Property(tries = 1000)
  void arbitraryBytesDecodeToAKeyOrAreRejected(
      @ForAll @Size(max = 60) byte[] bytes, @ForAll("formats") KeyFormat format) {
    try {
      format.decode(bytes);
    } catch (IllegalArgumentException expected) {
      // not a key in this format
    }
  }

  @Test
  void urlEncodedIsReadable() {
    CacheKey key =
        CacheKey.builder("authors").part("author_id", "42").part("q", "a&b=c d%").build();

    assertThat(KeyFormat.URL_ENCODED.encodeToString(key))
        .isEqualTo("authors:0:author_id=42&q=a%26b%3Dc%20d%25");
    assertThat(KeyFormat.URL_ENCODED.encodeToString(CacheKey.of("users", "user:42")))
        .isEqualTo("users:0:user:42");
  }

  @Test
  void bitcodeIsCompact() {
    CacheKey key = CacheKey.builder("authors").part("author_id", "42").part("page", "1").build();

    assertThat(KeyFormat.BITCODE.encode(key).length)
        .isLessThan(KeyFormat.URL_ENCODED.encode(key).length + 4);
    assertThat(KeyFormat.BITCODE.encode(key)[0]).isEqualTo((byte) 1);
  }

  @Test
  void anEmptyUnnamedPartIsNotAnEmptyKey() {
    CacheKey empty = CacheKey.of("ns", 0, List.of());
    CacheKey emptyPart = CacheKey.of("ns", "");

    assertThat(KeyFormat.URL_ENCODED.encodeToString(empty)).isEqualTo("ns:0:");
    assertThat(KeyFormat.URL_ENCODED.encodeToString(emptyPart)).isEqualTo("ns:0:=");
  }

  @Test
  void keysOverTheMaxLengthAreNamespacePlusSha256() {
    CacheKey key = CacheKey.of("users", "x".repeat(300));

    for (KeyFormat format : List.of(KeyFormat.URL_ENCODED, KeyFormat.BITCODE)) {
      String s = new String(format.encode(key), StandardCharsets.US_ASCII);
      assertThat(s).matches("users:[0-9a-f]{64}");
      assertThat(format.encodeToString(key)).isEqualTo(s);
      assertThat(format.isHashed(format.encode(key))).isTrue();
      assertThat(format.decode(format.encode(key))).isNull();
      assertThat(format.decode(s)).isNull();
    }
    assertThat(KeyFormat.URL_ENCODED.encode(key)).isNotEqualTo(KeyFormat.BITCODE.encode(key));
    assertThat(KeyFormat.URL_ENCODED.encode(CacheKey.of("users", "x".repeat(301))))
        .isNotEqualTo(KeyFormat.URL_ENCODED.encode(key));
  }

  @Test
  void theMaxLengthIsConfigurable() {
    CacheKey key = CacheKey.of("users", "x".repeat(300));

    KeyFormat roomy = KeyFormat.URL_ENCODED.withMaxLength(400);

    assertThat(roomy.decode(roomy.encode(key))).isEqualTo(key);
    assertThat(roomy.maxLength()).isEqualTo(400);
    assertThatThrownBy(() -> KeyFormat.BITCODE.withMaxLength(100))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("key max_length: 100 (expected: >= 193)");
  }

  @Test
  void keysAtTheMaxLengthAreKept() {
    String prefix = "users:0:";
    CacheKey key = CacheKey.of("users", "x".repeat(KeyFormat.DEFAULT_MAX_LENGTH - prefix.length()));

    assertThat(KeyFormat.URL_ENCODED.encode(key)).hasSize(KeyFormat.DEFAULT_MAX_LENGTH);
    assertThat(KeyFormat.URL_ENCODED.decode(KeyFormat.URL_ENCODED.encode(key))).isEqualTo(key);
  }

  @Test
  void formatsAreLookedUpByTheirConfigurationNames() {
    assertThat(KeyFormat.byName("UrlEncoded")).isSameAs(KeyFormat.URL_ENCODED);
    assertThat(KeyFormat.byName("Bitcode")).isSameAs(KeyFormat.BITCODE);
    assertThatThrownBy(() -> KeyFormat.byName("Base64"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("key format: Base64 (expected one of: UrlEncoded, Bitcode)");
  }

  @Test
  void bytesOfAnotherFormatAreRejected() {
    CacheKey key = CacheKey.of("users", "user:42");

    assertThatThrownBy(() -> KeyFormat.BITCODE.decode(KeyFormat.URL_ENCODED.encode(key)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KeyFormat.URL_ENCODED.decode(KeyFormat.BITCODE.encode(key)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
