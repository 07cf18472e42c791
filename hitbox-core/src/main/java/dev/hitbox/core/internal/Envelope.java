package dev.hitbox.core.internal;

import dev.hitbox.core.BackendException;
import dev.hitbox.core.CacheValue;
import dev.hitbox.core.spi.Compressor;
import dev.hitbox.core.spi.ValueCodec;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * The byte layout of every stored value (big-endian; see {@code docs/storage-format.md}):
 *
 * <pre>
 * offset size field
 *  0     2    magic 0x48 0x42 ("HB")
 *  2     1    envelope version (1)
 *  3     1    format id (the {@link ValueCodec})
 *  4     1    compression id (0 = stored uncompressed)
 *  5     1    flags (reserved, 0)
 *  6     4    schema version of the user's type
 * 10     8    createdAt, epoch ms
 * 18     8    staleAt, epoch ms
 * 26     8    expireAt, epoch ms
 * 34     2    tag count n, then n times: 2-byte length + UTF-8 bytes
 *  .     4    payload length before compression
 *  .     4    payload length p, then p payload bytes, and nothing after
 * </pre>
 *
 * Anything else (short, long, another magic, a newer version, another format or schema, a
 * compressor that is not configured) is rejected with a {@link BackendException}.
 */
public final class Envelope {
  static final byte MAGIC_0 = 0x48;
  static final byte MAGIC_1 = 0x42;
  static final byte VERSION = 1;
  static final int HEADER = 34;
  static final int MAX_TAGS = 65_535;

  // Offsets of the fixed header fields.
  private static final int FORMAT = 3;
  private static final int COMPRESSION = 4;
  private static final int SCHEMA = 6;
  private static final int CREATED = 10;
  private static final int STALE = 18;
  private static final int EXPIRE = 26;

  // Big-endian views of the byte array: a read on the hit path allocates no ByteBuffer.
  private static final VarHandle SHORT =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private Envelope() {}

  /** Encodes a value, compressing the payload when it is at least {@code threshold} bytes. */
  public static <V> byte[] encode(
      CacheValue<V> value, ValueCodec<V> codec, Compressor compressor, int threshold) {
    byte[] raw = codec.encode(value.value());
    byte compression = 0;
    byte[] payload = raw;
    if (compressor.id() != 0 && raw.length >= threshold) {
      byte[] c = compressor.compress(raw);
      if (c.length < raw.length) {
        payload = c;
        compression = compressor.id();
      }
    }
    Set<String> tags = value.tags();
    if (tags.size() > MAX_TAGS) {
      throw new IllegalArgumentException(
          "tags: " + tags.size() + " (expected: <= " + MAX_TAGS + ")");
    }
    byte[][] tagBytes = new byte[tags.size()][];
    int size = HEADER + 2 + 8 + payload.length;
    int i = 0;
    for (String tag : tags) {
      byte[] t = tag.getBytes(StandardCharsets.UTF_8);
      if (t.length > 65_535) {
        throw new IllegalArgumentException("tag longer than 65535 bytes: " + tag.substring(0, 32));
      }
      tagBytes[i++] = t;
      size += 2 + t.length;
    }
    ByteBuffer b = ByteBuffer.allocate(size);
    b.put(MAGIC_0).put(MAGIC_1).put(VERSION).put(codec.formatId()).put(compression).put((byte) 0);
    b.putInt(codec.schemaVersion());
    b.putLong(value.createdAt()).putLong(value.staleAt()).putLong(value.expireAt());
    b.putShort((short) tagBytes.length);
    for (byte[] t : tagBytes) {
      b.putShort((short) t.length).put(t);
    }
    b.putInt(raw.length).putInt(payload.length).put(payload);
    return b.array();
  }

  /**
   * Decodes an envelope.
   *
   * @throws BackendException when the bytes are not a valid envelope for this codec and compressor,
   *     or the payload does not decode
   */
  public static <V> CacheValue<V> decode(byte[] bytes, ValueCodec<V> codec, Compressor compressor) {
    // The hit path: the fields are read in place, no Header or ByteBuffer is allocated.
    int off = payloadOffset(bytes);
    byte formatId = bytes[FORMAT];
    if (formatId != codec.formatId()) {
      throw new BackendException(
          "envelope format id " + formatId + " (expected: " + codec.formatId() + ")");
    }
    int schemaVersion = getInt(bytes, SCHEMA);
    if (schemaVersion != codec.schemaVersion()) {
      throw new BackendException(
          "envelope schema version "
              + schemaVersion
              + " (expected: "
              + codec.schemaVersion()
              + ")");
    }
    byte[] data = bytes;
    int len = bytes.length - off;
    byte compressionId = bytes[COMPRESSION];
    if (compressionId != 0) {
      if (compressionId != compressor.id()) {
        throw new BackendException(
            "envelope compression id "
                + compressionId
                + " (expected: 0 or "
                + compressor.id()
                + ")");
      }
      int originalLength = getInt(bytes, off - 8);
      try {
        data = compressor.decompress(bytes, off, len, originalLength);
      } catch (RuntimeException e) {
        throw new BackendException("payload does not decompress", e);
      }
      if (data.length != originalLength) {
        throw new BackendException(
            "decompressed " + data.length + " bytes (expected: " + originalLength + ")");
      }
      off = 0;
      len = data.length;
    }
    V v;
    try {
      v = codec.decode(data, off, len);
    } catch (RuntimeException e) {
      throw new BackendException("payload does not decode with " + codec, e);
    }
    if (v == null) {
      throw new BackendException("payload decoded to null with " + codec);
    }
    return CacheValue.of(
        v, getLong(bytes, CREATED), getLong(bytes, STALE), getLong(bytes, EXPIRE), tags(bytes));
  }

  /**
   * Parses and checks the header and framing of an envelope without decoding the payload.
   *
   * @throws BackendException when the bytes are not a valid envelope
   */
  public static Header header(byte[] bytes) {
    int off = payloadOffset(bytes);
    return new Header(
        bytes[FORMAT],
        bytes[COMPRESSION],
        getInt(bytes, SCHEMA),
        getLong(bytes, CREATED),
        getLong(bytes, STALE),
        getLong(bytes, EXPIRE),
        tags(bytes),
        getInt(bytes, off - 8),
        off,
        bytes.length - off);
  }

  /**
   * Checks the magic, version, timestamps and framing of an envelope.
   *
   * @return the offset of the payload, which runs to the end of {@code bytes}
   * @throws BackendException when the bytes are not a valid envelope
   */
  private static int payloadOffset(byte[] bytes) {
    if (bytes.length < HEADER + 2 + 8) {
      throw new BackendException("envelope of " + bytes.length + " bytes is too short");
    }
    if (bytes[0] != MAGIC_0 || bytes[1] != MAGIC_1) {
      throw new BackendException("not a Hitbox envelope (bad magic)");
    }
    byte version = bytes[2];
    if (version != VERSION) {
      throw new BackendException("envelope version " + version + " (expected: " + VERSION + ")");
    }
    long created = getLong(bytes, CREATED);
    long stale = getLong(bytes, STALE);
    long expire = getLong(bytes, EXPIRE);
    if (created > stale || stale > expire) {
      throw new BackendException("envelope timestamps out of order");
    }
    int tagCount = getUnsignedShort(bytes, HEADER);
    int p = HEADER + 2;
    for (int i = 0; i < tagCount; i++) {
      if (bytes.length - p < 2) {
        throw new BackendException("envelope truncated in tags");
      }
      int len = getUnsignedShort(bytes, p);
      p += 2;
      if (bytes.length - p < len) {
        throw new BackendException("envelope truncated in tags");
      }
      p += len;
    }
    if (bytes.length - p < 8) {
      throw new BackendException("envelope truncated before payload");
    }
    int original = getInt(bytes, p);
    int length = getInt(bytes, p + 4);
    p += 8;
    if (original < 0 || length < 0 || length != bytes.length - p) {
      throw new BackendException(
          "envelope payload length " + length + " (expected: " + (bytes.length - p) + ")");
    }
    if (bytes[COMPRESSION] == 0 && original != length) {
      throw new BackendException("uncompressed payload length mismatch");
    }
    return p;
  }

  /** The tags of an envelope whose framing {@link #payloadOffset} has checked. */
  private static Set<String> tags(byte[] bytes) {
    int tagCount = getUnsignedShort(bytes, HEADER);
    if (tagCount == 0) {
      return Set.of();
    }
    Set<String> tags = new HashSet<>(tagCount * 2);
    int p = HEADER + 2;
    for (int i = 0; i < tagCount; i++) {
      int len = getUnsignedShort(bytes, p);
      tags.add(new String(bytes, p + 2, len, StandardCharsets.UTF_8));
      p += 2 + len;
    }
    return tags;
  }

  private static int getUnsignedShort(byte[] bytes, int offset) {
    return Short.toUnsignedInt((short) SHORT.get(bytes, offset));
  }

  private static int getInt(byte[] bytes, int offset) {
    return (int) INT.get(bytes, offset);
  }

  private static long getLong(byte[] bytes, int offset) {
    return (long) LONG.get(bytes, offset);
  }

  /** The parsed header of an envelope. */
  public record Header(
      byte formatId,
      byte compressionId,
      int schemaVersion,
      long createdAt,
      long staleAt,
      long expireAt,
      Set<String> tags,
      int originalLength,
      int payloadOffset,
      int payloadLength) {}
}
