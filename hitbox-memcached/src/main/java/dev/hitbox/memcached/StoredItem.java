package dev.hitbox.memcached;

import dev.hitbox.core.BackendException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * What the backend stores under a key: a small header that says which generations the entry was
 * written under, then the engine's envelope unchanged. Big-endian:
 *
 * <pre>
 * 2  magic "hm"            1  layout version (1)
 * 8  namespace epoch       4  patterns of the namespace record seen at write time
 * 8  expireAt (epoch ms)   2  tag count n
 * n x { tag (2-byte length + modified UTF-8, as DataOutput.writeUTF), 8 generation }
 * the envelope, to the end
 * </pre>
 *
 * <p>Modified UTF-8 encodes every UTF-16 unit on its own, so two different tags (lone surrogates
 * included) never read back the same.
 */
record StoredItem(
    long epoch,
    int patterns,
    long expireAt,
    List<String> tags,
    long[] generations,
    byte[] envelope) {

  private static final int MAGIC = 0x686d; // "hm"
  private static final int VERSION = 1;

  /** The bytes to store. */
  static byte[] encode(
      long epoch, int patterns, long expireAt, List<String> tags, long[] generations, byte[] env) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(env.length + 32 + tags.size() * 24);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeShort(MAGIC);
      out.writeByte(VERSION);
      out.writeLong(epoch);
      out.writeInt(patterns);
      out.writeLong(expireAt);
      out.writeShort(tags.size());
      for (int i = 0; i < tags.size(); i++) {
        out.writeUTF(tags.get(i));
        out.writeLong(generations[i]);
      }
      out.write(env);
    } catch (IOException e) {
      // only UTFDataFormatException: a tag longer than 65,535 bytes
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Reads stored bytes.
   *
   * @throws BackendException if they were not written by this backend (another client, another
   *     layout version)
   */
  static StoredItem decode(byte[] stored) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(stored));
      int magic = in.readUnsignedShort();
      int version = in.readUnsignedByte();
      if (magic != MAGIC || version != VERSION) {
        throw new BackendException(
            "memcached item not written by Hitbox's memcached backend (layout "
                + Integer.toHexString(magic)
                + "/"
                + version
                + ")");
      }
      long epoch = in.readLong();
      int patterns = in.readInt();
      long expireAt = in.readLong();
      int n = in.readUnsignedShort();
      String[] tags = new String[n];
      long[] generations = new long[n];
      for (int i = 0; i < n; i++) {
        tags[i] = in.readUTF();
        generations[i] = in.readLong();
      }
      int rest = in.available();
      byte[] envelope = Arrays.copyOfRange(stored, stored.length - rest, stored.length);
      return new StoredItem(epoch, patterns, expireAt, List.of(tags), generations, envelope);
    } catch (IOException e) {
      throw new BackendException("truncated memcached item header", e);
    }
  }
}
