package dev.hitbox.config;

import static dev.hitbox.config.Configs.error;
import static dev.hitbox.config.Configs.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code ${ENV_VAR}} substitution. */
class EnvironmentTest {

  @Test
  void variablesAndDefaults() {
    HitboxConfig c =
        parse(
            "admin_token: ${HITBOX_ADMIN_TOKEN}\n"
                + "upstream: http://${UPSTREAM_HOST:-127.0.0.1}:${UPSTREAM_PORT:-9000}\n"
                + "policy:\n"
                + "  Enabled:\n"
                + "    ttl: ${TTL}\n"
                + "    stale: \"${STALE:-30}\"\n"
                + "tags: [\"literal $${NOT_A_VAR}\"]\n");
    assertThat(c.adminToken()).hasValue("s3cret");
    assertThat(c.upstream())
        .hasValueSatisfying(u -> assertThat(u).hasToString("http://127.0.0.1:9000"));
    assertThat(c.endpoints().get(0).policy().ttl()).isEqualTo(Duration.ofSeconds(90));
    assertThat(c.endpoints().get(0).policy().stale()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.endpoints().get(0).tags()).containsExactly("literal ${NOT_A_VAR}");
  }

  @Test
  void providersSeeSubstitutedValues() {
    BackendConfig b =
        Configs.WITH_REDIS
            .parse("backend: {type: Redis, connection_string: \"${REDIS_URL}\"}", "x.yaml")
            .endpoints()
            .get(0)
            .backend();
    assertThat(((FakeRedisProvider.Settings) b.settings()).uri()).isEqualTo("redis://cache:6379");
  }

  @Test
  void aMissingVariableIsAnErrorNamingIt() {
    assertThat(error("admin_token: ${NOPE}\n"))
        .hasMessage(
            "hitbox.yaml: admin_token at line 1, column 14: \"${NOPE}\" (environment variable NOPE"
                + " is not set)");
    assertThat(error("admin_token: ${NOPE\n")).hasMessageContaining("unterminated ${");
    assertThat(error("admin_token: ${1X}\n")).hasMessageContaining("bad variable name \"1X\"");
    assertThat(error("admin_token: ${NOPE:-}\n"))
        .hasMessageContaining("admin_token at line 1, column 14: \"${NOPE:-}\" (expected: a token");
  }

  @Test
  void substitutedSecretsAreNotShownInErrors() {
    ConfigLoader loader = ConfigLoader.builder().environment(Map.of("TTL", "hunter2")).build();
    ConfigException e = error(loader, "policy: {Enabled: {ttl: \"${TTL}\"}}");
    assertThat(e).hasMessageContaining("\"${TTL}\" (expected: a positive number of seconds");
    assertThat(e.getMessage()).doesNotContain("hunter2");
  }

  @Test
  void substitutionNeverChangesTheStructure() {
    ConfigLoader loader =
        ConfigLoader.builder().environment(Map.of("EVIL", "x\nbackend: {type: Redis}")).build();
    HitboxConfig c = loader.parse("admin_token: ${EVIL}\n", "x.yaml");
    assertThat(c.adminToken()).hasValue("x\nbackend: {type: Redis}");
    assertThat(c.endpoints().get(0).backend().type()).isEqualTo("Caffeine");
  }
}
