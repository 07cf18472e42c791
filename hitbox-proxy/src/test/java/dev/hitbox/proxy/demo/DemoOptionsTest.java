package dev.hitbox.proxy.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DemoOptionsTest {

  @Test
  void defaultsFinishWellUnderAMinute() {
    DemoOptions o = DemoOptions.parse();
    assertThat(o).isEqualTo(DemoOptions.DEFAULTS);
    assertThat(o.warmUp().plus(o.duration()).multipliedBy(2)).isLessThan(Duration.ofSeconds(45));
  }

  @Test
  void parsesEveryOptionInBothForms() {
    DemoOptions o =
        DemoOptions.parse(
            "--duration=1500ms",
            "--clients",
            "8",
            "--rate=2.5",
            "--keys",
            "40",
            "--zipf",
            "0",
            "--seed",
            "-7");
    assertThat(o).isEqualTo(new DemoOptions(Duration.ofMillis(1500), 8, 2.5, 40, 0, -7));
    assertThat(DemoOptions.parse("--duration", "1m").duration()).isEqualTo(Duration.ofMinutes(1));
    assertThat(DemoOptions.parse("--duration", "3").duration()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void timesScaleWithTheDuration() {
    DemoOptions o = DemoOptions.parse("--duration", "12s");
    assertThat(o.warmUp()).isEqualTo(Duration.ofSeconds(3));
    assertThat(o.ttl()).isEqualTo(Duration.ofSeconds(2));
    assertThat(o.stale()).isEqualTo(Duration.ofSeconds(4));
    assertThat(o.changeInterval()).isEqualTo(Duration.ofSeconds(4));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--clients 0           | --clients: 0 (expected: 1 to 10000)",
        "--clients 10001       | --clients: 10001 (expected: 1 to 10000)",
        "--clients many        | --clients: many (expected: an integer 1 to 10000)",
        "--keys 0              | --keys: 0 (expected: 1 to 1000000)",
        "--duration 0s         | --duration: 0s (expected: 1s to 10m, such as 12s, 1500ms or 1m)",
        "--duration 11m        | --duration: 11m (expected: 1s to 10m, such as 12s, 1500ms or 1m)",
        "--duration soon       | --duration: soon (expected: 1s to 10m, such as 12s, 1500ms or 1m)",
        "--rate 0              | --rate: 0 (expected: a number > 0)",
        "--rate -1             | --rate: -1 (expected: a number > 0)",
        "--zipf 6              | --zipf: 6 (expected: a number from 0 to 5)",
        "--seed x              | --seed: x (expected: an integer)",
        "--clients             | --clients: missing value",
        "--verbose             | unknown option '--verbose' (expected: --duration, --clients, --rate,"
            + " --keys, --zipf, --seed, --help)",
        "--clients 10000 --rate 6 | --rate: 6 x 10000 clients = 60000 requests/s (expected: at most"
            + " 50,000 in total)",
      })
  void badValuesAreNamedWithWhatWasExpected(String args, String message) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> DemoOptions.parse(args.split(" ")))
        .withMessage(message);
  }
}
