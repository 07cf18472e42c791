package dev.hitbox.config;

import static dev.hitbox.config.Configs.LOADER;
import static dev.hitbox.config.Configs.WITH_REDIS;
import static dev.hitbox.config.Configs.seed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.caffeine.CaffeineBackend;
import dev.hitbox.config.PredicateConfig.Status.Range;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.CompositeBackend;
import dev.hitbox.core.CompositionPolicy;
import dev.hitbox.core.KeyFormat;
import dev.hitbox.core.ReadPolicy;
import dev.hitbox.core.RefillPolicy;
import dev.hitbox.core.StalePolicy;
import dev.hitbox.core.WritePolicy;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Every YAML example of the seed system loads unchanged. */
class SeedConfigTest {

  private static HitboxConfig load(ConfigLoader loader, String name) {
    return loader.parse(seed(name), name);
  }

  private static EndpointConfig only(HitboxConfig config) {
    assertThat(config.endpoints()).hasSize(1);
    return config.endpoints().get(0);
  }

  @Test
  void mokaBackend() {
    EndpointConfig e = only(load(LOADER, "moka.yaml"));
    BackendConfig b = e.backend();
    assertThat(e.name()).isEqualTo("default");
    assertThat(b.type()).isEqualTo("Caffeine");
    assertThat(b.keyFormat()).isEqualTo(KeyFormat.BITCODE);
    assertThat(b.valueFormat().name()).isEqualTo("Bincode");
    assertThat(b.compression()).isEqualTo(new CompressionConfig("Zstd", OptionalInt.of(3), 512));
    assertThat(b.settings()).isEqualTo(new CaffeineProvider.Settings(10_000, 0));
    assertThat(b.create()).isInstanceOf(CaffeineBackend.class);
    assertThat(b.compression().compressor().id()).isEqualTo((byte) 2);
  }

  @Test
  void redisBackendNamesTheMissingModule() {
    assertThatThrownBy(() -> load(LOADER, "redis.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "redis.yaml: backend.type at line 3, column 9: \"Redis\" (hitbox-redis is not on the"
                + " classpath)");
  }

  @Test
  void feOxDbBackendNamesTheMissingModule() {
    assertThatThrownBy(() -> load(LOADER, "feoxdb.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "feoxdb.yaml: backend.type at line 3, column 9: \"FeOxDb\" (hitbox-rocksdb is not on"
                + " the classpath)");
  }

  @Test
  void compositionWithRedisNamesTheMissingModuleAtTheTier() {
    assertThatThrownBy(() -> load(LOADER, "composition.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "composition.yaml: backend.l2.type at line 12, column 11: \"Redis\" (hitbox-redis is"
                + " not on the classpath)");
    assertThatThrownBy(() -> load(LOADER, "nested.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("backend.l2.l2.type at line 21, column 13: \"Redis\"");
  }

  @Test
  void redisSeedsLoadWhenAProviderIsPresent() {
    BackendConfig redis = only(load(WITH_REDIS, "redis.yaml")).backend();
    assertThat(redis.type()).isEqualTo("Redis");
    assertThat(redis.settings())
        .isEqualTo(
            new FakeRedisProvider.Settings(
                "redis://localhost:6379", 0, Duration.ofSeconds(1), List.of()));

    BackendConfig composition = only(load(WITH_REDIS, "composition.yaml")).backend();
    assertThat(composition.type()).isEqualTo("Composition");
    CompositionSettings tiers = (CompositionSettings) composition.settings();
    assertThat(tiers.l1().type()).isEqualTo("Caffeine");
    assertThat(tiers.l2().type()).isEqualTo("Redis");
    assertThat(tiers.policy()).isEqualTo(CompositionPolicy.defaults());
    assertThat(composition.create()).isInstanceOf(CompositeBackend.class);

    BackendConfig nested = only(load(WITH_REDIS, "nested.yaml")).backend();
    CompositionSettings outer = (CompositionSettings) nested.settings();
    assertThat(outer.policy())
        .isEqualTo(
            CompositionPolicy.of(
                ReadPolicy.RACE, WritePolicy.OPTIMISTIC_PARALLEL, RefillPolicy.ALWAYS));
    assertThat(outer.l2().type()).isEqualTo("Composition");
    CompositeBackend built = (CompositeBackend) nested.create();
    assertThat(built.l2()).isInstanceOf(CompositeBackend.class);
  }

  @Test
  void compositionOfMokaTiersLoads() {
    String yaml =
        seed("nested.yaml")
            .replace("type: Redis", "type: Moka")
            .replace("connection_string: \"redis://localhost:6379\"", "max_capacity: 100000");
    BackendConfig b = only(LOADER.parse(yaml, "nested.yaml")).backend();
    CompositeBackend built = (CompositeBackend) b.create();
    assertThat(built.l1()).isInstanceOf(CaffeineBackend.class);
    assertThat(((CompositeBackend) built.l2()).l2()).isInstanceOf(CaffeineBackend.class);
    assertThat(built.policy().read()).isEqualTo(ReadPolicy.RACE);
    assertThat(b.valueFormat().name()).isEqualTo("Bincode");
  }

  @Test
  void entireCachingSetup() {
    EndpointConfig e = only(load(LOADER, "full.yaml"));
    assertThat(e.request())
        .containsExactly(
            new PredicateConfig.Method(List.of("GET")),
            new PredicateConfig.Path("/api/authors/{author_id}"));
    assertThat(e.response())
        .containsExactly(new PredicateConfig.Status(List.of(new Range(200, 299))));
    assertThat(e.extractors())
        .containsExactly(
            new ExtractorConfig.Method(),
            new ExtractorConfig.Path("/api/authors/{author_id}"),
            new ExtractorConfig.Query("page", null, List.of()));
    CachePolicy p = e.policy();
    assertThat(p.enabled()).isTrue();
    assertThat(p.ttl()).isEqualTo(Duration.ofSeconds(60));
    assertThat(p.stale()).isEqualTo(Duration.ofSeconds(300));
    assertThat(p.stalePolicy()).isEqualTo(StalePolicy.OFFLOAD_REVALIDATE);
    assertThat(p.concurrency()).hasValue(1);
  }

  @Test
  void stalePolicyAndConcurrencySnippets() {
    CachePolicy stale = only(load(LOADER, "stale.yaml")).policy();
    assertThat(stale.stalePolicy()).isEqualTo(StalePolicy.OFFLOAD_REVALIDATE);
    assertThat(stale.concurrency()).isEmpty();
    CachePolicy concurrency = only(load(LOADER, "concurrency.yaml")).policy();
    assertThat(concurrency.stalePolicy()).isEqualTo(StalePolicy.RETURN);
    assertThat(concurrency.concurrency()).hasValue(1);
    assertThat(only(load(LOADER, "stale.yaml")).backend()).isEqualTo(BackendReader.DEFAULT);
  }

  @Test
  void predicateAndExtractorSnippets() {
    EndpointConfig p = only(load(LOADER, "predicates.yaml"));
    assertThat(p.request())
        .containsExactly(
            new PredicateConfig.Method(List.of("GET")),
            new PredicateConfig.Path("/api/authors/{id}"),
            new PredicateConfig.Header(
                "x-api-key", PredicateConfig.Operation.EQ, List.of("secret123")));
    assertThat(p.response())
        .containsExactly(
            new PredicateConfig.Status(List.of(new Range(200, 200))),
            new PredicateConfig.Status(List.of(new Range(200, 299))));
    EndpointConfig x = only(load(LOADER, "extractors.yaml"));
    assertThat(x.extractors())
        .containsExactly(
            new ExtractorConfig.Path("/v1/authors/{author_id}/books/{book_id}"),
            new ExtractorConfig.Query("page", null, List.of()),
            new ExtractorConfig.Header("Accept-Language", null, List.of()));
  }

  @Test
  void architectureExamples() {
    HitboxConfig config = load(LOADER, "architecture-endpoints.yaml");
    assertThat(config.listen().getHostString()).isEqualTo("127.0.0.1");
    assertThat(config.listen().getPort()).isEqualTo(8080);
    assertThat(config.admin()).hasValueSatisfying(a -> assertThat(a.getPort()).isEqualTo(9090));
    assertThat(config.upstream())
        .hasValueSatisfying(u -> assertThat(u).hasToString("http://127.0.0.1:9000"));
    EndpointConfig authors = config.endpoint("authors").orElseThrow();
    assertThat(authors.tags()).containsExactly("author:{author_id}");
    assertThat(authors.backend().compression().level()).hasValue(3);
    assertThat(authors.policy().concurrency()).hasValue(1);

    EndpointConfig grammar = only(load(LOADER, "architecture-grammar.yaml"));
    assertThat(grammar.request()).hasSize(5);
    assertThat(grammar.response()).hasSize(3);
    assertThat(grammar.extractors()).hasSize(5);
  }
}
