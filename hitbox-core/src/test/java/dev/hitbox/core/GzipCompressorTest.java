package dev.hitbox.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.core.spi.Compressor;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GzipCompressorTest {
  private static final byte[] TEXT =
      "the quick brown fox jumps over the lazy dog; ".repeat(200).getBytes(StandardCharsets.UTF_8);

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 6, 9})
  void roundTripsAtEveryLevel(int level) {
    Compressor gzip = Compressor.gzip(level);

    byte[] packed = gzip.compress(TEXT);

    assertThat(gzip.decompress(packed, 0, packed.length, TEXT.length)).isEqualTo(TEXT);
    if (level > 0) {
      assertThat(packed.length).isLessThan(TEXT.length / 4);
    }
  }

  @Test
  void defaultsToLevelSix() {
    assertThat(Compressor.gzip()).hasToString("Gzip(6)");
    assertThat(Compressor.gzip().id()).isEqualTo((byte) 1);
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 10, 22})
  void aLevelOutOfRangeIsAConfigurationError(int level) {
    assertThatThrownBy(() -> Compressor.gzip(level))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("gzip level: " + level + " (expected: 0..9)");
  }

  @Test
  void aRecordedLengthThatDoesNotMatchFails() {
    Compressor gzip = Compressor.gzip();
    byte[] packed = gzip.compress(TEXT);

    assertThatThrownBy(() -> gzip.decompress(packed, 0, packed.length, TEXT.length - 1))
        .isInstanceOf(RuntimeException.class);
    assertThatThrownBy(() -> gzip.decompress(packed, 0, packed.length, TEXT.length + 1))
        .isInstanceOf(RuntimeException.class);
  }

  @Test
  void aHugeRecordedLengthIsNotAllocatedUpFront() {
    Compressor gzip = Compressor.gzip();
    byte[] packed = gzip.compress(TEXT);

    // Would need 2 GiB if the decompressor trusted the recorded length.
    assertThatThrownBy(() -> gzip.decompress(packed, 0, packed.length, Integer.MAX_VALUE - 8))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected: " + (Integer.MAX_VALUE - 8));
  }

  @Test
  void bytesThatAreNotGzipFail() {
    assertThatThrownBy(() -> Compressor.gzip().decompress(TEXT, 0, 100, 100))
        .isInstanceOf(RuntimeException.class);
  }
}
