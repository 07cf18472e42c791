package dev.hitbox.rocksdb;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The byte layout of what the backend keeps in its three column families.
 *
 * <ul>
 *   <li>{@code default}: stored key -> entry: layout version {@code 1} (1 byte), {@code expireAt}
 *       (8, epoch ms), tag count (2), each tag (2-byte length and modified UTF-8), the length of
 *       the full key (4; 0 unless the stored key is a hash) and the full key, then the envelope.
 *   <li>{@code expiry}: {@code expireAt} (8, sign bit flipped so that the order is numeric) +
 *       stored key -> the entry's footprint (8). Ordered by expiry: the sweep and the eviction of
 *       the earliest-expiring entries read it from its start.
 *   <li>{@code tags}: tag (2-byte length and modified UTF-8) + stored key -> nothing. The length
 *       prefix makes a tag's records one contiguous range.
 * </ul>
 */
final class Records {
  static final byte LAYOUT = 1;
  static final int EXPIRY_KEY_PREFIX = 8;

  private Records() {}

  /** An entry's header; the envelope starts at {@code envelopeOffset}. */
  record Header(long expireAt, List<String> tags, byte @Nullable [] fullKey, int envelopeOffset) {}

  static byte[] entry(long expireAt, Set<String> tags, byte @Nullable [] fullKey, byte[] envelope) {
    if (tags.size() > 0xffff) {
      throw new IllegalArgumentException("tags: " + tags.size() + " (expected: at most 65535)");
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(envelope.length + 32);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(LAYOUT);
      out.writeLong(expireAt);
      out.writeShort(tags.size());
      for (String tag : tags) {
        out.writeUTF(tag);
      }
      out.writeInt(fullKey == null ? 0 : fullKey.length);
      if (fullKey != null) {
        out.write(fullKey);
      }
      out.write(envelope);
    } catch (IOException e) {
      // only a tag longer than 65535 bytes in modified UTF-8 gets here
      throw new IllegalArgumentException("tag too long: " + e.getMessage(), e);
    }
    return bytes.toByteArray();
  }

  /**
   * Parses an entry's header.
   *
   * @throws IllegalArgumentException if the bytes are not an entry of this layout
   */
  static Header header(byte[] entry) {
    if (entry.length == 0 || entry[0] != LAYOUT) {
      throw new IllegalArgumentException(
          "not an entry of layout "
              + LAYOUT
              + " (first byte "
              + (entry.length == 0 ? "none" : entry[0])
              + ")");
    }
    ByteArrayInputStream bytes = new ByteArrayInputStream(entry);
    try (DataInputStream in = new DataInputStream(bytes)) {
      in.readByte();
      long expireAt = in.readLong();
      int count = in.readUnsignedShort();
      List<String> tags = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        tags.add(in.readUTF());
      }
      int keyLength = in.readInt();
      if (keyLength < 0 || keyLength > bytes.available()) {
        throw new IllegalArgumentException("bad full key length " + keyLength);
      }
      byte[] fullKey = null;
      if (keyLength > 0) {
        fullKey = new byte[keyLength];
        in.readFully(fullKey);
      }
      return new Header(expireAt, List.copyOf(tags), fullKey, entry.length - bytes.available());
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated entry header", e);
    }
  }

  static byte[] envelope(byte[] entry, Header header) {
    return Arrays.copyOfRange(entry, header.envelopeOffset(), entry.length);
  }

  static byte[] expiryKey(long expireAt, byte[] storedKey) {
    byte[] k = new byte[EXPIRY_KEY_PREFIX + storedKey.length];
    putLong(k, 0, expireAt ^ Long.MIN_VALUE);
    System.arraycopy(storedKey, 0, k, EXPIRY_KEY_PREFIX, storedKey.length);
    return k;
  }

  /** The smallest expiry key of entries expiring at {@code expireAt}. */
  static byte[] expiryBound(long expireAt) {
    byte[] k = new byte[EXPIRY_KEY_PREFIX];
    putLong(k, 0, expireAt ^ Long.MIN_VALUE);
    return k;
  }

  static long expireAtOf(byte[] expiryKey) {
    return getLong(expiryKey, 0) ^ Long.MIN_VALUE;
  }

  static byte[] storedKeyOf(byte[] expiryKey) {
    return Arrays.copyOfRange(expiryKey, EXPIRY_KEY_PREFIX, expiryKey.length);
  }

  static byte[] tagPrefix(String tag) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(tag.length() + 2);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF(tag);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  static boolean startsWith(byte[] bytes, byte[] prefix) {
    return bytes.length >= prefix.length
        && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
  }

  static byte[] longBytes(long v) {
    byte[] b = new byte[8];
    putLong(b, 0, v);
    return b;
  }

  static long getLong(byte[] b, int at) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = v << 8 | (b[at + i] & 0xff);
    }
    return v;
  }

  private static void putLong(byte[] b, int at, long v) {
    for (int i = 7; i >= 0; i--) {
      b[at + i] = (byte) v;
      v >>>= 8;
    }
  }
}
