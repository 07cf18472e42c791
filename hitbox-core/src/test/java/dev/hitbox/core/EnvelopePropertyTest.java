package dev.hitbox.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.core.internal.Envelope;
import dev.hitbox.core.spi.Compressor;
import dev.hitbox.core.spi.ValueCodec;
import java.util.Arrays;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Feeds the envelope decoder random, truncated and mutated bytes: every outcome is a value or a
 * {@link BackendException}, never another exception.
 */
class EnvelopePropertyTest {
  private static final ValueCodec<String> CODEC = ValueCodec.utf8();

  record Sample(CacheValue<String> value, Compressor compressor, byte[] bytes) {}

  @Provide
  Arbitrary<Compressor> compressors() {
    return Arbitraries.of(Compressor.none(), Compressor.gzip(1), Compressor.gzip());
  }

  @Provide
  Arbitrary<Sample> envelopes() {
    Arbitrary<String> values =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(40),
            // long and repetitive, so that gzip kicks in above the threshold
            Arbitraries.strings().withChars("ab ").ofMinLength(600).ofMaxLength(2000));
    Arbitrary<Set<String>> tags = Arbitraries.strings().ofMaxLength(12).set().ofMaxSize(4);
    Arbitrary<Long> created = Arbitraries.longs().between(0, 4_000_000_000_000L);
    Arbitrary<Long> fresh = Arbitraries.longs().between(0, 86_400_000L);
    Arbitrary<Long> grace = Arbitraries.longs().between(0, 86_400_000L);
    return Combinators.combine(values, tags, created, fresh, grace, compressors())
        .as(
            (v, t, c, f, g, comp) -> {
              CacheValue<String> value = CacheValue.of(v, c, c + f, c + f + g, t);
              return new Sample(value, comp, Envelope.encode(value, CODEC, comp, 512));
            });
  }

  @Property(tries = 2000)
  void randomBytesDecodeOrAreRejected(
      @ForAll @Size(max = 300) byte[] bytes, @ForAll("compressors") Compressor compressor) {
    assertValueOrBackendException(bytes, compressor);
  }

  @Property(tries = 500)
  void randomBytesAfterAValidPrefixDecodeOrAreRejected(
      @ForAll("envelopes") Sample sample,
      @ForAll @IntRange(min = 0, max = 60) int keep,
      @ForAll @Size(max = 100) byte[] tail) {
    byte[] prefix = Arrays.copyOf(sample.bytes(), Math.min(keep, sample.bytes().length));
    byte[] bytes = Arrays.copyOf(prefix, prefix.length + tail.length);
    System.arraycopy(tail, 0, bytes, prefix.length, tail.length);
    assertValueOrBackendException(bytes, sample.compressor());
  }

  @Property(tries = 500)
  void validEnvelopesRoundTrip(@ForAll("envelopes") Sample sample) {
    CacheValue<String> back = Envelope.decode(sample.bytes(), CODEC, sample.compressor());

    assertThat(back.value()).isEqualTo(sample.value().value());
    assertThat(back.createdAt()).isEqualTo(sample.value().createdAt());
    assertThat(back.staleAt()).isEqualTo(sample.value().staleAt());
    assertThat(back.expireAt()).isEqualTo(sample.value().expireAt());
    assertThat(back.tags()).isEqualTo(sample.value().tags());
  }

  @Property(tries = 1000)
  void truncatedEnvelopesAreRejected(
      @ForAll("envelopes") Sample sample, @ForAll @IntRange(min = 0, max = 100_000) int cut) {
    byte[] truncated = Arrays.copyOf(sample.bytes(), cut % sample.bytes().length);

    assertThatThrownBy(() -> Envelope.decode(truncated, CODEC, sample.compressor()))
        .isInstanceOf(BackendException.class);
  }

  @Property(tries = 2000)
  void mutatedEnvelopesDecodeOrAreRejected(
      @ForAll("envelopes") Sample sample,
      @ForAll @IntRange(min = 0, max = 100_000) int position,
      @ForAll @IntRange(min = 1, max = 255) int xor) {
    byte[] mutated = sample.bytes().clone();
    int at = position % mutated.length;
    mutated[at] ^= (byte) xor;

    assertValueOrBackendException(mutated, sample.compressor());
  }

  @Property(tries = 1000)
  void aMutatedMagicVersionFormatCompressionOrSchemaIsAlwaysRejected(
      @ForAll("envelopes") Sample sample,
      @ForAll("identityPositions") int at,
      @ForAll @IntRange(min = 1, max = 255) int xor) {
    byte[] mutated = sample.bytes().clone();
    mutated[at] ^= (byte) xor;

    assertThatThrownBy(() -> Envelope.decode(mutated, CODEC, sample.compressor()))
        .isInstanceOf(BackendException.class);
  }

  @Provide
  Arbitrary<Integer> identityPositions() {
    // magic (0, 1), envelope version (2), format id (3), compression id (4), schema version (6-9)
    return Arbitraries.of(0, 1, 2, 3, 4, 6, 7, 8, 9);
  }

  @Property(tries = 200)
  void anotherSchemaVersionIsRejected(
      @ForAll("envelopes") Sample sample, @ForAll @IntRange(min = 1) int schema) {
    ValueCodec<String> newer = new SchemaCodec(schema);

    assertThatThrownBy(() -> Envelope.decode(sample.bytes(), newer, sample.compressor()))
        .isInstanceOf(BackendException.class)
        .hasMessageContaining("schema version");
  }

  private static void assertValueOrBackendException(byte[] bytes, Compressor compressor) {
    CacheValue<String> value;
    try {
      value = Envelope.decode(bytes, CODEC, compressor);
    } catch (BackendException expected) {
      return;
    }
    assertThat(value.value()).isNotNull();
    assertThat(value.createdAt()).isLessThanOrEqualTo(value.staleAt());
    assertThat(value.staleAt()).isLessThanOrEqualTo(value.expireAt());
  }

  /** UTF-8 strings with another schema version. */
  private record SchemaCodec(int schema) implements ValueCodec<String> {
    @Override
    public byte formatId() {
      return CODEC.formatId();
    }

    @Override
    public int schemaVersion() {
      return schema;
    }

    @Override
    public byte[] encode(String value) {
      return CODEC.encode(value);
    }

    @Override
    public String decode(byte[] bytes, int offset, int length) {
      return CODEC.decode(bytes, offset, length);
    }
  }
}
