package dev.hitbox.dynamodb;

import static dev.hitbox.dynamodb.ItemLayout.PK;
import static dev.hitbox.dynamodb.ItemLayout.SK;

import dev.hitbox.core.BackendException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * Creates the table when it is missing (on demand capacity, {@code pk} and {@code sk} as string
 * keys), waits until it is active and enables TTL on the TTL attribute; checks an existing table's
 * key schema. Runs once; after a failure the next call tries again. Thread-safe.
 */
final class TableSetup {
  private static final System.Logger LOG = System.getLogger(DynamoDbBackend.class.getName());
  private static final Duration POLL = Duration.ofMillis(200);
  private static final int MAX_POLLS = 300; // a minute

  private final DynamoDbAsyncClient client;
  private final String table;
  private final String ttlAttribute;
  private @Nullable CompletableFuture<Void> ready;
  private volatile boolean done;

  TableSetup(DynamoDbAsyncClient client, String table, String ttlAttribute) {
    this.client = client;
    this.table = table;
    this.ttlAttribute = ttlAttribute;
  }

  boolean isReady() {
    return done;
  }

  /** The setup, started by the first caller; a failed setup is started again. */
  synchronized CompletionStage<Void> ready() {
    CompletableFuture<Void> r = ready;
    if (r == null || r.isCompletedExceptionally()) {
      r = run().toCompletableFuture();
      r.thenRun(() -> done = true);
      ready = r;
    }
    return r.copy();
  }

  private CompletionStage<Void> run() {
    return client
        .describeTable(d -> d.tableName(table))
        .thenApply(response -> response.table())
        .exceptionallyCompose(
            e -> {
              if (DynamoDbBackend.unwrap(e) instanceof ResourceNotFoundException) {
                return create();
              }
              return CompletableFuture.failedFuture(e);
            })
        .thenCompose(this::awaitActive)
        .thenCompose(
            description -> {
              checkSchema(table, description);
              return enableTtl();
            });
  }

  private CompletionStage<TableDescription> create() {
    LOG.log(System.Logger.Level.INFO, "creating DynamoDB table {0}", table);
    return client
        .createTable(
            c ->
                c.tableName(table)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                        AttributeDefinition.builder()
                            .attributeName(PK)
                            .attributeType(ScalarAttributeType.S)
                            .build(),
                        AttributeDefinition.builder()
                            .attributeName(SK)
                            .attributeType(ScalarAttributeType.S)
                            .build())
                    .keySchema(
                        KeySchemaElement.builder().attributeName(PK).keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder()
                            .attributeName(SK)
                            .keyType(KeyType.RANGE)
                            .build()))
        .thenApply(response -> response.tableDescription())
        .exceptionallyCompose(
            e -> {
              if (DynamoDbBackend.unwrap(e) instanceof ResourceInUseException) {
                // created by another instance at the same time
                return client.describeTable(d -> d.tableName(table)).thenApply(r -> r.table());
              }
              return CompletableFuture.failedFuture(e);
            });
  }

  private CompletionStage<TableDescription> awaitActive(TableDescription description) {
    return poll(description, 0);
  }

  private CompletionStage<TableDescription> poll(TableDescription description, int polls) {
    if (description.tableStatus() == TableStatus.ACTIVE
        || description.tableStatus() == TableStatus.UPDATING) {
      return CompletableFuture.completedFuture(description);
    }
    if (polls >= MAX_POLLS) {
      return CompletableFuture.failedFuture(
          new BackendException(
              "dynamodb table " + table + ": still " + description.tableStatusAsString()));
    }
    return CompletableFuture.supplyAsync(
            () -> null, CompletableFuture.delayedExecutor(POLL.toMillis(), TimeUnit.MILLISECONDS))
        .thenCompose(v -> client.describeTable(d -> d.tableName(table)))
        .thenCompose(r -> poll(r.table(), polls + 1));
  }

  /**
   * Enables TTL on the attribute unless it is enabled already. A failure is logged, not fatal:
   * reads check expiry themselves, only DynamoDB's deletion of expired items is missing then.
   */
  private CompletionStage<Void> enableTtl() {
    return client
        .describeTimeToLive(d -> d.tableName(table))
        .thenCompose(
            d -> {
              var ttl = d.timeToLiveDescription();
              boolean on =
                  ttl != null
                      && ttlAttribute.equals(ttl.attributeName())
                      && (ttl.timeToLiveStatus() == TimeToLiveStatus.ENABLED
                          || ttl.timeToLiveStatus() == TimeToLiveStatus.ENABLING);
              if (on) {
                return CompletableFuture.<Void>completedFuture(null);
              }
              return client
                  .updateTimeToLive(
                      u ->
                          u.tableName(table)
                              .timeToLiveSpecification(
                                  s -> s.enabled(true).attributeName(ttlAttribute)))
                  .thenApply(r -> (Void) null);
            })
        .exceptionally(
            e -> {
              LOG.log(
                  System.Logger.Level.WARNING,
                  "dynamodb table {0}: cannot enable TTL on attribute {1} ({2}); expired entries"
                      + " are still misses but stay in the table until deleted",
                  table,
                  ttlAttribute,
                  Errors.message(DynamoDbBackend.unwrap(e)));
              return null;
            });
  }

  /** Checks that an existing table has {@code pk} and {@code sk}, both strings, as keys. */
  static CompletionStage<Void> checkSchema(DynamoDbAsyncClient client, String table) {
    return client
        .describeTable(d -> d.tableName(table))
        .thenAccept(r -> checkSchema(table, r.table()));
  }

  private static void checkSchema(String table, TableDescription d) {
    List<KeySchemaElement> keys = d.keySchema();
    boolean ok =
        keys.size() == 2
            && keys.stream()
                .anyMatch(k -> k.attributeName().equals(PK) && k.keyType() == KeyType.HASH)
            && keys.stream()
                .anyMatch(k -> k.attributeName().equals(SK) && k.keyType() == KeyType.RANGE)
            && d.attributeDefinitions().stream()
                .filter(a -> a.attributeName().equals(PK) || a.attributeName().equals(SK))
                .allMatch(a -> a.attributeType() == ScalarAttributeType.S);
    if (!ok) {
      StringBuilder found = new StringBuilder();
      for (KeySchemaElement k : keys) {
        found.append(found.length() == 0 ? "" : ", ").append(k.attributeName()).append(' ');
        found.append(k.keyTypeAsString());
      }
      throw new BackendException(
          "dynamodb table "
              + table
              + ": key schema ["
              + found
              + "] (expected: partition key pk and sort key sk, both of type S)");
    }
  }
}
