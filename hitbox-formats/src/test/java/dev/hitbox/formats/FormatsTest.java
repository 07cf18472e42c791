package dev.hitbox.formats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.spi.ValueCodec;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class FormatsTest {
  record Address(String city, String zip) {}

  enum Plan {
    FREE,
    PRO
  }

  record User(
      long id,
      String name,
      List<String> roles,
      Address address,
      Map<String, Integer> scores,
      Plan plan) {}

  static final User ADA =
      new User(
          42,
          "Ada Lovelace",
          List.of("admin", "author"),
          new Address("London", "W1"),
          Map.of("posts", 12, "likes", 340),
          Plan.PRO);

  static Stream<ValueCodec<User>> codecs() {
    return Stream.of(
        Formats.bincode(User.class, Address.class, Plan.class),
        Formats.json(User.class),
        Formats.messagePack(User.class),
        Formats.cbor(User.class));
  }

  @ParameterizedTest
  @MethodSource("codecs")
  void everyFormatRoundTripsAUserType(ValueCodec<User> codec) {
    byte[] bytes = codec.encode(ADA);

    assertThat(codec.decode(bytes, 0, bytes.length)).isEqualTo(ADA);
  }

  @ParameterizedTest
  @MethodSource("codecs")
  void everyFormatDecodesFromAnOffset(ValueCodec<User> codec) {
    byte[] bytes = codec.encode(ADA);
    byte[] framed = new byte[bytes.length + 7];
    System.arraycopy(bytes, 0, framed, 3, bytes.length);

    assertThat(codec.decode(framed, 3, bytes.length)).isEqualTo(ADA);
  }

  @ParameterizedTest
  @MethodSource("codecs")
  void trailingBytesAreRejected(ValueCodec<User> codec) {
    byte[] bytes = codec.encode(ADA);
    byte[] longer = new byte[bytes.length + 1];
    System.arraycopy(bytes, 0, longer, 0, bytes.length);
    longer[bytes.length] = 1;

    assertThatThrownBy(() -> codec.decode(longer, 0, longer.length))
        .isInstanceOf(RuntimeException.class);
  }

  @Test
  void bincodeIsTheMostCompact() {
    int bincode = Formats.bincode(User.class, Address.class, Plan.class).encode(ADA).length;

    assertThat(bincode).isLessThan(Formats.json(User.class).encode(ADA).length);
    assertThat(bincode).isLessThan(Formats.messagePack(User.class).encode(ADA).length);
    assertThat(bincode).isLessThan(Formats.cbor(User.class).encode(ADA).length);
  }

  @Test
  void jsonIsReadableAndIgnoresFieldsItDoesNotKnow() {
    String json =
        new String(Formats.json(Address.class).encode(ADA.address()), StandardCharsets.UTF_8);
    assertThat(json).isEqualTo("{\"city\":\"London\",\"zip\":\"W1\"}");

    byte[] newer =
        "{\"city\":\"Paris\",\"zip\":\"75\",\"country\":\"FR\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(Formats.json(Address.class).decode(newer, 0, newer.length))
        .isEqualTo(new Address("Paris", "75"));
  }

  @Test
  void formatIdsAreDistinctAndDocumented() {
    Set<Byte> ids = new HashSet<>();
    ids.add(ValueCodec.bytes().formatId());
    ids.add(ValueCodec.utf8().formatId());
    codecs().forEach(c -> ids.add(c.formatId()));

    assertThat(ids)
        .containsExactlyInAnyOrder((byte) 1, (byte) 2, (byte) 3, (byte) 4, (byte) 5, (byte) 6);
    assertThat(Formats.byName("Bincode").formatId()).isEqualTo((byte) 6);
    assertThat(Formats.byName("Json").formatId()).isEqualTo((byte) 3);
  }

  @Test
  void bytesPassThrough() {
    byte[] raw = {1, 2, 3, 4};
    ValueCodec<byte[]> bytes = Formats.bytes();

    assertThat(bytes.encode(raw)).isSameAs(raw);
    assertThat(bytes.decode(new byte[] {0, 1, 2, 3, 4, 0}, 1, 4)).isEqualTo(raw);
    assertThat(Formats.byName("Bytes").codec(byte[].class)).isSameAs(bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Bincode", "Json", "MessagePack", "Cbor"})
  void formatsAreFoundByTheirConfigurationNames(String name) {
    ValueCodec<Address> codec = Formats.byName(name).codec(Address.class);
    byte[] bytes = codec.encode(ADA.address());

    assertThat(codec.decode(bytes, 0, bytes.length)).isEqualTo(ADA.address());
    assertThat(Formats.byName(name).name()).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Rkyv", "Ron"})
  void rustOnlyFormatsAreAClearError(String name) {
    assertThatThrownBy(() -> Formats.byName(name))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "value format "
                + name
                + " is Rust-only (expected one of: Bincode, Json, MessagePack, Cbor, Bytes)");
  }

  @Test
  void unknownFormatsAreAClearError() {
    assertThatThrownBy(() -> Formats.byName("Yaml"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "value format: Yaml (expected one of: Bincode, Json, MessagePack, Cbor, Bytes)");
    assertThatThrownBy(() -> Formats.byName("Bytes").codec(String.class))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("value format Bytes stores byte[] (got: java.lang.String)");
  }

  @Test
  void theSchemaVersionIsSetPerCodec() {
    ValueCodec<User> v2 = Formats.json(User.class).withSchemaVersion(2);

    assertThat(v2.schemaVersion()).isEqualTo(2);
    assertThat(v2.formatId()).isEqualTo(Formats.json(User.class).formatId());
    assertThat(v2.withSchemaVersion(3).schemaVersion()).isEqualTo(3);
    assertThatThrownBy(() -> v2.withSchemaVersion(-1))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("schema_version: -1 (expected: >= 0)");
  }
}
