package dev.hitbox.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeyPatternTest {

  @ParameterizedTest
  @CsvSource({
    "posts:user:42:*, posts:user:42:7, true",
    "posts:user:42:*, posts:user:42:, true",
    "posts:user:42:*, posts:user:420:1, false",
    "*:42, a:b:42, true",
    "a?c, abc, true",
    "a?c, ac, false",
    "'a\\*c', a*c, true",
    "'a\\*c', abc, false",
    "*, '', true",
    "'', '', true",
    "'', a, false",
    "a*b*c, axxbyyc, true",
    "a*b*c, axxbyy, false",
  })
  void globs(String pattern, String text, boolean expected) {
    assertThat(KeyPattern.matches(pattern, text)).isEqualTo(expected);
  }

  @Test
  @Timeout(5)
  void hostilePatternsStayLinear() {
    String text = "a".repeat(20_000);
    String pattern = "*a".repeat(500) + "b";
    assertThat(KeyPattern.matches(pattern, text)).isFalse();
  }
}
