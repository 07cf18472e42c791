package dev.hitbox.http;

import dev.hitbox.core.spi.ValueCodec;
import dev.hitbox.http.internal.HopByHop;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Stores an {@link HttpResponse}: status, header fields in order, the request values it varies on,
 * body. Big-endian; a "varint" is an unsigned LEB128 integer; a string is a varint length and that
 * many UTF-8 bytes.
 *
 * <pre>
 * u16     status
 * varint  header count h, then h times: string name, string value
 * varint  variant count v, then v times: string name, u8 present (0 or 1), [string value]
 * varint  body length b, then b bytes
 * </pre>
 */
final class ResponseCodec implements ValueCodec<HttpResponse> {
  /** The format id in the envelope; 0-15 are Hitbox's own, see docs/storage-format.md. */
  static final byte FORMAT_ID = 8;

  static final ResponseCodec INSTANCE = new ResponseCodec();

  private ResponseCodec() {}

  @Override
  public byte formatId() {
    return FORMAT_ID;
  }

  @Override
  public byte[] encode(HttpResponse value) {
    HttpBody body = value.body();
    if (!body.isBuffered()) {
      throw new IllegalArgumentException("response body is a stream (expected: buffered)");
    }
    byte[] bytes = body.buffer();
    HttpHeaders headers = HopByHop.strip(value.headers());
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 64 + headers.size() * 32);
    out.write(value.status() >>> 8);
    out.write(value.status());
    writeVarint(out, headers.size());
    for (int i = 0; i < headers.size(); i++) {
      writeString(out, headers.name(i));
      writeString(out, headers.value(i));
    }
    String[] variant = value.variant();
    int pairs = variant == null ? 0 : variant.length / 2;
    writeVarint(out, pairs);
    for (int i = 0; i < pairs; i++) {
      writeString(out, variant[2 * i]);
      String v = variant[2 * i + 1];
      out.write(v == null ? 0 : 1);
      if (v != null) {
        writeString(out, v);
      }
    }
    writeVarint(out, bytes.length);
    out.write(bytes, 0, bytes.length);
    return out.toByteArray();
  }

  @Override
  public HttpResponse decode(byte[] bytes, int offset, int length) {
    Reader in = new Reader(bytes, offset, offset + length);
    int status = (in.u8() << 8) | in.u8();
    int h = in.varint();
    HttpHeaders.Builder headers = HttpHeaders.builder();
    for (int i = 0; i < h; i++) {
      headers.add(in.string(), in.string());
    }
    int v = in.varint();
    String[] variant = null;
    if (v > 0) {
      variant = new String[2 * v];
      for (int i = 0; i < v; i++) {
        variant[2 * i] = in.string();
        int present = in.u8();
        if (present > 1) {
          throw new IllegalArgumentException("variant flag: " + present + " (expected: 0 or 1)");
        }
        variant[2 * i + 1] = present == 1 ? in.string() : null;
      }
    }
    byte[] body = in.bytes(in.varint());
    if (in.pos != in.end) {
      throw new IllegalArgumentException(
          "trailing bytes: " + (in.end - in.pos) + " (expected: none)");
    }
    return HttpResponse.of(status, headers.build(), HttpBody.wrap(body)).withVariant(variant);
  }

  private static void writeVarint(ByteArrayOutputStream out, int v) {
    while ((v & ~0x7f) != 0) {
      out.write((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.write(v);
  }

  private static void writeString(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    writeVarint(out, b.length);
    out.write(b, 0, b.length);
  }

  private static final class Reader {
    private final byte[] buf;
    private int pos;
    private final int end;

    Reader(byte[] buf, int pos, int end) {
      this.buf = buf;
      this.pos = pos;
      this.end = end;
    }

    int u8() {
      if (pos >= end) {
        throw new IllegalArgumentException("truncated response at byte " + pos);
      }
      return buf[pos++] & 0xff;
    }

    int varint() {
      int v = 0;
      for (int shift = 0; shift < 35; shift += 7) {
        int b = u8();
        v |= (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          if (v < 0) {
            throw new IllegalArgumentException("length: " + (v & 0xffffffffL) + " (too large)");
          }
          return v;
        }
      }
      throw new IllegalArgumentException("varint longer than 5 bytes");
    }

    byte[] bytes(int n) {
      if (n > end - pos) {
        throw new IllegalArgumentException(
            "length: " + n + " (expected: <= " + (end - pos) + " remaining)");
      }
      byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
      pos += n;
      return b;
    }

    String string() {
      int n = varint();
      if (n > end - pos) {
        throw new IllegalArgumentException(
            "length: " + n + " (expected: <= " + (end - pos) + " remaining)");
      }
      String s = new String(buf, pos, n, StandardCharsets.UTF_8);
      pos += n;
      return s;
    }
  }

  @Override
  public String toString() {
    return "HttpResponse";
  }
}
