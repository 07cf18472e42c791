package dev.hitbox.formats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.spi.Compressor;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CompressorsTest {
  private static final byte[] TEXT =
      "{\"id\":42,\"name\":\"Ada Lovelace\",\"roles\":[\"admin\",\"author\"]},"
          .repeat(100)
          .getBytes(StandardCharsets.UTF_8);

  static Stream<Compressor> compressors() {
    return Stream.of(
        Compressors.zstd(-7),
        Compressors.zstd(),
        Compressors.zstd(22),
        Compressors.lz4(),
        Compressors.gzip(),
        Compressors.gzip(0));
  }

  @ParameterizedTest
  @MethodSource("compressors")
  void roundTrips(Compressor compressor) {
    byte[] packed = compressor.compress(TEXT);
    byte[] framed = new byte[packed.length + 5];
    System.arraycopy(packed, 0, framed, 2, packed.length);

    assertThat(compressor.decompress(framed, 2, packed.length, TEXT.length)).isEqualTo(TEXT);
  }

  @ParameterizedTest
  @MethodSource("compressors")
  void aWrongRecordedLengthFails(Compressor compressor) {
    byte[] packed = compressor.compress(TEXT);

    assertThatThrownBy(() -> compressor.decompress(packed, 0, packed.length, TEXT.length + 1))
        .isInstanceOf(RuntimeException.class);
    assertThatThrownBy(() -> compressor.decompress(packed, 0, packed.length, TEXT.length - 1))
        .isInstanceOf(RuntimeException.class);
  }

  @ParameterizedTest
  @MethodSource("compressors")
  void aHugeRecordedLengthIsRejectedWithoutAllocatingIt(Compressor compressor) {
    byte[] packed = compressor.compress(TEXT);

    assertThatThrownBy(() -> compressor.decompress(packed, 0, packed.length, Integer.MAX_VALUE - 8))
        .isInstanceOf(RuntimeException.class);
  }

  @Test
  void compressorsShrinkRepetitiveData() {
    assertThat(Compressors.zstd().compress(TEXT).length).isLessThan(TEXT.length / 10);
    assertThat(Compressors.lz4().compress(TEXT).length).isLessThan(TEXT.length / 10);
  }

  @Test
  void idsAreDistinct() {
    assertThat(Compressors.none().id()).isEqualTo((byte) 0);
    assertThat(Compressors.gzip().id()).isEqualTo((byte) 1);
    assertThat(Compressors.zstd().id()).isEqualTo((byte) 2);
    assertThat(Compressors.lz4().id()).isEqualTo((byte) 3);
  }

  @ParameterizedTest
  @ValueSource(ints = {-8, 23, 100})
  void aZstdLevelOutOfRangeIsAConfigurationError(int level) {
    assertThatThrownBy(() -> Compressors.zstd(level))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("zstd level: " + level + " (expected: -7..22)");
  }

  @Test
  void defaultsAreZstd3AndGzip6() {
    assertThat(Compressors.zstd()).hasToString("Zstd(3)");
    assertThat(Compressors.gzip()).hasToString("Gzip(6)");
  }

  @Test
  void compressorsAreFoundByTheirConfigurationNames() {
    assertThat(Compressors.byName("Zstd", 19)).hasToString("Zstd(19)");
    assertThat(Compressors.byName("Gzip", 9)).hasToString("Gzip(9)");
    assertThat(Compressors.byName("Lz4").id()).isEqualTo((byte) 3);
    assertThat(Compressors.byName("None").id()).isEqualTo((byte) 0);
    assertThatThrownBy(() -> Compressors.byName("Snappy"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("compression type: Snappy (expected one of: Zstd, Gzip, Lz4, None)");
    assertThatThrownBy(() -> Compressors.byName("Gzip", 10))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("gzip level: 10 (expected: 0..9)");
    assertThatThrownBy(() -> Compressors.byName("Lz4", 3))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("lz4 level: 3 (expected: no level)");
  }
}
