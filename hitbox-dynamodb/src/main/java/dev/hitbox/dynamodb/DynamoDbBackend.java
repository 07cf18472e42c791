package dev.hitbox.dynamodb;

import static dev.hitbox.dynamodb.ItemLayout.ENTRY_PK;
import static dev.hitbox.dynamodb.ItemLayout.EXPIRE_AT;
import static dev.hitbox.dynamodb.ItemLayout.PK;
import static dev.hitbox.dynamodb.ItemLayout.SK;
import static dev.hitbox.dynamodb.ItemLayout.VALUE;
import static dev.hitbox.dynamodb.ItemLayout.WRITE_ID;
import static dev.hitbox.dynamodb.ItemLayout.n;
import static dev.hitbox.dynamodb.ItemLayout.s;
import static java.util.Objects.requireNonNull;

import dev.hitbox.core.BackendException;
import dev.hitbox.core.CacheException;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.KeyFormat;
import dev.hitbox.core.Ticker;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.core.spi.BackendEntry;
import dev.hitbox.core.spi.KeyPattern;
import dev.hitbox.core.spi.PatternInvalidator;
import dev.hitbox.core.spi.TagInvalidator;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.client.config.ClientAsyncConfiguration;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClientBuilder;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The DynamoDB backend, on the AWS SDK v2 async client: one table, keyed by a partition per
 * namespace, with the table's TTL attribute for expiry.
 *
 * <ul>
 *   <li><b>One request per call.</b> A read is one {@code GetItem} (strongly consistent unless
 *       {@link Builder#consistentRead(boolean) consistentRead(false)}); a write is one {@code
 *       PutItem}, after one {@code PutItem} per tag of the entry; a remove is one {@code
 *       DeleteItem}.
 *   <li><b>Expiry.</b> Every entry carries its {@code expireAt} and, in the table's TTL attribute
 *       ({@code ttl} by default), the same time in epoch seconds, so that DynamoDB deletes it. As
 *       DynamoDB deletes expired items late (typically within days), a read also checks {@code
 *       expireAt} and treats an expired entry as a miss.
 *   <li><b>Item size.</b> DynamoDB items hold at most 400 KB. An entry that would not fit is not
 *       sent: the write is skipped and counted ({@link #oversizedSkips()}), and the entry it should
 *       have replaced is deleted, so the old value is never served. Values of up to {@link
 *       #MAX_VALUE_BYTES} always fit.
 *   <li><b>Pattern invalidation</b> queries the namespace's partition for its keys, matches each
 *       decoded key's text with the glob client-side and deletes the matches, as the Redis backend
 *       does with {@code SCAN}. Keys longer than the {@link KeyFormat#maxLength()} are stored
 *       hashed and never match.
 *   <li><b>Tag invalidation</b> queries the tag's partition of index items, and deletes each listed
 *       entry only while it is still the very write that listed it.
 *   <li><b>Fail open.</b> {@link Builder#build()} does not contact DynamoDB; a call that fails
 *       (unreachable endpoint, missing table, denied access, throttling past the retries, timeout)
 *       completes exceptionally with a {@link BackendException}, which the engine turns into a miss
 *       or a skipped write. {@link Builder#buildVerified()} checks the table at startup instead.
 * </ul>
 *
 * <p>The key design, the table's schema and its settings are in {@code docs/backends.md}.
 * Thread-safe. Results complete on the SDK's completion executor unless {@link
 * Builder#executor(Executor)} sets another. {@link #close()} releases the client.
 *
 * <pre>{@code
 * DynamoDbBackend dynamo = DynamoDbBackend.builder()
 *     .table("hitbox-cache")
 *     .region("eu-west-1")
 *     .buildVerified();
 * }</pre>
 */
public final class DynamoDbBackend
    implements Backend, PatternInvalidator, TagInvalidator, AutoCloseable {

  /**
   * The largest value every entry can hold, in bytes: DynamoDB's 400 KB item limit less room for
   * the longest keys and the other attributes. Larger values are stored when their item fits.
   */
  public static final int MAX_VALUE_BYTES = ItemLayout.MAX_ITEM_BYTES - 2048;

  private static final int MAX_BATCH_GET = 100;
  private static final int MAX_BATCH_WRITE = 25;
  private static final int MAX_BATCH_ROUNDS = 8;

  /** A read waiting to be sent. */
  private record PendingRead(
      Map<String, AttributeValue> key, CompletableFuture<byte @Nullable []> result) {}

  /** An untagged entry waiting to be written. */
  private record PendingWrite(
      String pk, String sk, Map<String, AttributeValue> item, CompletableFuture<Void> result) {}

  private final String name;
  private final String table;
  private final DynamoDbAsyncClient client;
  private final boolean ownsClient;
  private final ItemLayout layout;
  private final boolean consistentRead;
  private final Ticker ticker;
  private final @Nullable TableSetup setup;
  private final LongAdder oversizedSkips = new LongAdder();
  private final AutoBatch<PendingRead> reads;
  private final AutoBatch<PendingWrite> writes;

  private DynamoDbBackend(Builder b, DynamoDbAsyncClient client, boolean ownsClient) {
    this.name = b.name;
    this.table = requireNonNull(b.table);
    this.client = client;
    this.ownsClient = ownsClient;
    this.layout = new ItemLayout(b.keyFormat, b.ttlAttribute);
    this.consistentRead = b.consistentRead;
    this.ticker = b.ticker;
    this.setup = b.createTable ? new TableSetup(client, table, b.ttlAttribute) : null;
    this.reads =
        new AutoBatch<>(b.batchThreshold, MAX_BATCH_GET) {
          @Override
          CompletionStage<?> sendOne(PendingRead call) {
            return getOne(call);
          }

          @Override
          CompletionStage<?> sendBatch(List<PendingRead> calls) {
            return getBatch(calls);
          }

          @Override
          void fail(PendingRead call, Throwable error) {
            call.result().completeExceptionally(error);
          }
        };
    this.writes =
        new AutoBatch<>(b.batchThreshold, MAX_BATCH_WRITE) {
          @Override
          CompletionStage<?> sendOne(PendingWrite call) {
            return putOne(call);
          }

          @Override
          CompletionStage<?> sendBatch(List<PendingWrite> calls) {
            return putBatch(calls);
          }

          @Override
          void fail(PendingWrite call, Throwable error) {
            call.result().completeExceptionally(error);
          }
        };
  }

  /** Starts a builder; {@link Builder#table(String)} is required. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return name;
  }

  /** The table's name. */
  public String table() {
    return table;
  }

  /** The key format the sort keys are written in. */
  public KeyFormat keyFormat() {
    return layout.keyFormat();
  }

  /** Reads with one {@code GetItem}; an entry past its {@code expireAt} is a miss. */
  @Override
  public CompletionStage<byte @Nullable []> read(CacheKey key) {
    requireNonNull(key, "key");
    PendingRead r = new PendingRead(layout.entryKey(key), new CompletableFuture<>());
    reads.submit(r);
    return r.result();
  }

  private CompletionStage<?> getOne(PendingRead r) {
    return call(
            "GetItem",
            () ->
                client.getItem(
                    g ->
                        g.tableName(table)
                            .key(r.key())
                            .consistentRead(consistentRead)
                            .projectionExpression("#v, #x")
                            .expressionAttributeNames(Map.of("#v", VALUE, "#x", EXPIRE_AT))))
        .whenComplete(
            (response, error) -> {
              if (error != null) {
                r.result().completeExceptionally(error);
              } else {
                r.result().complete(valueOf(response.item()));
              }
            });
  }

  private CompletionStage<?> getBatch(List<PendingRead> batch) {
    Map<String, List<PendingRead>> byKey = new HashMap<>();
    for (PendingRead r : batch) {
      byKey.computeIfAbsent(id(r.key()), k -> new ArrayList<>(1)).add(r);
    }
    List<Map<String, AttributeValue>> keys = new ArrayList<>(byKey.size());
    for (List<PendingRead> same : byKey.values()) {
      keys.add(same.get(0).key());
    }
    return getRound(keys, byKey, 0)
        .whenComplete(
            (v, error) -> {
              // whatever is left: failed, or found nothing
              for (List<PendingRead> same : byKey.values()) {
                for (PendingRead r : same) {
                  if (error != null) {
                    r.result().completeExceptionally(error);
                  } else {
                    r.result().complete(null);
                  }
                }
              }
            });
  }

  /** One BatchGetItem; completes the reads it answered and retries the unprocessed keys. */
  private CompletionStage<Void> getRound(
      List<Map<String, AttributeValue>> keys, Map<String, List<PendingRead>> byKey, int round) {
    KeysAndAttributes request =
        KeysAndAttributes.builder()
            .keys(keys)
            .consistentRead(consistentRead)
            .projectionExpression("#p, #s, #v, #x")
            .expressionAttributeNames(Map.of("#p", PK, "#s", SK, "#v", VALUE, "#x", EXPIRE_AT))
            .build();
    return call(
            "BatchGetItem", () -> client.batchGetItem(b -> b.requestItems(Map.of(table, request))))
        .thenCompose(
            response -> {
              for (Map<String, AttributeValue> item :
                  response.responses().getOrDefault(table, List.of())) {
                List<PendingRead> same = byKey.remove(id(item));
                if (same != null) {
                  byte[] value = valueOf(item);
                  for (PendingRead r : same) {
                    r.result().complete(value);
                  }
                }
              }
              KeysAndAttributes left = response.unprocessedKeys().get(table);
              if (left == null || !left.hasKeys() || left.keys().isEmpty()) {
                return CompletableFuture.completedFuture(null);
              }
              if (round >= MAX_BATCH_ROUNDS) {
                return CompletableFuture.failedFuture(
                    unprocessed("BatchGetItem", left.keys().size()));
              }
              return later(round).thenCompose(v -> getRound(left.keys(), byKey, round + 1));
            });
  }

  private byte @Nullable [] valueOf(@Nullable Map<String, AttributeValue> item) {
    if (item == null || item.isEmpty() || !live(item)) {
      return null;
    }
    AttributeValue v = item.get(VALUE);
    return v == null || v.b() == null ? null : v.b().asByteArrayUnsafe();
  }

  private static String id(Map<String, AttributeValue> item) {
    return item.get(PK).s() + '\n' + item.get(SK).s();
  }

  private static CompletableFuture<Void> later(int round) {
    return CompletableFuture.runAsync(
        () -> {},
        CompletableFuture.delayedExecutor(10L << Math.min(round, 6), TimeUnit.MILLISECONDS));
  }

  private BackendException unprocessed(String operation, int count) {
    return new BackendException(
        "dynamodb table "
            + table
            + ": "
            + operation
            + ": "
            + count
            + " items still unprocessed (throttled) after "
            + MAX_BATCH_ROUNDS
            + " retries");
  }

  /**
   * Writes the entry with one {@code PutItem}, after one {@code PutItem} per tag into the tag
   * index. An entry that has already expired is deleted instead; one too large for an item is
   * skipped, counted and its key deleted.
   */
  @Override
  public CompletionStage<Void> write(CacheKey key, BackendEntry entry) {
    requireNonNull(key, "key");
    requireNonNull(entry, "entry");
    String pk = ItemLayout.entryPk(key.namespace());
    String sk = layout.entrySk(key);
    long expireAt = entry.expireAt();
    if (expireAt <= ticker.currentTimeMillis()) {
      return delete(pk, sk).thenApply(removed -> null);
    }
    String writeId = ItemLayout.newWriteId();
    if (layout.entryItemSize(pk, sk, entry.bytes().length, writeId) > ItemLayout.MAX_ITEM_BYTES) {
      return skipOversized(pk, sk);
    }
    long ttl = ItemLayout.ttlSeconds(expireAt);
    Map<String, AttributeValue> item = new HashMap<>(8);
    item.put(PK, s(pk));
    item.put(SK, s(sk));
    item.put(VALUE, AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(entry.bytes())));
    item.put(EXPIRE_AT, n(expireAt));
    item.put(layout.ttlAttribute(), n(ttl));
    item.put(WRITE_ID, s(writeId));
    if (entry.tags().isEmpty()) {
      PendingWrite w = new PendingWrite(pk, sk, item, new CompletableFuture<>());
      writes.submit(w);
      return w.result();
    }
    return indexTags(entry.tags(), pk, sk, writeId, expireAt, ttl)
        .thenCompose(v -> putOne(pk, sk, item));
  }

  private CompletionStage<?> putOne(PendingWrite w) {
    return putOne(w.pk(), w.sk(), w.item())
        .whenComplete(
            (v, error) -> {
              if (error != null) {
                w.result().completeExceptionally(error);
              } else {
                w.result().complete(null);
              }
            });
  }

  private CompletionStage<Void> putOne(String pk, String sk, Map<String, AttributeValue> item) {
    return call(
            "PutItem",
            () -> client.putItem(PutItemRequest.builder().tableName(table).item(item).build()))
        .<CompletionStage<Void>>handle(
            (response, error) -> {
              if (error == null) {
                return CompletableFuture.completedFuture(null);
              }
              if (itemTooLarge(error)) {
                // the server counts sizes a little differently from our bound: still a skip
                return skipOversized(pk, sk);
              }
              return CompletableFuture.failedFuture(error);
            })
        .thenCompose(x -> x);
  }

  private CompletionStage<Void> indexTags(
      Set<String> tags, String pk, String sk, String writeId, long expireAt, long ttl) {
    if (tags.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    // The index first: whoever can read the entry can also find it by its tags.
    List<CompletableFuture<?>> puts = new ArrayList<>(tags.size());
    for (String tag : tags) {
      Map<String, AttributeValue> item = new HashMap<>(8);
      item.put(PK, s(ItemLayout.tagPk(tag)));
      item.put(SK, s(sk));
      item.put(ENTRY_PK, s(pk));
      item.put(WRITE_ID, s(writeId));
      item.put(EXPIRE_AT, n(expireAt));
      item.put(layout.ttlAttribute(), n(ttl));
      puts.add(
          call("PutItem", () -> client.putItem(r -> r.tableName(table).item(item)))
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new));
  }

  private CompletionStage<?> putBatch(List<PendingWrite> batch) {
    // one request may not hold the same key twice: concurrent writes of a key, the last one wins
    Map<String, List<PendingWrite>> byKey = new java.util.LinkedHashMap<>();
    for (PendingWrite w : batch) {
      List<PendingWrite> same =
          byKey.computeIfAbsent(w.pk() + '\n' + w.sk(), k -> new ArrayList<>(1));
      same.add(0, w);
    }
    List<WriteRequest> requests = new ArrayList<>(byKey.size());
    for (List<PendingWrite> same : byKey.values()) {
      requests.add(WriteRequest.builder().putRequest(p -> p.item(same.get(0).item())).build());
    }
    return putRound(requests, 0)
        .handle(
            (v, error) -> {
              if (error == null) {
                for (PendingWrite w : batch) {
                  w.result().complete(null);
                }
                return CompletableFuture.completedFuture(null);
              }
              if (validation(error)) {
                // e.g. an item the server finds too large: each on its own, to skip only that one
                List<CompletableFuture<?>> singles = new ArrayList<>(byKey.size());
                for (List<PendingWrite> same : byKey.values()) {
                  PendingWrite last = same.get(0);
                  singles.add(
                      putOne(last)
                          .whenComplete(
                              (x, e) -> {
                                for (PendingWrite w : same) {
                                  if (e != null) {
                                    w.result().completeExceptionally(e);
                                  } else {
                                    w.result().complete(null);
                                  }
                                }
                              })
                          .toCompletableFuture());
                }
                return CompletableFuture.allOf(singles.toArray(CompletableFuture[]::new));
              }
              for (PendingWrite w : batch) {
                w.result().completeExceptionally(error);
              }
              return CompletableFuture.completedFuture(null);
            })
        .thenCompose(x -> x);
  }

  /** One BatchWriteItem, then the unprocessed items again, a few times. */
  private CompletionStage<Void> putRound(List<WriteRequest> requests, int round) {
    return call(
            "BatchWriteItem",
            () -> client.batchWriteItem(b -> b.requestItems(Map.of(table, requests))))
        .thenCompose(
            response -> {
              List<WriteRequest> left = response.unprocessedItems().get(table);
              if (left == null || left.isEmpty()) {
                return CompletableFuture.completedFuture(null);
              }
              if (round >= MAX_BATCH_ROUNDS) {
                return CompletableFuture.failedFuture(unprocessed("BatchWriteItem", left.size()));
              }
              return later(round).thenCompose(v -> putRound(left, round + 1));
            });
  }

  private static boolean validation(Throwable error) {
    Throwable t = unwrap(error);
    Throwable cause = t instanceof BackendException && t.getCause() != null ? t.getCause() : t;
    return cause instanceof DynamoDbException d
        && d.awsErrorDetails() != null
        && "ValidationException".equals(d.awsErrorDetails().errorCode());
  }

  private CompletionStage<Void> skipOversized(String pk, String sk) {
    oversizedSkips.increment();
    return delete(pk, sk).thenApply(removed -> null);
  }

  /** Removes with one {@code DeleteItem}; true if a live entry was there. */
  @Override
  public CompletionStage<Boolean> remove(CacheKey key) {
    requireNonNull(key, "key");
    return delete(ItemLayout.entryPk(key.namespace()), layout.entrySk(key));
  }

  private CompletionStage<Boolean> delete(String pk, String sk) {
    return call(
        "DeleteItem",
        () ->
            client
                .deleteItem(
                    DeleteItemRequest.builder()
                        .tableName(table)
                        .key(Map.of(PK, s(pk), SK, s(sk)))
                        .returnValues(ReturnValue.ALL_OLD)
                        .build())
                .thenApply(
                    r -> r.hasAttributes() && !r.attributes().isEmpty() && live(r.attributes())));
  }

  /**
   * Queries the namespace's partition for its keys (only the keys and expiry are returned, a page
   * of up to 1 MB of items at a time), decodes each, matches its text with the glob and deletes the
   * matches. The cost is reading every item of the namespace once: fine for occasional
   * invalidation, not for a hot path. Hashed long keys never match.
   *
   * @return a stage with the number of live entries removed
   */
  @Override
  public CompletionStage<Long> invalidatePattern(String namespace, String pattern) {
    requireNonNull(namespace, "namespace");
    requireNonNull(pattern, "pattern");
    try {
      CacheKey.checkNamespace(namespace);
    } catch (ConfigurationException e) {
      return CompletableFuture.failedFuture(e);
    }
    String pk = ItemLayout.entryPk(namespace);
    return queryPages(
        pk,
        "#s, #x",
        Map.of("#s", SK, "#x", EXPIRE_AT),
        item -> {
          String sk = item.get(SK).s();
          CacheKey decoded = decode(sk);
          if (decoded == null
              || !decoded.namespace().equals(namespace)
              || !KeyPattern.matches(pattern, decoded.text())) {
            return CompletableFuture.completedFuture(0L);
          }
          return delete(pk, sk).thenApply(removed -> removed ? 1L : 0L);
        });
  }

  private @Nullable CacheKey decode(String sk) {
    try {
      return layout.keyFormat().decode(sk);
    } catch (IllegalArgumentException e) {
      return null; // not a key of this format
    }
  }

  /**
   * Queries the tag's partition of the index and deletes each listed entry while it is still the
   * write that listed it (a key rewritten since, with or without the tag, is left alone), then the
   * index item. The cost is proportional to the entries written with the tag since they expired,
   * not to the size of the table.
   *
   * @return a stage with the number of live entries removed
   */
  @Override
  public CompletionStage<Long> invalidateTag(String tag) {
    requireNonNull(tag, "tag");
    String tagPk = ItemLayout.tagPk(tag);
    return queryPages(
        tagPk,
        "#s, #e, #w",
        Map.of("#s", SK, "#e", ENTRY_PK, "#w", WRITE_ID),
        item -> {
          String sk = item.get(SK).s();
          AttributeValue entryPk = item.get(ENTRY_PK);
          AttributeValue writeId = item.get(WRITE_ID);
          if (entryPk == null || writeId == null) {
            return CompletableFuture.completedFuture(0L);
          }
          long now = ticker.currentTimeMillis();
          CompletionStage<Long> entryGone =
              conditionalDelete(
                  Map.of(PK, entryPk, SK, s(sk)),
                  "#w = :w AND #x > :now",
                  Map.of("#w", WRITE_ID, "#x", EXPIRE_AT),
                  Map.of(":w", writeId, ":now", n(now)));
          return entryGone.thenCompose(
              n ->
                  conditionalDelete(
                          Map.of(PK, s(tagPk), SK, s(sk)),
                          "#w = :w",
                          Map.of("#w", WRITE_ID),
                          Map.of(":w", writeId))
                      .thenApply(forgotten -> n));
        });
  }

  /** Deletes an item if the condition holds; 1 if it did, 0 if the condition failed. */
  private CompletionStage<Long> conditionalDelete(
      Map<String, AttributeValue> key,
      String condition,
      Map<String, String> names,
      Map<String, AttributeValue> values) {
    return call(
            "DeleteItem",
            () ->
                client.deleteItem(
                    r ->
                        r.tableName(table)
                            .key(key)
                            .conditionExpression(condition)
                            .expressionAttributeNames(names)
                            .expressionAttributeValues(values)))
        .handle(
            (r, error) -> {
              if (error == null) {
                return CompletableFuture.completedFuture(1L);
              }
              if (unwrap(error).getCause() instanceof ConditionalCheckFailedException
                  || unwrap(error) instanceof ConditionalCheckFailedException) {
                return CompletableFuture.completedFuture(0L);
              }
              return CompletableFuture.<Long>failedFuture(error);
            })
        .thenCompose(x -> x);
  }

  /** What to do with one item of a query page; returns how many entries it removed. */
  private interface PerItem {
    CompletionStage<Long> apply(Map<String, AttributeValue> item);
  }

  /**
   * Runs {@code perItem} over every item of partition {@code pk}, a page at a time (the items of a
   * page in parallel), and adds up what it returns.
   */
  private CompletionStage<Long> queryPages(
      String pk, String projection, Map<String, String> names, PerItem perItem) {
    return page(pk, projection, names, perItem, null, 0L);
  }

  private CompletionStage<Long> page(
      String pk,
      String projection,
      Map<String, String> names,
      PerItem perItem,
      @Nullable Map<String, AttributeValue> start,
      long total) {
    Map<String, String> allNames = new HashMap<>(names);
    allNames.put("#p", PK);
    QueryRequest.Builder q =
        QueryRequest.builder()
            .tableName(table)
            .consistentRead(consistentRead)
            .keyConditionExpression("#p = :p")
            .expressionAttributeNames(allNames)
            .expressionAttributeValues(Map.of(":p", s(pk)))
            .projectionExpression(projection);
    if (start != null) {
      q.exclusiveStartKey(start);
    }
    QueryRequest request = q.build();
    return call("Query", () -> client.query(request))
        .thenCompose(
            (QueryResponse response) -> {
              List<CompletableFuture<Long>> steps = new ArrayList<>(response.count());
              for (Map<String, AttributeValue> item : response.items()) {
                steps.add(perItem.apply(item).toCompletableFuture());
              }
              return CompletableFuture.allOf(steps.toArray(CompletableFuture[]::new))
                  .thenCompose(
                      v -> {
                        long n = total;
                        for (CompletableFuture<Long> s : steps) {
                          n += s.join();
                        }
                        Map<String, AttributeValue> next = response.lastEvaluatedKey();
                        if (response.hasLastEvaluatedKey() && next != null && !next.isEmpty()) {
                          return page(pk, projection, names, perItem, next, n);
                        }
                        return CompletableFuture.completedFuture(n);
                      });
            });
  }

  /**
   * The number of writes skipped because their item would have exceeded DynamoDB's 400 KB limit.
   */
  public long oversizedSkips() {
    return oversizedSkips.sum();
  }

  /**
   * Checks that the table exists and has the expected key schema (creating it first when {@link
   * Builder#createTable(boolean) createTable} is set), for a health check or a startup check.
   * Blocks up to a minute (the time a new table takes to become active).
   *
   * @return this backend
   * @throws CacheException naming the table and the cause: no such table, a key schema other than
   *     {@code pk} (string) and {@code sk} (string), access denied, unreachable endpoint
   */
  public DynamoDbBackend verify() {
    CompletionStage<Void> check =
        setup != null ? setup.ready() : TableSetup.checkSchema(client, table);
    try {
      check.toCompletableFuture().get(1, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      Throwable cause = unwrap(e);
      if (cause instanceof BackendException) {
        throw new BackendException(String.valueOf(cause.getMessage()), cause);
      }
      throw new BackendException("dynamodb table " + table + ": " + Errors.message(cause), cause);
    } catch (TimeoutException e) {
      throw new BackendException("dynamodb table " + table + ": not ready within 1 minute", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackendException("dynamodb table " + table + ": interrupted", e);
    }
    return this;
  }

  /** Closes the client if this backend created it; a client given to the builder is left open. */
  @Override
  public void close() {
    if (ownsClient) {
      client.close();
    }
  }

  @Override
  public String toString() {
    return "DynamoDbBackend{" + name + ", table=" + table + '}';
  }

  private boolean live(Map<String, AttributeValue> item) {
    AttributeValue x = item.get(EXPIRE_AT);
    if (x == null || x.n() == null) {
      return false;
    }
    try {
      return Long.parseLong(x.n()) > ticker.currentTimeMillis();
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * Runs one SDK call after the table is ready (when the backend creates it), turning anything it
   * throws or fails with into a {@link BackendException} that names the table and the operation.
   */
  private <T> CompletionStage<T> call(String operation, Supplier<CompletableFuture<T>> request) {
    CompletionStage<T> stage;
    TableSetup s = setup;
    if (s != null && !s.isReady()) {
      stage = s.ready().thenCompose(v -> request.get());
    } else {
      try {
        stage = request.get();
      } catch (RuntimeException e) {
        stage = CompletableFuture.failedFuture(e);
      }
    }
    return stage
        .handle(
            (value, error) -> {
              if (error == null) {
                return CompletableFuture.completedFuture(value);
              }
              Throwable cause = unwrap(error);
              if (cause instanceof BackendException) {
                return CompletableFuture.<T>failedFuture(cause);
              }
              return CompletableFuture.<T>failedFuture(
                  new BackendException(
                      "dynamodb table " + table + ": " + operation + ": " + Errors.message(cause),
                      cause));
            })
        .thenCompose(x -> x);
  }

  private static boolean itemTooLarge(Throwable error) {
    Throwable t = unwrap(error);
    Throwable cause = t instanceof BackendException && t.getCause() != null ? t.getCause() : t;
    if (!(cause instanceof DynamoDbException)) {
      return false;
    }
    String m = cause.getMessage();
    return m != null && m.toLowerCase(Locale.ROOT).contains("item size has exceeded");
  }

  static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * Builds a {@link DynamoDbBackend}; setters validate at once and throw a {@link
   * ConfigurationException} naming the setting, the value and what is expected. Not thread-safe.
   *
   * <p>Without {@link #client(DynamoDbAsyncClient)} the builder makes an async client on Netty with
   * the region, endpoint and credentials set here, or else those of the AWS default chains ({@code
   * AWS_REGION}, {@code ~/.aws/config}, instance metadata; environment, profile, web identity,
   * container and instance credentials).
   */
  public static final class Builder {
    private static final int MAX_CONCURRENCY = 10_000;

    private @Nullable String table;
    private @Nullable Region region;
    private @Nullable URI endpoint;
    private @Nullable AwsCredentialsProvider credentials;
    private @Nullable DynamoDbAsyncClient client;
    private boolean consistentRead = true;
    private boolean createTable;
    private String ttlAttribute = "ttl";
    private KeyFormat keyFormat = KeyFormat.URL_ENCODED;
    private Duration requestTimeout = Duration.ofSeconds(2);
    private Duration connectTimeout = Duration.ofSeconds(2);
    private int maxConcurrency = 50;
    private int maxRetries = 2;
    private int batchThreshold = 16;
    private String name = "dynamodb";
    private Ticker ticker = Ticker.systemTicker();
    private @Nullable Executor executor;

    private Builder() {}

    /**
     * Sets the table (required). Its partition key must be {@code pk} and its sort key {@code sk},
     * both strings; {@link #createTable(boolean)} creates such a table when it is missing.
     *
     * @throws ConfigurationException unless 3 to 255 characters of {@code A-Z a-z 0-9 _ - .}
     */
    public Builder table(String table) {
      requireNonNull(table, "table");
      if (!table.matches("[A-Za-z0-9_.-]{3,255}")) {
        throw new ConfigurationException(
            "table: \"" + table + "\" (expected: 3 to 255 characters of A-Z a-z 0-9 _ - .)");
      }
      this.table = table;
      return this;
    }

    /**
     * Sets the AWS region, e.g. {@code eu-west-1} (default: the default region chain, or {@code
     * us-east-1} with an {@link #endpoint(String) endpoint} and no region found).
     *
     * @throws ConfigurationException unless lowercase letters, digits and dashes
     */
    public Builder region(String region) {
      requireNonNull(region, "region");
      if (!region.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
        throw new ConfigurationException(
            "region: \"" + region + "\" (expected: an AWS region such as eu-west-1)");
      }
      this.region = Region.of(region);
      return this;
    }

    /**
     * Sends requests to this endpoint instead of the region's, e.g. a local DynamoDB-compatible
     * server {@code http://127.0.0.1:8000} or a VPC endpoint.
     *
     * @throws ConfigurationException unless an {@code http://} or {@code https://} URL with a host
     */
    public Builder endpoint(String endpoint) {
      requireNonNull(endpoint, "endpoint");
      URI uri;
      try {
        uri = URI.create(endpoint);
      } catch (IllegalArgumentException e) {
        uri = null;
      }
      if (uri == null
          || uri.getHost() == null
          || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
        throw new ConfigurationException(
            "endpoint: \""
                + endpoint
                + "\" (expected: an http:// or https:// URL such as http://127.0.0.1:8000)");
      }
      this.endpoint = uri;
      return this;
    }

    /**
     * Uses these static credentials instead of the default provider chain; for a local server or a
     * test. In production prefer the chain (roles, environment, profiles).
     *
     * @throws ConfigurationException if either is empty (the message never repeats the secret)
     */
    public Builder credentials(String accessKeyId, String secretAccessKey) {
      requireNonNull(accessKeyId, "accessKeyId");
      requireNonNull(secretAccessKey, "secretAccessKey");
      if (accessKeyId.isBlank()) {
        throw new ConfigurationException("access_key_id: \"\" (expected: non-empty)");
      }
      if (secretAccessKey.isBlank()) {
        throw new ConfigurationException("secret_access_key: (empty) (expected: non-empty)");
      }
      this.credentials =
          StaticCredentialsProvider.create(
              AwsBasicCredentials.create(accessKeyId, secretAccessKey));
      return this;
    }

    /** Uses this credentials provider instead of the default chain. */
    public Builder credentialsProvider(AwsCredentialsProvider provider) {
      this.credentials = requireNonNull(provider, "provider");
      return this;
    }

    /**
     * Uses this client instead of making one: region, endpoint, credentials, timeouts, retries,
     * concurrency and executor set here are then ignored, and {@link DynamoDbBackend#close()} does
     * not close it.
     */
    public Builder client(DynamoDbAsyncClient client) {
      this.client = requireNonNull(client, "client");
      return this;
    }

    /**
     * Whether reads and invalidation queries are strongly consistent (default {@code true}), so a
     * read never returns an entry removed or replaced before it. {@code false} halves the read
     * cost, but a read may then return what was there up to about a second earlier.
     */
    public Builder consistentRead(boolean consistentRead) {
      this.consistentRead = consistentRead;
      return this;
    }

    /**
     * Whether to create the table when it is missing (default {@code false}): on demand capacity,
     * {@code pk} and {@code sk} as keys, and TTL enabled on the {@link #ttlAttribute(String) TTL
     * attribute}. The table is made before the first call, which waits for it; an existing table is
     * only checked.
     */
    public Builder createTable(boolean createTable) {
      this.createTable = createTable;
      return this;
    }

    /**
     * Sets the attribute that the table's TTL is enabled on (default {@code ttl}).
     *
     * @throws ConfigurationException if empty, longer than 255 characters, or one of the names the
     *     backend uses itself
     */
    public Builder ttlAttribute(String attribute) {
      requireNonNull(attribute, "attribute");
      if (attribute.isEmpty()
          || attribute.length() > 255
          || ItemLayout.RESERVED.contains(attribute)) {
        throw new ConfigurationException(
            "ttl_attribute: \""
                + attribute
                + "\" (expected: 1 to 255 characters, not one of "
                + String.join(", ", ItemLayout.RESERVED)
                + ")");
      }
      this.ttlAttribute = attribute;
      return this;
    }

    /**
     * Sets how keys are written into the sort key (default {@code UrlEncoded}, hashed above 250
     * characters).
     *
     * @throws ConfigurationException if its {@link KeyFormat#maxLength()} is above 1024, DynamoDB's
     *     limit for a sort key
     */
    public Builder keyFormat(KeyFormat format) {
      requireNonNull(format, "format");
      if (format.maxLength() > ItemLayout.MAX_SORT_KEY_BYTES) {
        throw new ConfigurationException(
            "key max_length: "
                + format.maxLength()
                + " (expected: <= "
                + ItemLayout.MAX_SORT_KEY_BYTES
                + ", DynamoDB's limit for a sort key)");
      }
      this.keyFormat = format;
      return this;
    }

    /**
     * Sets how long one call may take in all, retries included (default 2 seconds); a call that
     * takes longer fails and the engine treats it as a miss.
     *
     * @throws ConfigurationException unless positive
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive("request_timeout", timeout);
      return this;
    }

    /**
     * Sets the TCP connect timeout (default 2 seconds).
     *
     * @throws ConfigurationException unless positive
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connect_timeout", timeout);
      return this;
    }

    /**
     * Sets the most requests in flight at once, i.e. HTTP connections (default 50); more calls wait
     * for a connection within their {@link #requestTimeout(Duration) timeout}.
     *
     * @throws ConfigurationException unless 1 to 10,000
     */
    public Builder maxConcurrency(int maxConcurrency) {
      if (maxConcurrency < 1 || maxConcurrency > MAX_CONCURRENCY) {
        throw new ConfigurationException(
            "max_concurrency: " + maxConcurrency + " (expected: 1 to " + MAX_CONCURRENCY + ")");
      }
      this.maxConcurrency = maxConcurrency;
      return this;
    }

    /**
     * Sets how often a throttled or failed request is retried (default 2).
     *
     * @throws ConfigurationException unless 0 to 10
     */
    public Builder maxRetries(int maxRetries) {
      if (maxRetries < 0 || maxRetries > 10) {
        throw new ConfigurationException("max_retries: " + maxRetries + " (expected: 0 to 10)");
      }
      this.maxRetries = maxRetries;
      return this;
    }

    /**
     * Sets how many reads (and, separately, untagged writes) may be in flight as single requests
     * (default 16). Beyond that, calls wait for one of them to complete and then go out together as
     * one {@code BatchGetItem} (up to 100 keys) or {@code BatchWriteItem} (up to 25 entries): no
     * added latency under light load, far fewer requests under a burst.
     *
     * @throws ConfigurationException unless 1 to 10,000
     */
    public Builder batchThreshold(int requests) {
      if (requests < 1 || requests > MAX_CONCURRENCY) {
        throw new ConfigurationException(
            "batch_threshold: " + requests + " (expected: 1 to " + MAX_CONCURRENCY + ")");
      }
      this.batchThreshold = requests;
      return this;
    }

    /**
     * Sets the name used in metrics (default {@code "dynamodb"}).
     *
     * @throws ConfigurationException if blank
     */
    public Builder name(String name) {
      requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new ConfigurationException("name: \"" + name + "\" (expected: non-blank)");
      }
      this.name = name;
      return this;
    }

    /**
     * Sets the clock that a read compares {@code expireAt} with (default the system clock). The TTL
     * deletion by DynamoDB always follows its own clock.
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Completes the returned stages on this executor (default: the SDK's own completion pool).
     * Ignored with {@link #client(DynamoDbAsyncClient)}.
     */
    public Builder executor(Executor executor) {
      this.executor = requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Builds the backend without contacting DynamoDB; the first calls fail (and count as misses)
     * while the table cannot be reached.
     *
     * @throws ConfigurationException if no table is set, or no region is set and none is found
     */
    public DynamoDbBackend build() {
      if (table == null) {
        throw new ConfigurationException("table: (missing) (expected: the name of a table)");
      }
      DynamoDbAsyncClient c = client;
      if (c != null) {
        return new DynamoDbBackend(this, c, false);
      }
      return new DynamoDbBackend(this, newClient(), true);
    }

    /**
     * Builds the backend and {@link DynamoDbBackend#verify() verifies} the table (creating it when
     * {@link #createTable(boolean)} is set).
     *
     * @throws CacheException naming the table and what is wrong with it
     */
    public DynamoDbBackend buildVerified() {
      DynamoDbBackend backend = build();
      try {
        return backend.verify();
      } catch (RuntimeException e) {
        backend.close();
        throw e;
      }
    }

    private DynamoDbAsyncClient newClient() {
      DynamoDbAsyncClientBuilder b = DynamoDbAsyncClient.builder();
      b.region(resolveRegion());
      if (endpoint != null) {
        b.endpointOverride(endpoint);
      }
      b.credentialsProvider(
          credentials != null ? credentials : DefaultCredentialsProvider.builder().build());
      b.httpClientBuilder(
          NettyNioAsyncHttpClient.builder()
              .maxConcurrency(maxConcurrency)
              .connectionTimeout(connectTimeout)
              .connectionAcquisitionTimeout(requestTimeout)
              .maxPendingConnectionAcquires(MAX_CONCURRENCY));
      b.overrideConfiguration(
          ClientOverrideConfiguration.builder()
              .apiCallTimeout(requestTimeout)
              .retryStrategy(r -> r.maxAttempts(maxRetries + 1))
              .build());
      Executor e = executor;
      if (e != null) {
        b.asyncConfiguration(
            ClientAsyncConfiguration.builder()
                .advancedOption(SdkAdvancedAsyncClientOption.FUTURE_COMPLETION_EXECUTOR, e)
                .build());
      }
      try {
        return b.build();
      } catch (SdkException ex) {
        throw new ConfigurationException(
            "dynamodb table " + table + ": cannot create the client: " + ex.getMessage());
      }
    }

    private Region resolveRegion() {
      Region r = region;
      if (r != null) {
        return r;
      }
      try {
        return DefaultAwsRegionProviderChain.builder().build().getRegion();
      } catch (SdkException e) {
        if (endpoint != null) {
          return Region.US_EAST_1;
        }
        throw new ConfigurationException(
            "region: (missing) (expected: a region such as eu-west-1, set here, in AWS_REGION or"
                + " in ~/.aws/config)");
      }
    }

    private static Duration positive(String setting, Duration d) {
      requireNonNull(d, setting);
      if (d.isNegative() || d.isZero()) {
        throw new ConfigurationException(setting + ": " + d + " (expected: > 0)");
      }
      return d;
    }
  }
}
