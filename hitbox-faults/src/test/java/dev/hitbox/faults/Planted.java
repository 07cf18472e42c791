package dev.hitbox.faults;

import dev.hitbox.core.spi.ValueCodec;
import dev.hitbox.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

/**
 * Values planted in a backend behind the proxy's back: byte for byte what the storage format
 * (docs/storage-format.md) describes, written here by hand rather than with the engine's own
 * encoder, and then spoiled in one of several ways. Each kind must be a miss; only {@link #valid}
 * may be served.
 */
final class Planted {
  /** How a value is spoiled. */
  enum Kind {
    RANDOM_BYTES,
    EMPTY,
    MAGIC_THEN_RANDOM,
    TRUNCATED,
    FOREIGN_ENVELOPE_VERSION,
    FOREIGN_FORMAT,
    FOREIGN_SCHEMA_VERSION,
    UNKNOWN_COMPRESSION,
    TIMESTAMPS_OUT_OF_ORDER,
    PAYLOAD_LENGTH_WRONG,
    RESPONSE_TRUNCATED,
    RESPONSE_WITH_TRAILING_BYTES
  }

  /** What a planted body says, so that a response serving it is recognised. */
  static final String MARK = "planted value for ";

  private static final ValueCodec<HttpResponse> CODEC = HttpResponse.codec();

  private Planted() {}

  /** A stored response for {@code path} that is valid in every respect, with a planted body. */
  static byte[] valid(String path, long nowMillis) {
    return envelope(
        (byte) 1,
        CODEC.formatId(),
        (byte) 0,
        CODEC.schemaVersion(),
        nowMillis,
        nowMillis + 3_600_000,
        nowMillis + 3_600_000,
        response(path));
  }

  /** A value of {@code kind} for {@code path}. */
  static byte[] of(Kind kind, String path, long nowMillis, Random random) {
    long stale = nowMillis + 3_600_000;
    byte v = 1;
    byte format = CODEC.formatId();
    int schema = CODEC.schemaVersion();
    byte[] payload = response(path);
    return switch (kind) {
      case RANDOM_BYTES -> bytes(random, 1 + random.nextInt(300));
      case EMPTY -> new byte[0];
      case MAGIC_THEN_RANDOM -> {
        byte[] b = bytes(random, 2 + random.nextInt(120));
        b[0] = 'H';
        b[1] = 'B';
        yield b;
      }
      case TRUNCATED -> {
        byte[] full = valid(path, nowMillis);
        yield Arrays.copyOf(full, 1 + random.nextInt(full.length - 1));
      }
      case FOREIGN_ENVELOPE_VERSION ->
          envelope((byte) 2, format, (byte) 0, schema, nowMillis, stale, stale, payload);
      case FOREIGN_FORMAT ->
          envelope(v, (byte) 3, (byte) 0, schema, nowMillis, stale, stale, payload);
      case FOREIGN_SCHEMA_VERSION ->
          envelope(v, format, (byte) 0, schema + 1, nowMillis, stale, stale, payload);
      case UNKNOWN_COMPRESSION ->
          envelope(v, format, (byte) 9, schema, nowMillis, stale, stale, payload);
      case TIMESTAMPS_OUT_OF_ORDER ->
          envelope(v, format, (byte) 0, schema, nowMillis, stale + 1_000, stale, payload);
      case PAYLOAD_LENGTH_WRONG -> {
        byte[] full = valid(path, nowMillis);
        int at = full.length - payload.length - 4; // the payload length field
        ByteBuffer.wrap(full).putInt(at, payload.length + 1 + random.nextInt(100));
        yield full;
      }
      case RESPONSE_TRUNCATED ->
          envelope(
              v,
              format,
              (byte) 0,
              schema,
              nowMillis,
              stale,
              stale,
              Arrays.copyOf(payload, 1 + random.nextInt(payload.length - 1)));
      case RESPONSE_WITH_TRAILING_BYTES -> {
        byte[] longer = Arrays.copyOf(payload, payload.length + 1 + random.nextInt(16));
        yield envelope(v, format, (byte) 0, schema, nowMillis, stale, stale, longer);
      }
    };
  }

  /** The stored form of a 200 response with a planted body (docs/http.md, "Stored form"). */
  private static byte[] response(String path) {
    byte[] body = (MARK + path + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] name = ChecksumUpstream.SUM_HEADER.getBytes(StandardCharsets.UTF_8);
    byte[] value = ChecksumUpstream.checksum(path).getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(64 + name.length + value.length + body.length);
    b.putShort((short) 200);
    varint(b, 1);
    varint(b, name.length).put(name);
    varint(b, value.length).put(value);
    varint(b, 0); // no variant
    varint(b, body.length).put(body);
    return Arrays.copyOf(b.array(), b.position());
  }

  private static ByteBuffer varint(ByteBuffer b, int value) {
    int v = value;
    while ((v & ~0x7f) != 0) {
      b.put((byte) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    return b.put((byte) v);
  }

  /** An envelope, version 1 layout (docs/storage-format.md), without tags. */
  private static byte[] envelope(
      byte version,
      byte format,
      byte compression,
      int schema,
      long createdAt,
      long staleAt,
      long expireAt,
      byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(44 + payload.length);
    b.put((byte) 'H').put((byte) 'B').put(version).put(format).put(compression).put((byte) 0);
    b.putInt(schema);
    b.putLong(createdAt).putLong(staleAt).putLong(expireAt);
    b.putShort((short) 0);
    b.putInt(payload.length).putInt(payload.length);
    b.put(payload);
    return b.array();
  }

  private static byte[] bytes(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
