package dev.hitbox.proxy.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReportTest {

  @Test
  void formatsNumbersForTheTable() {
    assertThat(Report.latency(3_149)).isEqualTo("3.1 us");
    assertThat(Report.latency(69_540_000)).isEqualTo("69.5 ms");
    assertThat(Report.latency(1_234_560_000)).isEqualTo("1,234.6 ms");
    assertThat(Report.ratio(450, 9)).isEqualTo("50x lower");
    assertThat(Report.ratio(70_000_000, 3_100)).isEqualTo("22,581x lower");
    assertThat(Report.ratio(10, 40)).isEqualTo("4.0x higher");
    assertThat(Report.change(23_110, 2_046)).isEqualTo("-91.1%");
    assertThat(Report.percent(0.99975)).isEqualTo("99.9%");
    assertThat(Report.percent(0.5)).isEqualTo("50.0%");
    assertThat(Report.time(Duration.ofMillis(333))).isEqualTo("333 ms");
    assertThat(Report.time(Duration.ofSeconds(12))).isEqualTo("12 s");
    assertThat(Report.time(Duration.ofMillis(1500))).isEqualTo("1.5 s");
  }
}
