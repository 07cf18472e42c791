package dev.hitbox.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.core.CacheKey;
import dev.hitbox.core.KeyPart;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyTextTest {

  @Test
  void parsesBackWhatCacheKeyRenders() {
    for (String text :
        List.of("author_id=42&page=1", "user:42", "=", "a=&b=%26%3d%25", "x%3dy&=&z", "%ud800")) {
      assertThat(CacheKey.of("n", 0, KeyText.parse(text)).text()).as(text).isEqualTo(text);
    }
    assertThat(KeyText.parse("author_id=42&page=1"))
        .containsExactly(KeyPart.of("author_id", "42"), KeyPart.of("page", "1"));
    assertThat(KeyText.parse("user:42")).containsExactly(KeyPart.of("", "user:42"));
    assertThat(KeyText.parse("")).isEmpty();
  }

  @Test
  void roundTripsKeysWithEveryKindOfCharacter() {
    List<KeyPart> parts =
        List.of(
            KeyPart.of("a&b", "c=d"),
            KeyPart.of("", "%"),
            KeyPart.of("", ""),
            KeyPart.of("t", "\n"));
    String text = CacheKey.of("n", 0, parts).text();
    assertThat(KeyText.parse(text)).isEqualTo(parts);
  }

  @Test
  void aBrokenEscapeIsRefused() {
    assertThatThrownBy(() -> KeyText.parse("a=%g1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected: %xx or %uxxxx escapes");
    assertThatThrownBy(() -> KeyText.parse("a=%2")).isInstanceOf(IllegalArgumentException.class);
  }
}
