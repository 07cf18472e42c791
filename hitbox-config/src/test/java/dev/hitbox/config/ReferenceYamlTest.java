package dev.hitbox.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hitbox.core.StalePolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code reference.yaml} is a valid configuration and documents every key. */
class ReferenceYamlTest {
  static final String REFERENCE = Configs.resource("/dev/hitbox/config/reference.yaml");

  @Test
  void loads() {
    HitboxConfig c =
        ConfigLoader.builder().environment(Map.of()).build().parse(REFERENCE, "reference.yaml");
    assertThat(c.adminToken()).hasValue("change-me");
    assertThat(c.endpoints()).extracting(EndpointConfig::name).containsExactly("authors", "health");
    EndpointConfig authors = c.endpoints().get(0);
    assertThat(authors.policy().stale()).isEqualTo(Duration.ofMinutes(5));
    assertThat(authors.policy().stalePolicy()).isEqualTo(StalePolicy.OFFLOAD_REVALIDATE);
    assertThat(authors.request()).hasSize(4);
    assertThat(authors.backend().type()).isEqualTo("Caffeine");
    BackendConfig shared = c.endpoints().get(1).backend();
    assertThat(shared.type()).isEqualTo("Composition");
    assertThat(shared.compression().level()).hasValue(3);
    assertThat(shared.create().name()).isEqualTo("tiers");
  }

  @Test
  void documentsEveryKey() {
    List<String> keys = new ArrayList<>(ConfigReader.TOP_KEYS);
    keys.addAll(ConfigReader.ENDPOINT_KEYS);
    keys.addAll(
        List.of(
            "max_concurrent_tasks",
            "timeout_policy",
            "deduplicate", // offload
            "type",
            "name",
            "key",
            "value",
            "format",
            "max_length",
            "compression",
            "level",
            "threshold",
            "max_capacity",
            "max_bytes", // backends
            "l1",
            "l2",
            "tier_timeout",
            "coherent",
            "read",
            "write",
            "refill", // composition
            "Enabled",
            "Disabled",
            "ttl",
            "stale",
            "concurrency",
            "stale_if_error",
            "early_refresh",
            "delta",
            "beta", // policy
            "Cancel",
            "Warn",
            "None"));
    keys.addAll(HttpRulesReader.REQUEST_RULES);
    keys.addAll(HttpRulesReader.RESPONSE_RULES);
    keys.addAll(
        List.of(
            "eq",
            "in",
            "exist",
            "contains",
            "regex",
            "jq",
            "limit",
            "range",
            "starts",
            "hash",
            "transforms",
            "lowercase",
            "uppercase"));
    keys.addAll(HttpRulesReader.STATUS_CLASSES);
    for (String key : keys) {
      assertThat(REFERENCE).as(key).containsPattern("[\\s{\\[(]" + key + "[:,;.)\\s|]");
    }
  }
}
