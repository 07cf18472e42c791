package dev.hitbox.formats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.core.spi.Compressor;
import dev.hitbox.core.spi.ValueCodec;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Codecs and compressors fail on bad bytes with a {@link RuntimeException}, which the engine turns
 * into a counted miss: never an {@link Error} such as {@link OutOfMemoryError}.
 */
class GarbagePropertyTest {
  @Provide
  Arbitrary<ValueCodec<?>> codecs() {
    return Arbitraries.of(
        Formats.bincode(FormatsTest.User.class, FormatsTest.Address.class, FormatsTest.Plan.class),
        Formats.json(FormatsTest.User.class),
        Formats.messagePack(FormatsTest.User.class),
        Formats.cbor(FormatsTest.User.class));
  }

  @Provide
  Arbitrary<Compressor> compressors() {
    return Arbitraries.of(Compressors.zstd(), Compressors.lz4(), Compressors.gzip());
  }

  @Property(tries = 3000)
  void randomPayloadsDecodeOrFailWithARuntimeException(
      @ForAll("codecs") ValueCodec<?> codec, @ForAll @Size(max = 200) byte[] bytes) {
    assertOnlyRuntimeException(() -> codec.decode(bytes, 0, bytes.length));
  }

  @Property(tries = 2000)
  void mutatedPayloadsDecodeOrFailWithARuntimeException(
      @ForAll("codecs") ValueCodec<?> codec,
      @ForAll @IntRange(min = 0, max = 10_000) int position,
      @ForAll @IntRange(min = 1, max = 255) int xor,
      @ForAll @IntRange(min = 0, max = 10_000) int cut) {
    @SuppressWarnings("unchecked")
    ValueCodec<Object> c = (ValueCodec<Object>) codec;
    byte[] bytes = c.encode(FormatsTest.ADA);
    bytes[position % bytes.length] ^= (byte) xor;
    byte[] mutated = Arrays.copyOf(bytes, bytes.length - cut % 3);
    assertOnlyRuntimeException(() -> c.decode(mutated, 0, mutated.length));
  }

  @Property(tries = 2000)
  void randomOrMutatedCompressedPayloadsFailWithARuntimeException(
      @ForAll("compressors") Compressor compressor,
      @ForAll @Size(max = 200) byte[] noise,
      @ForAll @IntRange(min = 0, max = 10_000) int position,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int claimedLength) {
    assertOnlyRuntimeException(
        () -> compressor.decompress(noise, 0, noise.length, claimedLength % (1 << 20)));

    byte[] packed = compressor.compress(String.join(",", List.of("abc".repeat(300))).getBytes());
    packed[position % packed.length] ^= 0x5a;
    assertOnlyRuntimeException(() -> compressor.decompress(packed, 0, packed.length, 900));
    assertOnlyRuntimeException(
        () -> compressor.decompress(packed, 0, packed.length, claimedLength));
  }

  @Example
  void aMessagePackStringClaimingGigabytesIsRejectedBeforeAllocation() {
    // str32 of 0x519d237a (1.37 GB) bytes, followed by 7 bytes
    byte[] bytes = {(byte) 0xdb, 0x51, (byte) 0x9d, 0x23, 0x7a, 1, 2, 3, 4, 5, 6, 7};

    assertThatThrownBy(() -> Formats.messagePack(String.class).decode(bytes, 0, bytes.length))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("runs past the end");
  }

  @Example
  void aBincodeStringClaimingGigabytesIsRejectedBeforeAllocation() {
    // a UTF-8 string of 2^31 - 2 characters, then nothing
    byte[] bytes = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 1, 2};

    assertThatThrownBy(
            () -> Formats.bincode(FormatsTest.Address.class).decode(bytes, 0, bytes.length))
        .isInstanceOf(RuntimeException.class)
        .hasMessageContaining("cannot fit in the 2 bytes left");
  }

  @Example
  void aBincodeArrayClaimingGigabytesIsRejectedBeforeAllocation() {
    // a long[] of 2^28 elements, then nothing
    byte[] bytes = {(byte) 0x81, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01};

    assertThatThrownBy(() -> Formats.bincode(long[].class).decode(bytes, 0, bytes.length))
        .isInstanceOf(RuntimeException.class)
        .hasMessageContaining("cannot fit");
  }

  private static void assertOnlyRuntimeException(Runnable decode) {
    try {
      decode.run();
    } catch (Throwable t) {
      assertThat(t).isInstanceOf(RuntimeException.class);
    }
  }
}
