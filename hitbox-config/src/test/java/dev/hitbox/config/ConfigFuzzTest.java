package dev.hitbox.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Mutated configurations (keys, values, indentation, node types, stray characters) either load or
 * fail with a {@link ConfigException} that names a key path; nothing else ever escapes.
 */
class ConfigFuzzTest {
  private static final List<String> CORPUS =
      List.of(
          Configs.seed("moka.yaml"),
          Configs.seed("redis.yaml"),
          Configs.seed("feoxdb.yaml"),
          Configs.seed("composition.yaml"),
          Configs.seed("nested.yaml"),
          Configs.seed("full.yaml"),
          Configs.seed("stale.yaml"),
          Configs.seed("predicates.yaml"),
          Configs.seed("extractors.yaml"),
          Configs.seed("architecture-endpoints.yaml"),
          Configs.seed("architecture-grammar.yaml"),
          EndpointsTest.MANY,
          Configs.resource("/dev/hitbox/config/reference.yaml"));

  private static final List<String> VALUES =
      List.of(
          "-5",
          "0",
          "1",
          "60",
          "5m",
          "500ms",
          "abc",
          "\"\"",
          "~",
          "[]",
          "{}",
          "[a, b]",
          "{a: 1}",
          "1e9",
          "99999999999999999999",
          "true",
          "false",
          "Disabled",
          "Enabled",
          "\"${NOPE}\"",
          "${X",
          "*a",
          "&a x",
          "!!int x",
          "'",
          "\"",
          "{a: [",
          "\u00e9t\u00e9",
          "null",
          "Moka",
          "Redis",
          "Composition",
          "Rkyv",
          "Json",
          "600",
          "GET",
          "get",
          "/x/{y}",
          "x/{y",
          "{Enabled: {ttl: 1}}",
          "[GET, 1]",
          "Zstd",
          "23",
          "-7",
          "Success",
          "{exist: false}",
          "{regex: '('}",
          "127.0.0.1:8080",
          "http://x",
          "{type: Moka}",
          "- a",
          "|\n  text",
          "\"v\\d\"",
          "? a",
          "@",
          "`",
          "%",
          "{Not: []}",
          "[[[]]]");

  private static final String CHARS = ":-{}[]\"'&*!|>%@`#,? \t\n\\$";

  @Provide
  Arbitrary<String> corpus() {
    return Arbitraries.of(CORPUS);
  }

  @Property(tries = 1500)
  void mutatedConfigsLoadOrFailNamingAKey(@ForAll("corpus") String base, @ForAll long seed) {
    Random random = new Random(seed);
    String yaml = base;
    int mutations = 1 + random.nextInt(3);
    for (int i = 0; i < mutations; i++) {
      yaml = mutate(yaml, random);
    }
    String outcome;
    try {
      HitboxConfig config = Configs.WITH_REDIS.parse(yaml, "fuzz.yaml");
      for (BackendConfig b : config.backends()) {
        b.create();
        b.compression().compressor();
      }
      assertThat(config.toString()).isNotEmpty();
      outcome = "loaded";
    } catch (ConfigException e) {
      assertThat(e.path()).isNotBlank();
      assertThat(e.getMessage()).startsWith("fuzz.yaml: " + e.path());
      if (!e.path().equals(ConfigException.DOCUMENT)) {
        assertThat(e.line()).as(e.getMessage()).isPositive();
        assertThat(e.column()).as(e.getMessage()).isPositive();
      }
      outcome =
          e.path().equals(ConfigException.DOCUMENT) ? "rejected (document)" : "rejected (key)";
    } catch (Throwable t) {
      throw new AssertionError("unexpected " + t + " for:\n" + yaml, t);
    }
    Statistics.collect(outcome);
    Statistics.coverage(
        coverage -> {
          coverage.check("loaded").percentage(p -> p > 5);
          coverage.check("rejected (key)").percentage(p -> p > 30);
          // Errors name the key they are under, also syntax errors: rarely the whole document.
          coverage.check("rejected (document)").percentage(p -> p < 10);
        });
  }

  private static String mutate(String yaml, Random random) {
    List<String> lines = new ArrayList<>(List.of(yaml.split("\n", -1)));
    int at = random.nextInt(lines.size());
    String line = lines.get(at);
    switch (random.nextInt(9)) {
      case 0 -> { // rename a key
        int colon = line.indexOf(':');
        int start = firstNonSpace(line);
        if (colon > start) {
          String key = line.substring(start, colon);
          lines.set(at, line.substring(0, start) + editKey(key, random) + line.substring(colon));
        }
      }
      case 1 -> { // replace a value
        int colon = line.indexOf(": ");
        String value = VALUES.get(random.nextInt(VALUES.size()));
        if (colon >= 0) {
          lines.set(at, line.substring(0, colon + 2) + value);
        } else {
          lines.set(at, line + " " + value);
        }
      }
      case 2 -> { // change indentation
        int shift = random.nextInt(5) - 2;
        if (shift > 0) {
          lines.set(at, " ".repeat(shift) + line);
        } else if (line.startsWith(" ".repeat(-shift))) {
          lines.set(at, line.substring(-shift));
        }
      }
      case 3 -> lines.remove(at);
      case 4 -> lines.add(at, line);
      case 5 -> { // swap two lines
        int other = random.nextInt(lines.size());
        lines.set(at, lines.get(other));
        lines.set(other, line);
      }
      case 6 -> { // a stray character
        int pos = line.isEmpty() ? 0 : random.nextInt(line.length() + 1);
        char c = CHARS.charAt(random.nextInt(CHARS.length()));
        lines.set(at, line.substring(0, pos) + c + line.substring(pos));
      }
      case 7 -> { // a scalar becomes a list or a mapping, or the other way round
        int colon = line.indexOf(": ");
        if (colon >= 0) {
          String value = line.substring(colon + 2);
          String changed =
              switch (random.nextInt(3)) {
                case 0 -> "[" + value + "]";
                case 1 -> "{x: " + value + "}";
                default -> "";
              };
          lines.set(at, line.substring(0, colon + 2) + changed);
        }
      }
      default -> { // a line from another file
        String other = CORPUS.get(random.nextInt(CORPUS.size()));
        String[] otherLines = other.split("\n");
        lines.add(at, otherLines[random.nextInt(otherLines.length)]);
      }
    }
    return String.join("\n", lines);
  }

  private static int firstNonSpace(String line) {
    int i = 0;
    while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '-')) {
      i++;
    }
    return i;
  }

  private static String editKey(String key, Random random) {
    if (key.isEmpty()) {
      return "x";
    }
    int pos = random.nextInt(key.length());
    return switch (random.nextInt(4)) {
      case 0 -> key.substring(0, pos) + key.substring(pos + 1);
      case 1 -> key.substring(0, pos) + (char) ('a' + random.nextInt(26)) + key.substring(pos);
      case 2 -> key.toUpperCase(java.util.Locale.ROOT);
      default -> key + "_";
    };
  }

  @Property(tries = 10)
  void theCorpusItselfLoadsOrFailsOnlyForMissingModules(@ForAll("corpus") String base) {
    try {
      Configs.WITH_REDIS.parse(base, "corpus.yaml");
    } catch (ConfigException e) {
      if (!e.getMessage().contains("is not on the classpath")) {
        fail("the corpus should be valid: " + e.getMessage());
      }
    }
  }
}
