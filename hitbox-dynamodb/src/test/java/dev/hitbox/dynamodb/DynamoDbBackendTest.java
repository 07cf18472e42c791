package dev.hitbox.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hitbox.core.BackendException;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.HitboxCache;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.core.spi.ValueCodec;
import dev.hitbox.testkit.CountingUpstream;
import dev.hitbox.testkit.FakeTicker;
import dev.hitbox.testkit.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * What the kit does not cover: the item layout, expiry on read, oversized values, setup, faults.
 */
class DynamoDbBackendTest {
  private static final long HOUR = Duration.ofHours(1).toMillis();

  private static Dynalite server;
  private static DynamoDbAsyncClient client;

  @BeforeAll
  static void startServer() {
    server = Dynalite.launch();
    client = server.client();
    DynamoDbBackend.builder().table("unit").client(client).createTable(true).buildVerified();
  }

  @AfterAll
  static void stopServer() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private static DynamoDbBackend backend(FakeTicker ticker) {
    return DynamoDbBackend.builder().table("unit").client(client).ticker(ticker).build();
  }

  @Test
  void entriesAndTagsFollowTheDocumentedKeyDesign() {
    FakeTicker ticker = new FakeTicker();
    DynamoDbBackend backend = backend(ticker);
    CacheKey key = CacheKey.builder("layout").part("author_id", "42").build();
    long expireAt = ticker.currentTimeMillis() + HOUR + 1;

    join(backend.write(key, BackendEntry.of(utf8("v"), expireAt, expireAt, Set.of("author:42"))));

    Map<String, AttributeValue> entry =
        join(client.getItem(
                r ->
                    r.tableName("unit")
                        .key(Map.of("pk", s("e:layout"), "sk", s("layout:0:author_id=42")))))
            .item();
    assertThat(entry.get("v").b().asUtf8String()).isEqualTo("v");
    assertThat(entry.get("x").n()).isEqualTo(Long.toString(expireAt));
    assertThat(entry.get("ttl").n())
        .as("TTL in epoch seconds, rounded up")
        .isEqualTo(Long.toString(expireAt / 1000 + 1));
    Map<String, AttributeValue> tag =
        join(client.getItem(
                r ->
                    r.tableName("unit")
                        .key(Map.of("pk", s("t:author:42"), "sk", s("layout:0:author_id=42")))))
            .item();
    assertThat(tag.get("e").s()).isEqualTo("e:layout");
    assertThat(tag.get("w").s()).isEqualTo(entry.get("w").s());
    assertThat(tag.get("ttl").n()).isEqualTo(entry.get("ttl").n());
  }

  @Test
  void anExpiredItemThatDynamoDbHasNotDeletedYetIsAMiss() {
    FakeTicker ticker = new FakeTicker(System.currentTimeMillis());
    DynamoDbBackend backend = backend(ticker);
    CacheKey key = CacheKey.of("late", "k");
    long expireAt = ticker.currentTimeMillis() + 10_000;
    join(backend.write(key, BackendEntry.of(utf8("v"), expireAt, expireAt, Set.of())));
    assertThat(join(backend.read(key))).isEqualTo(utf8("v"));

    ticker.advance(Duration.ofSeconds(11));

    assertThat(join(backend.read(key))).as("read after expireAt, item still in the table").isNull();
    assertThat(
            join(client.getItem(
                    r -> r.tableName("unit").key(Map.of("pk", s("e:late"), "sk", s("late:0:k")))))
                .hasItem())
        .as("the item is still there (DynamoDB deletes late)")
        .isTrue();
    assertThat(join(backend.remove(key))).as("remove of an expired entry").isFalse();
  }

  @Test
  void oversizedValuesAreSkippedCountedAndTheOldValueIsDeleted() {
    FakeTicker ticker = new FakeTicker();
    DynamoDbBackend backend = backend(ticker);
    CacheKey key = CacheKey.of("big", "k");
    long expireAt = ticker.currentTimeMillis() + HOUR;
    join(backend.write(key, BackendEntry.of(utf8("old"), expireAt, expireAt, Set.of())));

    join(backend.write(key, BackendEntry.of(new byte[400 * 1024], expireAt, expireAt, Set.of())));

    assertThat(backend.oversizedSkips()).isEqualTo(1);
    assertThat(join(backend.read(key))).as("read after an oversized write").isNull();

    byte[] largest = new byte[DynamoDbBackend.MAX_VALUE_BYTES];
    CacheKey longKey = CacheKey.of("big", "x".repeat(200));
    join(backend.write(longKey, BackendEntry.of(largest, expireAt, expireAt, Set.of())));
    assertThat(join(backend.read(longKey))).hasSize(DynamoDbBackend.MAX_VALUE_BYTES);
    assertThat(backend.oversizedSkips()).isEqualTo(1);
  }

  @Test
  void createTableMakesTheDocumentedSchemaAndAnotherSchemaIsRejected() {
    DynamoDbBackend.builder().table("created").client(client).createTable(true).buildVerified();

    var table = join(client.describeTable(r -> r.tableName("created"))).table();
    assertThat(table.keySchema())
        .extracting(k -> k.attributeName() + " " + k.keyType())
        .containsExactlyInAnyOrder("pk " + KeyType.HASH, "sk " + KeyType.RANGE);
    assertThat(table.attributeDefinitions())
        .allMatch(a -> a.attributeType() == ScalarAttributeType.S);

    join(
        client.createTable(
            r ->
                r.tableName("other-schema")
                    .billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(a -> a.attributeName("id").attributeType("S"))
                    .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))));
    assertThatThrownBy(
            () -> DynamoDbBackend.builder().table("other-schema").client(client).buildVerified())
        .isInstanceOf(BackendException.class)
        .hasMessage(
            "dynamodb table other-schema: key schema [id HASH] (expected: partition key pk and"
                + " sort key sk, both of type S)");
    assertThatThrownBy(
            () -> DynamoDbBackend.builder().table("missing").client(client).buildVerified())
        .isInstanceOf(BackendException.class)
        .hasMessageStartingWith("dynamodb table missing: no such table");
  }

  @Test
  void failuresAreBackendExceptionsAndTheEngineFailsOpen() {
    int closedPort = ServerProcess.freePort();
    DynamoDbBackend down =
        DynamoDbBackend.builder()
            .table("unit")
            .endpoint("http://127.0.0.1:" + closedPort)
            .region("eu-west-1")
            .credentials("key", "secret")
            .requestTimeout(Duration.ofSeconds(2))
            .maxRetries(0)
            .build();
    try {
      assertThat(down.read(CacheKey.of("down", "k")).toCompletableFuture())
          .failsWithin(Duration.ofSeconds(30))
          .withThrowableOfType(ExecutionException.class)
          .havingCause()
          .isInstanceOf(BackendException.class)
          .withMessageStartingWith("dynamodb table unit: GetItem: ");

      HitboxCache<String> cache =
          HitboxCache.builder("down", ValueCodec.utf8())
              .backend(down)
              .policy(CachePolicy.builder().ttl(Duration.ofMinutes(1)).build())
              .build();
      CountingUpstream<String, String> loader = CountingUpstream.answering(k -> "loaded " + k);
      assertThat(join(cache.get("k", loader::call))).isEqualTo("loaded k");
    } finally {
      down.close();
    }
  }

  @Test
  void aBurstGoesOutInBatchesAndEveryCallerGetsItsOwnAnswer() {
    Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    ExecutionInterceptor counter =
        new ExecutionInterceptor() {
          @Override
          public void beforeExecution(
              Context.BeforeExecution context, ExecutionAttributes attributes) {
            requests
                .computeIfAbsent(
                    context.request().getClass().getSimpleName(), k -> new AtomicInteger())
                .incrementAndGet();
          }
        };
    try (DynamoDbAsyncClient counting = server.client(o -> o.addExecutionInterceptor(counter));
        DynamoDbBackend backend =
            DynamoDbBackend.builder().table("unit").client(counting).batchThreshold(4).build()) {
      int n = 1_000;
      long expireAt = System.currentTimeMillis() + HOUR;
      List<CompletableFuture<Void>> writes = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        writes.add(
            backend
                .write(
                    CacheKey.of("burst", "k" + i % 900),
                    BackendEntry.of(utf8("v" + i), expireAt, expireAt, Set.of()))
                .toCompletableFuture());
      }
      join(CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)));
      List<CompletableFuture<byte[]>> reads = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        reads.add(backend.read(CacheKey.of("burst", "k" + i % 900)).toCompletableFuture());
      }
      join(CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)));

      for (int i = 0; i < n; i++) {
        int k = i % 900;
        // keys 0..99 were written twice, concurrently: either value is right
        assertThat(new String(reads.get(i).join(), StandardCharsets.UTF_8))
            .as("read of k%d", k)
            .isIn("v" + k, "v" + (k + 900));
      }
      int batchWrites = count(requests, "BatchWriteItemRequest");
      int singleWrites = count(requests, "PutItemRequest");
      int batchReads = count(requests, "BatchGetItemRequest");
      int singleReads = count(requests, "GetItemRequest");
      System.out.printf(
          "1000 writes: %d PutItem + %d BatchWriteItem; 1000 reads: %d GetItem + %d"
              + " BatchGetItem%n",
          singleWrites, batchWrites, singleReads, batchReads);
      assertThat(batchWrites).as("BatchWriteItem requests").isPositive();
      assertThat(singleWrites + batchWrites).as("write requests").isLessThan(n / 4);
      assertThat(batchReads).as("BatchGetItem requests").isPositive();
      assertThat(singleReads + batchReads).as("read requests").isLessThan(n / 4);
    }
  }

  private static int count(Map<String, AtomicInteger> requests, String type) {
    AtomicInteger c = requests.get(type);
    return c == null ? 0 : c.get();
  }

  private static AttributeValue s(String s) {
    return AttributeValue.fromS(s);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static <T> T join(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
