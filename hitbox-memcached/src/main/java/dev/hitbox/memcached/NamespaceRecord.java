package dev.hitbox.memcached;

import dev.hitbox.core.BackendException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The invalidation state of one namespace on one server, stored under {@code hitbox:gen:ns:NAME}:
 * an epoch (the namespace generation, a random number) and the glob patterns invalidated since the
 * epoch began, oldest first. An entry remembers the epoch and the number of patterns it saw when it
 * was written; it is dead when the epoch has changed, or when a pattern added after it matches its
 * key. Layout, big-endian: magic {@code "hn"}, version {@code 1}, 8-byte epoch, 2-byte pattern
 * count, then each pattern as {@code DataOutput.writeUTF}.
 */
record NamespaceRecord(long epoch, List<String> patterns) {
  private static final int MAGIC = 0x686e; // "hn"
  private static final int VERSION = 1;

  /** A new epoch with no patterns. */
  static NamespaceRecord fresh(long epoch) {
    return new NamespaceRecord(epoch, List.of());
  }

  /** This record with one more pattern. */
  NamespaceRecord plus(String pattern) {
    List<String> more = new ArrayList<>(patterns.size() + 1);
    more.addAll(patterns);
    more.add(pattern);
    return new NamespaceRecord(epoch, List.copyOf(more));
  }

  byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + patterns.size() * 32);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeShort(MAGIC);
      out.writeByte(VERSION);
      out.writeLong(epoch);
      out.writeShort(patterns.size());
      for (String p : patterns) {
        out.writeUTF(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Reads a stored record.
   *
   * @throws BackendException if the bytes are not a record of this layout
   */
  static NamespaceRecord decode(byte[] stored) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(stored));
      if (in.readUnsignedShort() != MAGIC || in.readUnsignedByte() != VERSION) {
        throw new BackendException("not a Hitbox namespace record");
      }
      long epoch = in.readLong();
      int n = in.readUnsignedShort();
      List<String> patterns = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        patterns.add(in.readUTF());
      }
      if (in.available() != 0) {
        throw new BackendException("trailing bytes after a Hitbox namespace record");
      }
      return new NamespaceRecord(epoch, List.copyOf(patterns));
    } catch (IOException e) {
      throw new BackendException("truncated Hitbox namespace record", e);
    }
  }
}
