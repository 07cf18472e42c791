package dev.hitbox.core;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How a backend that stores keys as bytes or strings (Redis, Memcached, RocksDB, ...) encodes a
 * {@link CacheKey}, and decodes it back to match invalidation patterns client-side.
 *
 * <ul>
 *   <li>{@link #URL_ENCODED}: readable text, {@code namespace:version:name=value&name=value}, with
 *       {@code % & =}, spaces, control and non-ASCII characters percent-encoded (non-ASCII as
 *       UTF-8). An unnamed part is its value alone; an empty unnamed part is {@code =}. Example:
 *       {@code authors:0:author_id=42&page=1}.
 *   <li>{@link #BITCODE}: compact binary: a {@code 0x01} marker, then the namespace, version, part
 *       count and every part name and value, each length-prefixed with an unsigned LEB128 varint.
 *       Its {@linkplain #encodeToString string form} is URL-safe Base64 without padding.
 * </ul>
 *
 * <p>Both are injective: different keys never encode the same, because every key decodes back to
 * itself. Strings are written as UTF-8 that also keeps unpaired surrogates (WTF-8), so even
 * malformed strings stay distinct.
 *
 * <p><b>Long keys.</b> An encoding longer than {@link #maxLength()} (default {@value
 * #DEFAULT_MAX_LENGTH}, Memcached's limit) is replaced by {@code namespace:} followed by the 64 hex
 * digits of the SHA-256 of the full encoding. A hashed key cannot be decoded ({@link
 * #decode(byte[])} returns {@code null}), so pattern invalidation cannot match it; invalidation by
 * tag still works, because tags are stored with the entry, not in the key.
 *
 * <p>Immutable and thread-safe.
 *
 * <pre>{@code
 * KeyFormat format = KeyFormat.BITCODE.withMaxLength(512);
 * byte[] stored = format.encode(key);
 * CacheKey back = format.decode(stored); // null when the key was hashed
 * }</pre>
 */
public final class KeyFormat {
  /** The default {@link #maxLength()}: 250, the longest key Memcached accepts. */
  public static final int DEFAULT_MAX_LENGTH = 250;

  /**
   * The smallest {@link #maxLength()}: a hashed key of the longest namespace (128 characters), a
   * colon and 64 hex digits.
   */
  public static final int MIN_MAX_LENGTH = 128 + 1 + 64;

  /** Readable text, what pattern invalidation matches against. */
  public static final KeyFormat URL_ENCODED = new KeyFormat(Kind.URL_ENCODED, DEFAULT_MAX_LENGTH);

  /** Compact binary. */
  public static final KeyFormat BITCODE = new KeyFormat(Kind.BITCODE, DEFAULT_MAX_LENGTH);

  private static final byte BITCODE_MARKER = 0x01;
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder BASE64_DECODER = Base64.getUrlDecoder();

  private enum Kind {
    URL_ENCODED("UrlEncoded"),
    BITCODE("Bitcode");

    final String displayName;

    Kind(String displayName) {
      this.displayName = displayName;
    }
  }

  private final Kind kind;
  private final int maxLength;

  private KeyFormat(Kind kind, int maxLength) {
    this.kind = kind;
    this.maxLength = maxLength;
  }

  /**
   * The format named {@code name} in configuration: {@code UrlEncoded} or {@code Bitcode}.
   *
   * @throws ConfigurationException naming the value and the allowed ones
   */
  public static KeyFormat byName(String name) {
    requireNonNull(name, "name");
    for (Kind k : Kind.values()) {
      if (k.displayName.equals(name)) {
        return k == Kind.URL_ENCODED ? URL_ENCODED : BITCODE;
      }
    }
    throw new ConfigurationException(
        "key format: " + name + " (expected one of: UrlEncoded, Bitcode)");
  }

  /**
   * This format with another length above which keys are hashed.
   *
   * @throws ConfigurationException if {@code maxLength} is below {@value #MIN_MAX_LENGTH}
   */
  public KeyFormat withMaxLength(int maxLength) {
    if (maxLength < MIN_MAX_LENGTH) {
      throw new ConfigurationException(
          "key max_length: " + maxLength + " (expected: >= " + MIN_MAX_LENGTH + ")");
    }
    return new KeyFormat(kind, maxLength);
  }

  /** The name in configuration: {@code UrlEncoded} or {@code Bitcode}. */
  public String name() {
    return kind.displayName;
  }

  /**
   * The length (in bytes for {@link #encode}, characters for {@link #encodeToString}) above which
   * keys are hashed.
   */
  public int maxLength() {
    return maxLength;
  }

  /** Encodes a key to bytes, hashed when longer than {@link #maxLength()}. */
  public byte[] encode(CacheKey key) {
    requireNonNull(key, "key");
    byte[] full = full(key);
    if (full.length <= maxLength) {
      return full;
    }
    return hashed(key.namespace(), full).getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Encodes a key to a string of printable ASCII without spaces, hashed when longer than {@link
   * #maxLength()}: the URL-encoded text, or Bitcode in URL-safe Base64.
   */
  public String encodeToString(CacheKey key) {
    requireNonNull(key, "key");
    byte[] full = full(key);
    String s =
        kind == Kind.URL_ENCODED
            ? new String(full, StandardCharsets.US_ASCII)
            : BASE64.encodeToString(full);
    return s.length() <= maxLength ? s : hashed(key.namespace(), full);
  }

  /**
   * Decodes what {@link #encode} wrote.
   *
   * @return the key, or {@code null} when it was hashed and cannot be recovered
   * @throws IllegalArgumentException if the bytes are not a key in this format
   */
  public @Nullable CacheKey decode(byte[] encoded) {
    requireNonNull(encoded, "encoded");
    if (isHashed(encoded)) {
      return null;
    }
    return kind == Kind.URL_ENCODED ? decodeUrl(encoded) : decodeBitcode(encoded);
  }

  /**
   * Decodes what {@link #encodeToString} wrote.
   *
   * @return the key, or {@code null} when it was hashed and cannot be recovered
   * @throws IllegalArgumentException if the string is not a key in this format
   */
  public @Nullable CacheKey decode(String encoded) {
    requireNonNull(encoded, "encoded");
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        throw new IllegalArgumentException("not a " + name() + " key: character " + (int) c);
      }
    }
    byte[] ascii = encoded.getBytes(StandardCharsets.US_ASCII);
    if (isHashed(ascii)) {
      return null;
    }
    if (kind == Kind.URL_ENCODED) {
      return decodeUrl(ascii);
    }
    return decodeBitcode(BASE64_DECODER.decode(encoded));
  }

  /** Whether {@code encoded} is a hashed key ({@code namespace:} and 64 hex digits). */
  public boolean isHashed(byte[] encoded) {
    requireNonNull(encoded, "encoded");
    int colon = indexOf(encoded, (byte) ':', 0);
    if (colon < 1 || encoded.length - colon - 1 != 64) {
      return false;
    }
    for (int i = colon + 1; i < encoded.length; i++) {
      byte b = encoded[i];
      if (!(b >= '0' && b <= '9' || b >= 'a' && b <= 'f')) {
        return false;
      }
    }
    // A URL-encoded key has a second colon after the version; Bitcode starts with its marker.
    return encoded[0] != BITCODE_MARKER;
  }

  private byte[] full(CacheKey key) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    if (kind == Kind.URL_ENCODED) {
      writeAscii(key.namespace(), out);
      out.write(':');
      writeAscii(Integer.toString(key.version()), out);
      out.write(':');
      List<KeyPart> parts = key.parts();
      for (int i = 0; i < parts.size(); i++) {
        if (i > 0) {
          out.write('&');
        }
        KeyPart part = parts.get(i);
        if (part.name().isEmpty()) {
          if (part.value().isEmpty()) {
            out.write('=');
          } else {
            percentEncode(part.value(), out);
          }
        } else {
          percentEncode(part.name(), out);
          out.write('=');
          percentEncode(part.value(), out);
        }
      }
    } else {
      out.write(BITCODE_MARKER);
      byte[] ns = key.namespace().getBytes(StandardCharsets.US_ASCII);
      writeVarint(ns.length, out);
      out.write(ns, 0, ns.length);
      writeVarint(key.version(), out);
      writeVarint(key.parts().size(), out);
      ByteArrayOutputStream tmp = new ByteArrayOutputStream(32);
      for (KeyPart part : key.parts()) {
        writeString(part.name(), out, tmp);
        writeString(part.value(), out, tmp);
      }
    }
    return out.toByteArray();
  }

  private static String hashed(String namespace, byte[] full) {
    byte[] digest;
    try {
      digest = MessageDigest.getInstance("SHA-256").digest(full);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    StringBuilder sb = new StringBuilder(namespace.length() + 65).append(namespace).append(':');
    for (byte b : digest) {
      sb.append(HEX[b >> 4 & 0xf]).append(HEX[b & 0xf]);
    }
    return sb.toString();
  }

  // ---- UrlEncoded

  private static void writeAscii(String s, ByteArrayOutputStream out) {
    for (int i = 0; i < s.length(); i++) {
      out.write(s.charAt(i));
    }
  }

  private static void percentEncode(String s, ByteArrayOutputStream out) {
    ByteArrayOutputStream utf8 = new ByteArrayOutputStream(s.length() + 8);
    Wtf8.encode(s, utf8);
    for (byte b : utf8.toByteArray()) {
      int c = b & 0xff;
      if (c > 0x20 && c < 0x7f && c != '%' && c != '&' && c != '=') {
        out.write(c);
      } else {
        out.write('%');
        out.write(Character.toUpperCase(HEX[c >> 4]));
        out.write(Character.toUpperCase(HEX[c & 0xf]));
      }
    }
  }

  private static CacheKey decodeUrl(byte[] b) {
    int c1 = indexOf(b, (byte) ':', 0);
    int c2 = c1 < 0 ? -1 : indexOf(b, (byte) ':', c1 + 1);
    if (c2 < 0) {
      throw new IllegalArgumentException("not a UrlEncoded key: no namespace:version: prefix");
    }
    String namespace = namespace(new String(b, 0, c1, StandardCharsets.ISO_8859_1));
    int version = parseVersion(b, c1 + 1, c2);
    List<KeyPart> parts = new ArrayList<>();
    int start = c2 + 1;
    if (start < b.length) {
      while (true) {
        int amp = indexOf(b, (byte) '&', start);
        int end = amp < 0 ? b.length : amp;
        int eq = indexOf(b, (byte) '=', start);
        if (eq >= 0 && eq < end) {
          parts.add(new KeyPart(percentDecode(b, start, eq), percentDecode(b, eq + 1, end)));
        } else {
          parts.add(new KeyPart("", percentDecode(b, start, end)));
        }
        if (amp < 0) {
          break;
        }
        start = amp + 1;
      }
    }
    return CacheKey.of(namespace, version, parts);
  }

  private static int parseVersion(byte[] b, int from, int to) {
    if (from == to || to - from > 10) {
      throw new IllegalArgumentException("bad key version");
    }
    long v = 0;
    for (int i = from; i < to; i++) {
      if (b[i] < '0' || b[i] > '9') {
        throw new IllegalArgumentException("bad key version");
      }
      v = v * 10 + (b[i] - '0');
    }
    if (v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("bad key version");
    }
    return (int) v;
  }

  private static String percentDecode(byte[] b, int from, int to) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
    for (int i = from; i < to; i++) {
      if (b[i] == '%') {
        if (i + 2 >= to) {
          throw new IllegalArgumentException("truncated percent escape");
        }
        int hi = Character.digit(b[i + 1], 16);
        int lo = Character.digit(b[i + 2], 16);
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException("bad percent escape");
        }
        out.write(hi << 4 | lo);
        i += 2;
      } else {
        out.write(b[i]);
      }
    }
    byte[] bytes = out.toByteArray();
    return Wtf8.decode(bytes, 0, bytes.length);
  }

  // ---- Bitcode

  private static void writeVarint(int v, ByteArrayOutputStream out) {
    int x = v;
    while ((x & ~0x7f) != 0) {
      out.write(x & 0x7f | 0x80);
      x >>>= 7;
    }
    out.write(x);
  }

  private static void writeString(String s, ByteArrayOutputStream out, ByteArrayOutputStream tmp) {
    tmp.reset();
    Wtf8.encode(s, tmp);
    writeVarint(tmp.size(), out);
    out.write(tmp.toByteArray(), 0, tmp.size());
  }

  private static CacheKey decodeBitcode(byte[] b) {
    if (b.length == 0 || b[0] != BITCODE_MARKER) {
      throw new IllegalArgumentException("not a Bitcode key: bad marker");
    }
    int[] pos = {1};
    int nsLength = readVarint(b, pos);
    String namespace =
        namespace(new String(b, take(b, pos, nsLength), nsLength, StandardCharsets.ISO_8859_1));
    int version = readVarint(b, pos);
    int count = readVarint(b, pos);
    if (count > b.length) {
      throw new IllegalArgumentException("bad part count " + count);
    }
    List<KeyPart> parts = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String name = readString(b, pos);
      parts.add(new KeyPart(name, readString(b, pos)));
    }
    if (pos[0] != b.length) {
      throw new IllegalArgumentException("trailing bytes after Bitcode key");
    }
    return CacheKey.of(namespace, version, parts);
  }

  private static String readString(byte[] b, int[] pos) {
    int length = readVarint(b, pos);
    return Wtf8.decode(b, take(b, pos, length), length);
  }

  private static int take(byte[] b, int[] pos, int length) {
    int at = pos[0];
    if (length > b.length - at) {
      throw new IllegalArgumentException("truncated Bitcode key");
    }
    pos[0] = at + length;
    return at;
  }

  private static int readVarint(byte[] b, int[] pos) {
    long v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (pos[0] >= b.length) {
        throw new IllegalArgumentException("truncated Bitcode key");
      }
      int x = b[pos[0]++] & 0xff;
      v |= (long) (x & 0x7f) << shift;
      if ((x & 0x80) == 0) {
        if (v > Integer.MAX_VALUE) {
          throw new IllegalArgumentException("Bitcode varint out of range");
        }
        return (int) v;
      }
    }
    throw new IllegalArgumentException("Bitcode varint too long");
  }

  // ---- shared

  private static String namespace(String s) {
    try {
      return CacheKey.checkNamespace(s);
    } catch (ConfigurationException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static int indexOf(byte[] b, byte x, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == x) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof KeyFormat f && f.kind == kind && f.maxLength == maxLength;
  }

  @Override
  public int hashCode() {
    return kind.hashCode() * 31 + maxLength;
  }

  @Override
  public String toString() {
    return kind.displayName + "(maxLength=" + maxLength + ")";
  }
}
