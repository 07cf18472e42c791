package dev.hitbox.dynamodb.internal;

import dev.hitbox.config.BackendConfig;
import dev.hitbox.config.spi.BackendProvider;
import dev.hitbox.config.spi.BackendSettings;
import dev.hitbox.config.spi.ConfigNode;
import dev.hitbox.core.CacheListener;
import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.dynamodb.DynamoDbBackend;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * {@code type: DynamoDb} in YAML: {@code table} (required), {@code region}, {@code endpoint},
 * {@code create_table}, {@code consistent_read}, {@code ttl_attribute}, {@code request_timeout},
 * {@code connect_timeout}, {@code max_concurrency}, {@code max_retries}, {@code batch_threshold},
 * and {@code access_key_id} with {@code secret_access_key} for static credentials. Every value is
 * checked here with the builder's own rules, so a bad one fails when the file is read, naming its
 * key.
 */
public final class DynamoDbProvider implements BackendProvider {

  /** Creates the provider; {@link java.util.ServiceLoader} calls it. */
  public DynamoDbProvider() {}

  @Override
  public List<String> types() {
    return List.of("DynamoDb");
  }

  @Override
  public BackendSettings read(ConfigNode node) {
    String table =
        node.string("table").orElseThrow(() -> node.invalid("table", "the name of a table"));
    Optional<String> region = node.string("region");
    Optional<String> endpoint = node.string("endpoint");
    boolean createTable = node.bool("create_table").orElse(false);
    boolean consistentRead = node.bool("consistent_read").orElse(true);
    String ttlAttribute = node.string("ttl_attribute").orElse("ttl");
    Duration requestTimeout = node.duration("request_timeout").orElse(Duration.ofSeconds(2));
    Duration connectTimeout = node.duration("connect_timeout").orElse(Duration.ofSeconds(2));
    int maxConcurrency = (int) node.integer("max_concurrency", 1, 10_000).orElse(50);
    int maxRetries = (int) node.integer("max_retries", 0, 10).orElse(2);
    int batchThreshold = (int) node.integer("batch_threshold", 1, 10_000).orElse(16);
    Optional<String> accessKeyId = node.string("access_key_id");
    Optional<String> secretAccessKey = node.string("secret_access_key");
    if (accessKeyId.isPresent() != secretAccessKey.isPresent()) {
      String missing = accessKeyId.isPresent() ? "secret_access_key" : "access_key_id";
      throw node.invalid(missing, "access_key_id and secret_access_key together, or neither");
    }
    Settings settings =
        new Settings(
            table,
            region.orElse(null),
            endpoint.orElse(null),
            createTable,
            consistentRead,
            ttlAttribute,
            requestTimeout,
            connectTimeout,
            maxConcurrency,
            maxRetries,
            batchThreshold,
            accessKeyId.orElse(null),
            secretAccessKey.orElse(null));
    // the builder's checks, each reported at its own key
    DynamoDbBackend.Builder b = DynamoDbBackend.builder();
    check(node, "table", x -> b.table(table));
    region.ifPresent(r -> check(node, "region", x -> b.region(r)));
    endpoint.ifPresent(e -> check(node, "endpoint", x -> b.endpoint(e)));
    check(node, "ttl_attribute", x -> b.ttlAttribute(ttlAttribute));
    check(node, "request_timeout", x -> b.requestTimeout(requestTimeout));
    check(node, "connect_timeout", x -> b.connectTimeout(connectTimeout));
    if (accessKeyId.isPresent()) {
      check(node, "access_key_id", x -> b.credentials(accessKeyId.get(), "-"));
      check(node, "secret_access_key", x -> b.credentials("-", secretAccessKey.orElseThrow()));
    }
    return settings;
  }

  private static void check(ConfigNode node, String key, Consumer<@Nullable Void> setter) {
    try {
      setter.accept(null);
    } catch (ConfigurationException e) {
      String m = e.getMessage();
      int at = m == null ? -1 : m.indexOf("(expected: ");
      String expected = at < 0 ? String.valueOf(m) : m.substring(at + 11, m.length() - 1);
      throw node.invalid(key, expected);
    }
  }

  /** The settings of one DynamoDB backend; the secret never appears in {@link #toString()}. */
  record Settings(
      String table,
      @Nullable String region,
      @Nullable String endpoint,
      boolean createTable,
      boolean consistentRead,
      String ttlAttribute,
      Duration requestTimeout,
      Duration connectTimeout,
      int maxConcurrency,
      int maxRetries,
      int batchThreshold,
      @Nullable String accessKeyId,
      @Nullable String secretAccessKey)
      implements BackendSettings {

    @Override
    public Backend create(BackendConfig config, CacheListener listener) {
      DynamoDbBackend.Builder b =
          DynamoDbBackend.builder()
              .table(table)
              .createTable(createTable)
              .consistentRead(consistentRead)
              .ttlAttribute(ttlAttribute)
              .requestTimeout(requestTimeout)
              .connectTimeout(connectTimeout)
              .maxConcurrency(maxConcurrency)
              .maxRetries(maxRetries)
              .batchThreshold(batchThreshold)
              .keyFormat(config.keyFormat());
      if (region != null) {
        b.region(region);
      }
      if (endpoint != null) {
        b.endpoint(endpoint);
      }
      if (accessKeyId != null && secretAccessKey != null) {
        b.credentials(accessKeyId, secretAccessKey);
      }
      config.name().ifPresent(b::name);
      return b.build();
    }

    @Override
    public String toString() {
      return "DynamoDb{table="
          + table
          + (region != null ? ", region=" + region : "")
          + (endpoint != null ? ", endpoint=" + endpoint : "")
          + (createTable ? ", create_table" : "")
          + (accessKeyId != null
              ? ", access_key_id=" + accessKeyId + ", secret_access_key=***"
              : "")
          + '}';
    }
  }
}
