package dev.hitbox.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.KeyFormat;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisBackendBuilderTest {

  @Test
  void settersRejectBadValuesAtOnceNamingTheValueAndWhatIsExpected() {
    RedisBackend.Builder b = RedisBackend.builder();

    assertThatThrownBy(() -> b.port(70_000))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("port: 70000 (expected: 1..65535)");
    assertThatThrownBy(() -> b.port(0)).hasMessage("port: 0 (expected: 1..65535)");
    assertThatThrownBy(() -> b.host(" ")).hasMessageStartingWith("host: \" \" (expected:");
    assertThatThrownBy(() -> b.database(-1)).hasMessage("database: -1 (expected: >= 0)");
    assertThatThrownBy(() -> b.poolSize(0)).hasMessage("pool_size: 0 (expected: 1..256)");
    assertThatThrownBy(() -> b.connectTimeout(Duration.ZERO))
        .hasMessage("connection_timeout: PT0S (expected: > 0)");
    assertThatThrownBy(() -> b.commandTimeout(Duration.ofMillis(-1)))
        .hasMessage("command_timeout: PT-0.001S (expected: > 0)");
    assertThatThrownBy(() -> b.password("")).hasMessage("password: \"\" (expected: non-empty)");
    assertThatThrownBy(() -> b.cluster("127.0.0.1"))
        .hasMessage("cluster: \"127.0.0.1\" (expected: host:port with a port in 1..65535)");
    assertThatThrownBy(() -> b.cluster(java.util.List.of()))
        .hasMessage("cluster: [] (expected: at least one host:port)");
    assertThatThrownBy(() -> b.sentinel("mymaster", "127.0.0.1:99999"))
        .hasMessageStartingWith("sentinel: \"127.0.0.1:99999\"");
    assertThatThrownBy(() -> b.tagPrefix("a{b}"))
        .hasMessage("tag_prefix: \"a{b}\" (expected: non-empty, without { or })");
    assertThatThrownBy(() -> b.trustedCertificates(Path.of("/nonexistent/ca.pem")))
        .hasMessage("trusted_certificates: /nonexistent/ca.pem (expected: a readable PEM file)");
  }

  @Test
  void connectionStringSetsEverythingItSays() {
    RedisBackend redis =
        RedisBackend.builder().connectionString("redis://hitbox:s3cret@127.0.0.1:6390/2").build();
    try {
      assertThat(redis.toString())
          .isEqualTo("RedisBackend{redis, redis 127.0.0.1:6390 (database 2, user hitbox)}");
    } finally {
      redis.close();
    }

    RedisBackend tls = RedisBackend.builder().connectionString("rediss://:pw@example.org").build();
    try {
      assertThat(tls.toString()).contains("rediss example.org:6379 (database 0)");
    } finally {
      tls.close();
    }
  }

  @Test
  void sentinelConnectionStringNamesTheMaster() {
    RedisBackend redis =
        RedisBackend.builder()
            .connectionString("redis-sentinel://127.0.0.1:26379,127.0.0.1:26380/1#mymaster")
            .build();
    try {
      assertThat(redis.toString())
          .contains("master mymaster via sentinels 127.0.0.1:26379,127.0.0.1:26380 (database 1)");
    } finally {
      redis.close();
    }
  }

  @Test
  void badConnectionStringsAreRejectedWithoutRepeatingThePassword() {
    assertThatThrownBy(() -> RedisBackend.builder().connectionString("http://u:topsecret@h:1"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("connection_string: \"http://u:***@h:1\" (expected: redis://")
        .hasMessageNotContaining("topsecret");
    assertThatThrownBy(() -> RedisBackend.builder().connectionString("redis://u:topsecret@h:70000"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageNotContaining("topsecret");
  }

  @Test
  void clusterAndSentinelExcludeEachOtherAndClusterHasOnlyDatabaseZero() {
    assertThatThrownBy(
            () ->
                RedisBackend.builder()
                    .cluster("127.0.0.1:7000")
                    .sentinel("m", "127.0.0.1:26379")
                    .build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("cluster and sentinel are both set (expected: at most one of them)");
    assertThatThrownBy(() -> RedisBackend.builder().cluster("127.0.0.1:7000").database(3).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("database: 3 (expected: 0, the only database of a Redis Cluster)");
  }

  @Test
  void defaults() {
    RedisBackend redis = RedisBackend.builder().build();
    try {
      assertThat(redis.name()).isEqualTo("redis");
      assertThat(redis.keyFormat()).isEqualTo(KeyFormat.URL_ENCODED);
      assertThat(redis.toString())
          .isEqualTo("RedisBackend{redis, redis localhost:6379 (database 0)}");
    } finally {
      redis.close();
    }
  }

  @Test
  void tagKeysAreDistinctForDistinctTagsAndShareOneHashTag() {
    TagIndex index = new TagIndex("hitbox:tag:");
    java.util.List<String> tags =
        java.util.List.of("", "%", "%25", "{", "}", "a}b", "\uD800", "%uD800", "?", "ü", "a b");
    java.util.Set<String> keys = new java.util.HashSet<>();
    for (String t : tags) {
      String k = new String(index.keysKey(t), java.nio.charset.StandardCharsets.UTF_8);
      String e = new String(index.expiryKey(t), java.nio.charset.StandardCharsets.UTF_8);
      keys.add(k);
      // the hash tag of both keys is the same non-empty text, so they live in one slot
      String tagOfK = k.substring(k.indexOf('{') + 1, k.indexOf('}'));
      String tagOfE = e.substring(e.indexOf('{') + 1, e.indexOf('}'));
      assertThat(tagOfK).isNotEmpty().isEqualTo(tagOfE);
      assertThat(io.lettuce.core.cluster.SlotHash.getSlot(index.keysKey(t)))
          .isEqualTo(io.lettuce.core.cluster.SlotHash.getSlot(index.expiryKey(t)));
    }
    assertThat(keys).hasSize(tags.size());
    assertThat(new String(index.keysKey("author:42"), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("hitbox:tag:{author:42}:keys");
  }

  @Test
  void scanGlobIsTheNamespaceAndThePatternsLiteralBeginningEscaped() {
    assertThat(glob(KeyFormat.URL_ENCODED, "posts", "user:42:*")).isEqualTo("posts:*:user:42:*");
    assertThat(glob(KeyFormat.URL_ENCODED, "posts", "a[b]c")).isEqualTo("posts:*:a\\[b\\]c*");
    assertThat(glob(KeyFormat.URL_ENCODED, "posts", "a\\*c")).isEqualTo("posts:*:a*");
    assertThat(glob(KeyFormat.URL_ENCODED, "posts", "a b")).isEqualTo("posts:*:a*");
    assertThat(glob(KeyFormat.URL_ENCODED, "posts", "100%")).isEqualTo("posts:*:100*");
    assertThat(glob(KeyFormat.BITCODE, "posts", "anything*")).isEqualTo("\u0001\u0005posts*");
  }

  private static String glob(KeyFormat format, String ns, String pattern) {
    return new String(
        ScanMatch.glob(format, ns, pattern), java.nio.charset.StandardCharsets.ISO_8859_1);
  }
}
