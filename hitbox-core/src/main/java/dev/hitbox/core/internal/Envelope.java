package dev.hitbox.core.internal;

import dev.hitbox.core.BackendException;
import dev.hitbox.core.CacheValue;
import dev.hitbox.core.spi.Compressor;
import dev.hitbox.core.spi.ValueCodec;
import java.nio.ByteBuffer;
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
    Header h = header(bytes);
    if (h.formatId != codec.formatId()) {
      throw new BackendException(
          "envelope format id " + h.formatId + " (expected: " + codec.formatId() + ")");
    }
    if (h.schemaVersion != codec.schemaVersion()) {
      throw new BackendException(
          "envelope schema version "
              + h.schemaVersion
              + " (expected: "
              + codec.schemaVersion()
              + ")");
    }
    byte[] data = bytes;
    int off = h.payloadOffset;
    int len = h.payloadLength;
    if (h.compressionId != 0) {
      if (h.compressionId != compressor.id()) {
        throw new BackendException(
            "envelope compression id "
                + h.compressionId
                + " (expected: 0 or "
                + compressor.id()
                + ")");
      }
      try {
        data = compressor.decompress(bytes, off, len, h.originalLength);
      } catch (RuntimeException e) {
        throw new BackendException("payload does not decompress", e);
      }
      if (data.length != h.originalLength) {
        throw new BackendException(
            "decompressed " + data.length + " bytes (expected: " + h.originalLength + ")");
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
    return CacheValue.of(v, h.createdAt, h.staleAt, h.expireAt, h.tags);
  }

  /**
   * Parses and checks the header and framing of an envelope without decoding the payload.
   *
   * @throws BackendException when the bytes are not a valid envelope
   */
  public static Header header(byte[] bytes) {
    if (bytes.length < HEADER + 2 + 8) {
      throw new BackendException("envelope of " + bytes.length + " bytes is too short");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    if (b.get() != MAGIC_0 || b.get() != MAGIC_1) {
      throw new BackendException("not a Hitbox envelope (bad magic)");
    }
    byte version = b.get();
    if (version != VERSION) {
      throw new BackendException("envelope version " + version + " (expected: " + VERSION + ")");
    }
    byte format = b.get();
    byte compression = b.get();
    b.get();
    int schema = b.getInt();
    long created = b.getLong();
    long stale = b.getLong();
    long expire = b.getLong();
    if (created > stale || stale > expire) {
      throw new BackendException("envelope timestamps out of order");
    }
    int tagCount = Short.toUnsignedInt(b.getShort());
    Set<String> tags = tagCount == 0 ? Set.of() : new HashSet<>(tagCount * 2);
    for (int i = 0; i < tagCount; i++) {
      if (b.remaining() < 2) {
        throw new BackendException("envelope truncated in tags");
      }
      int len = Short.toUnsignedInt(b.getShort());
      if (b.remaining() < len) {
        throw new BackendException("envelope truncated in tags");
      }
      tags.add(new String(bytes, b.position(), len, StandardCharsets.UTF_8));
      b.position(b.position() + len);
    }
    if (b.remaining() < 8) {
      throw new BackendException("envelope truncated before payload");
    }
    int original = b.getInt();
    int length = b.getInt();
    if (original < 0 || length < 0 || length != b.remaining()) {
      throw new BackendException(
          "envelope payload length " + length + " (expected: " + b.remaining() + ")");
    }
    if (compression == 0 && original != length) {
      throw new BackendException("uncompressed payload length mismatch");
    }
    return new Header(
        format, compression, schema, created, stale, expire, tags, original, b.position(), length);
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
