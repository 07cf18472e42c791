package dev.hitbox.config;

import static dev.hitbox.config.Configs.error;
import static dev.hitbox.config.Configs.parse;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Anchors work; documents that would cost too much are rejected. */
class YamlSafetyTest {

  @Test
  void anchorsShareABackend() {
    HitboxConfig c =
        parse(
            "endpoints:\n"
                + "  - name: a\n"
                + "    backend: &local {type: Moka, max_capacity: 5}\n"
                + "  - name: b\n"
                + "    backend: *local\n");
    assertThat(c.endpoints().get(0).backend()).isEqualTo(c.endpoints().get(1).backend());
  }

  @Test
  void aliasBombsAreRejected() {
    StringBuilder yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 10; i++) {
      yaml.append("a").append(i).append(": &a").append(i).append(" [");
      for (int j = 0; j < 10; j++) {
        yaml.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
      }
      yaml.append("]\n");
    }
    assertThat(error(yaml.toString()))
        .hasMessageContaining("more than 100000 nodes once aliases are expanded");
  }

  @Test
  void deepNestingIsRejected() {
    String deep = "request: " + "[".repeat(200) + "]".repeat(200);
    assertThat(error(deep)).hasMessageContaining("nested deeper than 64 levels");
    StringBuilder nots = new StringBuilder("request: ");
    for (int i = 0; i < 30; i++) {
      nots.append("{Not: ");
    }
    nots.append("{Method: GET}").append("}".repeat(30));
    assertThat(error(nots.toString())).hasMessageContaining("nested at most 16 deep");
  }

  @Test
  void aliasesCannotRecurse() {
    assertThat(error("request: &r [{Not: *r}]"))
        .hasMessageContaining("alias *r names no finished anchor");
    assertThat(error("backend: *nothing"))
        .hasMessageContaining("alias *nothing names no finished anchor");
  }
}
