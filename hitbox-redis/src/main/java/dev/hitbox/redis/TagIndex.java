package dev.hitbox.redis;

import io.lettuce.core.MapScanCursor;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The tag index in Redis. For every tag two keys in one hash slot (the tag is their hash tag):
 *
 * <ul>
 *   <li>{@code <prefix>{<tag>}:keys}, a hash from each key written with the tag to the SHA-1 of the
 *       value written, so that invalidation removes a key only while it still holds that very entry
 *       (a key rewritten without the tag, or with another value, is left alone);
 *   <li>{@code <prefix>{<tag>}:expiry}, a sorted set of the same keys scored by their {@code
 *       expireAt}, so that every write drops the members whose entries have expired and keeps both
 *       keys alive exactly as long as the longest-lived entry they list.
 * </ul>
 *
 * <p>Both are changed only by Lua scripts that touch one slot, so they work unchanged on a Cluster.
 * Thread-safe and stateless.
 */
final class TagIndex {
  /** Scores at or above this mean "never expires" (doubles are exact below it). */
  static final long NEVER = 1L << 53;

  private static final int PAGE = 1_000;
  private static final int PRUNE_PER_WRITE = 100;

  /**
   * KEYS: index hash, expiry zset. ARGV: key, sha1 of its value, expireAt, now. Records the key
   * with its entry, drops up to 100 members that expired before now, and sets both keys to expire
   * with the latest entry they list.
   */
  static final Script ADD =
      new Script(
          """
          redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
          redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
          local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[4], 'LIMIT', 0, %d)
          if #old > 0 then
            redis.call('HDEL', KEYS[1], unpack(old))
            redis.call('ZREM', KEYS[2], unpack(old))
          end
          local top = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
          if #top == 0 then
            redis.call('DEL', KEYS[1], KEYS[2])
          elseif tonumber(top[2]) >= %d then
            redis.call('PERSIST', KEYS[1])
            redis.call('PERSIST', KEYS[2])
          else
            local at = string.format('%%.0f', tonumber(top[2]))
            redis.call('PEXPIREAT', KEYS[1], at)
            redis.call('PEXPIREAT', KEYS[2], at)
          end
          return 1
          """
              .formatted(PRUNE_PER_WRITE, NEVER));

  /**
   * KEYS: a cache key. ARGV: the sha1 recorded for it. Removes the key if it still holds the entry
   * that was indexed; returns 1 if it did.
   */
  static final Script REMOVE_IF_SAME =
      new Script(
          """
          local v = redis.call('GET', KEYS[1])
          if v and redis.sha1hex(v) == ARGV[1] then
            redis.call('UNLINK', KEYS[1])
            return 1
          end
          return 0
          """);

  /**
   * KEYS: index hash, expiry zset. ARGV: pairs of key and sha1. Forgets each key whose recorded
   * sha1 is still the one given (a concurrent write of the key with the tag recorded a new one,
   * which must stay).
   */
  static final Script FORGET =
      new Script(
          """
          local n = 0
          for i = 1, #ARGV, 2 do
            if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then
              redis.call('HDEL', KEYS[1], ARGV[i])
              redis.call('ZREM', KEYS[2], ARGV[i])
              n = n + 1
            end
          end
          if redis.call('HLEN', KEYS[1]) == 0 then
            redis.call('DEL', KEYS[1], KEYS[2])
          end
          return n
          """);

  private final String prefix;

  TagIndex(String prefix) {
    this.prefix = prefix;
  }

  /** The prefix of the index keys, e.g. {@code hitbox:tag:}. */
  String prefix() {
    return prefix;
  }

  /** {@code <prefix>{<tag>}:keys}. */
  byte[] keysKey(String tag) {
    return key(tag, ":keys");
  }

  /** {@code <prefix>{<tag>}:expiry}. */
  byte[] expiryKey(String tag) {
    return key(tag, ":expiry");
  }

  private byte[] key(String tag, String suffix) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(prefix.length() + tag.length() + 16);
    out.writeBytes(prefix.getBytes(StandardCharsets.UTF_8));
    out.write('{');
    encodeTag(tag, out);
    out.write('}');
    out.writeBytes(suffix.getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  /**
   * Writes a tag so that it is a non-empty hash tag and different tags never share keys: {@code %},
   * braces and control characters are percent-encoded, lone surrogates as {@code %uXXXX}, the rest
   * is UTF-8; the empty tag is a lone {@code %}, which no other tag produces.
   */
  static void encodeTag(String tag, ByteArrayOutputStream out) {
    if (tag.isEmpty()) {
      out.write('%');
      return;
    }
    for (int i = 0; i < tag.length(); i++) {
      char c = tag.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < tag.length()
          && Character.isLowSurrogate(tag.charAt(i + 1))) {
        out.writeBytes(tag.substring(i, i + 2).getBytes(StandardCharsets.UTF_8));
        i++;
      } else if (Character.isSurrogate(c)) {
        out.writeBytes(String.format("%%u%04X", (int) c).getBytes(StandardCharsets.US_ASCII));
      } else if (c == '%' || c == '{' || c == '}' || c < 0x20 || c == 0x7f) {
        out.writeBytes(String.format("%%%02X", (int) c).getBytes(StandardCharsets.US_ASCII));
      } else {
        out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  /** Indexes {@code key} under {@code tag}; {@code sha1} is {@link #sha1Hex} of its value. */
  CompletionStage<Long> add(
      RedisClusterAsyncCommands<byte[], byte[]> c,
      String tag,
      byte[] key,
      byte[] sha1,
      long expireAt,
      long now) {
    long score = Math.min(expireAt, NEVER);
    return ADD.run(
        c,
        new byte[][] {keysKey(tag), expiryKey(tag)},
        key,
        sha1,
        ascii(Long.toString(score)),
        ascii(Long.toString(now)));
  }

  /**
   * Removes every key whose current entry was written with {@code tag}, a page of the index at a
   * time, and forgets the removed keys.
   *
   * @return the number of entries removed
   */
  CompletionStage<Long> invalidate(RedisClusterAsyncCommands<byte[], byte[]> c, String tag) {
    return page(c, keysKey(tag), expiryKey(tag), ScanCursor.INITIAL, 0L);
  }

  private CompletionStage<Long> page(
      RedisClusterAsyncCommands<byte[], byte[]> c,
      byte[] keys,
      byte[] expiry,
      ScanCursor cursor,
      long total) {
    return c.hscan(keys, cursor, ScanArgs.Builder.limit(PAGE))
        .thenCompose(
            (MapScanCursor<byte[], byte[]> page) -> {
              Map<byte[], byte[]> entries = page.getMap();
              List<CompletableFuture<Long>> removals = new ArrayList<>(entries.size());
              byte[][] pairs = new byte[entries.size() * 2][];
              int i = 0;
              for (Map.Entry<byte[], byte[]> e : entries.entrySet()) {
                removals.add(
                    REMOVE_IF_SAME
                        .run(c, new byte[][] {e.getKey()}, e.getValue())
                        .toCompletableFuture());
                pairs[i++] = e.getKey();
                pairs[i++] = e.getValue();
              }
              CompletionStage<Long> removed =
                  CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new))
                      .thenApply(v -> removals.stream().mapToLong(CompletableFuture::join).sum());
              return removed.thenCompose(
                  n -> {
                    CompletionStage<Long> forgotten =
                        pairs.length == 0
                            ? CompletableFuture.completedFuture(0L)
                            : FORGET.run(c, new byte[][] {keys, expiry}, pairs);
                    return forgotten.thenCompose(
                        f ->
                            page.isFinished()
                                ? CompletableFuture.completedFuture(total + n)
                                : page(c, keys, expiry, page, total + n));
                  });
            });
  }

  /** The lowercase hex SHA-1 of {@code value}, as Redis's {@code redis.sha1hex} computes it. */
  static byte[] sha1Hex(byte[] value) {
    byte[] digest;
    try {
      digest = MessageDigest.getInstance("SHA-1").digest(value);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-1", e);
    }
    byte[] hex = new byte[40];
    for (int i = 0; i < digest.length; i++) {
      hex[2 * i] = (byte) Character.forDigit(digest[i] >> 4 & 0xf, 16);
      hex[2 * i + 1] = (byte) Character.forDigit(digest[i] & 0xf, 16);
    }
    return hex;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** A Lua script sent by its SHA-1, and in full once per server that does not know it yet. */
  static final class Script {
    private final String body;
    private final String sha1;

    Script(String body) {
      this.body = body;
      this.sha1 =
          new String(sha1Hex(body.getBytes(StandardCharsets.UTF_8)), StandardCharsets.US_ASCII);
    }

    String body() {
      return body;
    }

    CompletionStage<Long> run(
        RedisClusterAsyncCommands<byte[], byte[]> c, byte[][] keys, byte[]... args) {
      CompletionStage<Long> bySha = c.evalsha(sha1, ScriptOutputType.INTEGER, keys, args);
      return bySha.exceptionallyCompose(
          e -> {
            if (SharedConnection.unwrap(e) instanceof RedisNoScriptException) {
              return c.<Long>eval(body, ScriptOutputType.INTEGER, keys, args);
            }
            return CompletableFuture.failedFuture(e);
          });
    }
  }
}
