package dev.hitbox.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.KeyFormat;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Every setter rejects a bad value at once, naming the setting, the value and what is expected. */
class DynamoDbBackendBuilderTest {

  @Test
  void badValuesNameTheSettingAndWhatIsExpected() {
    DynamoDbBackend.Builder b = DynamoDbBackend.builder();
    assertThatThrownBy(() -> b.table("ab"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("table: \"ab\" (expected: 3 to 255 characters of A-Z a-z 0-9 _ - .)");
    assertThatThrownBy(() -> b.table("cache table"))
        .hasMessageStartingWith("table: \"cache table\" (expected: ");
    assertThatThrownBy(() -> b.region("EU West"))
        .hasMessage("region: \"EU West\" (expected: an AWS region such as eu-west-1)");
    assertThatThrownBy(() -> b.endpoint("localhost:8000"))
        .hasMessage(
            "endpoint: \"localhost:8000\" (expected: an http:// or https:// URL such as"
                + " http://127.0.0.1:8000)");
    assertThatThrownBy(() -> b.ttlAttribute("x"))
        .hasMessage(
            "ttl_attribute: \"x\" (expected: 1 to 255 characters, not one of pk, sk, v, x,"
                + " w, e)");
    assertThatThrownBy(() -> b.requestTimeout(Duration.ofSeconds(-1)))
        .hasMessage("request_timeout: PT-1S (expected: > 0)");
    assertThatThrownBy(() -> b.connectTimeout(Duration.ZERO))
        .hasMessage("connect_timeout: PT0S (expected: > 0)");
    assertThatThrownBy(() -> b.maxConcurrency(0))
        .hasMessage("max_concurrency: 0 (expected: 1 to 10000)");
    assertThatThrownBy(() -> b.batchThreshold(0))
        .hasMessage("batch_threshold: 0 (expected: 1 to 10000)");
    assertThatThrownBy(() -> b.maxRetries(11)).hasMessage("max_retries: 11 (expected: 0 to 10)");
    assertThatThrownBy(() -> b.keyFormat(KeyFormat.BITCODE.withMaxLength(2000)))
        .hasMessage("key max_length: 2000 (expected: <= 1024, DynamoDB's limit for a sort key)");
    assertThatThrownBy(() -> b.credentials("AKIA", " "))
        .hasMessage("secret_access_key: (empty) (expected: non-empty)");
    assertThatThrownBy(() -> b.name(" ")).hasMessage("name: \" \" (expected: non-blank)");
    assertThatThrownBy(b::build).hasMessage("table: (missing) (expected: the name of a table)");
  }

  @Test
  void buildDoesNotContactDynamoDb() {
    // nothing listens on port 9: build() must still succeed at once
    try (DynamoDbBackend backend =
        DynamoDbBackend.builder()
            .table("cache")
            .endpoint("http://127.0.0.1:9")
            .credentials("key", "secret")
            .build()) {
      assertThat(backend.name()).isEqualTo("dynamodb");
      assertThat(backend.table()).isEqualTo("cache");
      assertThat(backend.keyFormat()).isEqualTo(KeyFormat.URL_ENCODED);
      assertThat(backend.toString()).isEqualTo("DynamoDbBackend{dynamodb, table=cache}");
    }
  }
}
