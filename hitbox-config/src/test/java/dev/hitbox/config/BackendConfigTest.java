package dev.hitbox.config;

import static dev.hitbox.config.Configs.parse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.caffeine.CaffeineBackend;
import dev.hitbox.core.CompositeBackend;
import dev.hitbox.core.KeyFormat;
import dev.hitbox.core.ReadPolicy;
import dev.hitbox.core.spi.Backend;
import java.time.Duration;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Backend configurations build backends and compare by value. */
class BackendConfigTest {

  private static BackendConfig backend(String yaml) {
    return parse("backend: " + yaml).endpoints().get(0).backend();
  }

  @Test
  void equalByValueWhateverTheSpelling() {
    assertThat(backend("{type: Moka, max_capacity: 100}"))
        .isEqualTo(backend("{type: Caffeine, max_capacity: 100, key: UrlEncoded, value: Bincode}"))
        .hasSameHashCodeAs(backend("{type: Caffeine, max_capacity: 100}"));
    assertThat(backend("{type: Moka, max_capacity: 100}"))
        .isNotEqualTo(backend("{type: Moka, max_capacity: 101}"))
        .isNotEqualTo(backend("{type: Moka, max_capacity: 100, name: local}"))
        .isNotEqualTo(backend("{type: Moka, max_capacity: 100, key: Bitcode}"))
        .isNotEqualTo(backend("{type: Moka, max_capacity: 100, value: Json}"))
        .isNotEqualTo(backend("{type: Moka, max_capacity: 100, compression: Gzip}"));
    assertThat(backend("{type: Moka, compression: {type: Zstd, level: 3}}"))
        .isNotEqualTo(backend("{type: Moka, compression: {type: Zstd}}"));
  }

  @Test
  void createMakesANewBackendEachTime() {
    BackendConfig c = backend("{type: Moka, name: local, max_bytes: 1MB}");
    Backend a = c.create();
    Backend b = c.create();
    assertThat(a).isInstanceOf(CaffeineBackend.class).isNotSameAs(b);
    assertThat(a.name()).isEqualTo("local");
  }

  @Test
  void compositionsBuildTheirTiers() {
    BackendConfig c =
        backend(
            "{type: Composition, name: tiers, tier_timeout: 20ms, value: {format: Json, compression: {type: Gzip, level: 1, threshold: 128}},"
                + " l1: {type: Moka, max_capacity: 10}, l2: {type: Moka, max_capacity: 1000,"
                + " value: {format: Json, compression: {type: Gzip, level: 1, threshold: 128}}},"
                + " policy: {read: Parallel}}");
    assertThat(c.valueFormat().name()).isEqualTo("Json");
    assertThat(c.compression()).isEqualTo(new CompressionConfig("Gzip", OptionalInt.of(1), 128));
    CompositeBackend built = (CompositeBackend) c.create();
    assertThat(built.name()).isEqualTo("tiers");
    assertThat(built.tierTimeout()).isEqualTo(Duration.ofMillis(20));
    assertThat(built.policy().read()).isEqualTo(ReadPolicy.PARALLEL);
    assertThat(c.toString()).contains("Composition{name=tiers").contains("l1=Caffeine");
  }

  @Test
  void aCompositionTakesTheValueFormatOfItsTiers() {
    BackendConfig c =
        backend(
            "{type: Composition, l1: {type: Moka}, l2: {type: Moka, value: {format: Cbor, compression: Lz4}}}");
    assertThat(c.valueFormat().name()).isEqualTo("Cbor");
    assertThat(c.compression().type()).isEqualTo("Lz4");
  }

  @Test
  void shortForms() {
    BackendConfig c = backend("{type: Moka, key: Bitcode, value: MessagePack, compression: Zstd}");
    assertThat(c.keyFormat()).isEqualTo(KeyFormat.BITCODE);
    assertThat(c.valueFormat().name()).isEqualTo("MessagePack");
    assertThat(c.compression()).isEqualTo(new CompressionConfig("Zstd", OptionalInt.empty(), 512));
    assertThat(backend("{type: Moka, key: {format: Bitcode, max_length: 512}}").keyFormat())
        .isEqualTo(KeyFormat.BITCODE.withMaxLength(512));
  }

  @Test
  void providersReadTheirOwnKeysThroughConfigNode() {
    BackendConfig c =
        Configs.WITH_REDIS
            .parse(
                """
                backend:
                  type: Redis
                  name: sessions
                  connection_string: "${REDIS_URL}"
                  database: 3
                  command_timeout: 250ms
                  tls: true
                  mode: standalone
                  max_value_size: 1MiB
                  cluster: {nodes: [a:1, b:2]}
                  sentinels: [{host: s1}, {host: s2}]
                """,
                "redis.yaml")
            .endpoints()
            .get(0)
            .backend();
    assertThat(c.settings())
        .isEqualTo(
            new FakeRedisProvider.Settings(
                "redis://cache:6379",
                3,
                Duration.ofMillis(250),
                java.util.List.of("a:1", "b:2"),
                true,
                "standalone",
                1L << 20,
                java.util.List.of("s1", "s2")));
    assertThat(c.create().name()).isEqualTo("sessions");
    assertThat(
            Configs.error(
                Configs.WITH_REDIS,
                "backend: {type: Redis, connection_string: redis://x, mode: cluster, tls: true}"))
        .hasMessageContaining(
            "backend.tls at line 1, column 74: \"true\" (expected: false with mode cluster)");
    assertThat(
            Configs.error(
                Configs.WITH_REDIS,
                "backend: {type: Redis, connection_string: redis://x, sentinels: [{port: 1}]}"))
        .hasMessageContaining(
            "backend.sentinels[0].host at line 1, column 66: missing (expected: a host name)");
    assertThat(
            Configs.error(
                Configs.WITH_REDIS,
                "backend: {type: Redis, connection_string: redis://x, database: 16}"))
        .hasMessageContaining(
            "backend.database at line 1, column 64: \"16\" (expected: an integer from 0 to 15)");
  }
}
