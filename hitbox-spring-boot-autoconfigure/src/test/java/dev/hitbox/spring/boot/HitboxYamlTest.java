package dev.hitbox.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.config.ConfigLoader;
import dev.hitbox.config.HitboxConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class HitboxYamlTest {
  private static HitboxYaml yaml(Map<String, Object> higher, Map<String, Object> lower) {
    StandardEnvironment env = new StandardEnvironment();
    env.getPropertySources().addFirst(new MapPropertySource("lower", lower));
    env.getPropertySources().addFirst(new MapPropertySource("higher", higher));
    return HitboxYaml.of(env);
  }

  private static Map<String, Object> ordered(Object... namesAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      m.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return m;
  }

  @Test
  void propertyNamesBecomeSegments() {
    assertThat(HitboxYaml.segments("endpoints[0].request[12].Header[x.y]", "n"))
        .containsExactly("endpoints", 0, "request", 12, "Header", "x.y");
  }

  @Test
  void theTreeKeepsKeysAsWrittenAndDropsTheSpringOnlyKeys() {
    HitboxYaml y =
        yaml(
            Map.of(),
            ordered(
                "hitbox.endpoints[0].name", "a",
                "hitbox.endpoints[0].url-patterns[0]", "/a/*",
                "hitbox.endpoints[0].order", 3,
                "hitbox.endpoints[0].request[0].Method", "",
                "hitbox.endpoints[0].request[1].Path", "/a/{id}",
                "hitbox.cache.policy.Enabled.ttl", "5m"));

    assertThat(y.text())
        .isEqualTo(
            "{\"endpoints\": [{\"name\": \"a\", \"request\": [{\"Method\": null},"
                + " {\"Path\": \"/a/{id}\"}]}]}");
  }

  @Test
  void aHigherSourceWinsForAValueAndTakesAListWhole() {
    HitboxYaml y =
        yaml(
            Map.of("hitbox.backend.max_capacity", 5, "hitbox.endpoints[0].name", "high"),
            Map.of(
                "hitbox.backend.type", "Caffeine",
                "hitbox.backend.max_capacity", 7,
                "hitbox.endpoints[0].name", "low",
                "hitbox.endpoints[1].name", "low2"));
    ConfigLoader loader = ConfigLoader.builder().environment(Map.of()).build();
    HitboxConfig c = y.config(loader);
    HitboxConfig expected =
        loader.parse("backend: {type: Caffeine, max_capacity: 5}\nname: x\n", "expected.yaml");

    assertThat(c.endpoints()).extracting(e -> e.name()).isEqualTo(List.of("high"));
    assertThat(c.endpoints().get(0).backend())
        .isEqualTo(expected.endpoints().get(0).backend())
        .isNotEqualTo(
            loader
                .parse("backend: {type: Caffeine, max_capacity: 7}\n", "other.yaml")
                .endpoints()
                .get(0)
                .backend());
  }

  @Test
  void environmentVariablesAreSubstitutedAsInAFile() {
    HitboxYaml y = yaml(Map.of(), Map.of("hitbox.endpoints[0].name", "${NAME}"));
    HitboxConfig c = y.config(ConfigLoader.builder().environment(Map.of("NAME", "books")).build());

    assertThat(c.endpoints().get(0).name()).isEqualTo("books");
  }
}
