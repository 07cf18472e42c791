package dev.hitbox.dynamodb;

import dev.hitbox.core.CacheKey;
import dev.hitbox.core.KeyFormat;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The key design in the table (see {@code docs/backends.md}). Two kinds of items share one table
 * whose partition key is {@code pk} and sort key {@code sk}, both strings:
 *
 * <ul>
 *   <li>an <b>entry</b>: {@code pk = "e:" + namespace}, {@code sk} = the key in its {@link
 *       KeyFormat#encodeToString string form}; attributes {@code v} (the envelope, binary), {@code
 *       x} (expireAt in epoch milliseconds), the TTL attribute (expireAt in epoch seconds) and
 *       {@code w} (a random id of this write);
 *   <li>a <b>tag item</b>, one per tag of an entry: {@code pk = "t:" + tag} (or {@code "h:"} and
 *       the SHA-256 of a tag that is too long or not valid Unicode), {@code sk} = the entry's
 *       {@code sk}; attributes {@code e} (the entry's {@code pk}), {@code w} (the entry's write
 *       id), {@code x} and the TTL attribute as the entry's.
 * </ul>
 *
 * <p>Stateless apart from its settings; thread-safe.
 */
final class ItemLayout {
  static final String PK = "pk";
  static final String SK = "sk";
  static final String VALUE = "v";
  static final String EXPIRE_AT = "x";
  static final String WRITE_ID = "w";
  static final String ENTRY_PK = "e";

  /** Attribute names the backend uses itself; the TTL attribute must be none of them. */
  static final java.util.List<String> RESERVED =
      java.util.List.of(PK, SK, VALUE, EXPIRE_AT, WRITE_ID, ENTRY_PK);

  /** DynamoDB's item size limit: 400 KB. */
  static final int MAX_ITEM_BYTES = 400 * 1024;

  /** The longest sort key DynamoDB accepts, in bytes. */
  static final int MAX_SORT_KEY_BYTES = 1024;

  /** Tags whose UTF-8 form is longer than this are stored by their hash. */
  private static final int MAX_TAG_BYTES = 1024;

  /** The most bytes a number attribute takes (38 significant digits). */
  private static final int NUMBER_BYTES = 21;

  private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final KeyFormat keyFormat;
  private final String ttlAttribute;

  ItemLayout(KeyFormat keyFormat, String ttlAttribute) {
    this.keyFormat = keyFormat;
    this.ttlAttribute = ttlAttribute;
  }

  String ttlAttribute() {
    return ttlAttribute;
  }

  KeyFormat keyFormat() {
    return keyFormat;
  }

  /** The partition of a namespace's entries. */
  static String entryPk(String namespace) {
    return "e:" + namespace;
  }

  /** The sort key of an entry: the key's string form, printable ASCII. */
  String entrySk(CacheKey key) {
    return keyFormat.encodeToString(key);
  }

  /** The primary key of the entry stored under {@code key}. */
  Map<String, AttributeValue> entryKey(CacheKey key) {
    return Map.of(PK, s(entryPk(key.namespace())), SK, s(entrySk(key)));
  }

  /**
   * The partition of a tag's index items: {@code t:} and the tag, or {@code h:} and the hex SHA-256
   * of its UTF-16 form when it is longer than 1 KiB in UTF-8 or holds a lone surrogate (DynamoDB
   * strings are UTF-8, which cannot carry one, so two such tags would otherwise share a partition).
   */
  static String tagPk(String tag) {
    boolean wellFormed = true;
    for (int i = 0; i < tag.length() && wellFormed; i++) {
      char c = tag.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < tag.length()
          && Character.isLowSurrogate(tag.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        wellFormed = false;
      }
    }
    if (wellFormed && tag.getBytes(StandardCharsets.UTF_8).length <= MAX_TAG_BYTES) {
      return "t:" + tag;
    }
    return "h:" + sha256Hex(tag.getBytes(StandardCharsets.UTF_16BE));
  }

  /** The TTL attribute's value: {@code expireAt} in epoch seconds, rounded up. */
  static long ttlSeconds(long expireAt) {
    return expireAt / 1000 + (expireAt % 1000 == 0 ? 0 : 1);
  }

  /** A random id that tells one write of a key from any other. */
  static String newWriteId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    byte[] b = new byte[16];
    r.nextBytes(b);
    return BASE64.encodeToString(b);
  }

  /**
   * An upper bound of the size DynamoDB counts for an entry item: the names and values of its
   * attributes, numbers at their largest.
   */
  int entryItemSize(String pk, String sk, int valueBytes, String writeId) {
    return PK.length()
        + utf8Length(pk)
        + SK.length()
        + sk.length()
        + VALUE.length()
        + valueBytes
        + EXPIRE_AT.length()
        + NUMBER_BYTES
        + utf8Length(ttlAttribute)
        + NUMBER_BYTES
        + WRITE_ID.length()
        + writeId.length();
  }

  static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }

  static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  private static String sha256Hex(byte[] bytes) {
    byte[] digest;
    try {
      digest = MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    char[] out = new char[digest.length * 2];
    for (int i = 0; i < digest.length; i++) {
      out[2 * i] = HEX[digest[i] >> 4 & 0xf];
      out[2 * i + 1] = HEX[digest[i] & 0xf];
    }
    return new String(out);
  }
}
