package dev.hitbox.formats;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.spi.ValueCodec;
import java.util.List;
import org.msgpack.jackson.dataformat.MessagePackFactory;

/**
 * The value formats: how a user's values become the payload of a stored envelope.
 *
 * <table>
 *   <caption>Formats</caption>
 *   <tr><th>name</th><th>id</th><th>what</th></tr>
 *   <tr><td>{@code Bincode}</td><td>6</td><td>compact, fastest binary (Kryo, registered classes
 *       only)</td></tr>
 *   <tr><td>{@code Json}</td><td>3</td><td>readable text (Jackson)</td></tr>
 *   <tr><td>{@code MessagePack}</td><td>4</td><td>compact binary JSON model (Jackson)</td></tr>
 *   <tr><td>{@code Cbor}</td><td>5</td><td>compact binary JSON model, RFC 8949 (Jackson)</td></tr>
 *   <tr><td>{@code Bytes}</td><td>1</td><td>{@code byte[]} as they are</td></tr>
 * </table>
 *
 * <p>The Jackson formats ignore unknown properties (so adding a field to a type keeps old entries
 * readable) and reject trailing data; Jackson's polymorphic typing is off, so stored bytes choose
 * no classes. Every codec is thread-safe.
 *
 * <pre>{@code
 * ValueCodec<User> users = Formats.bincode(User.class, Address.class);
 * ValueCodec<User> readable = Formats.json(User.class).withSchemaVersion(2);
 * ValueCodec<User> configured = Formats.byName("MessagePack").codec(User.class);
 * }</pre>
 */
public final class Formats {
  static final byte JSON_ID = 3;
  static final byte MESSAGE_PACK_ID = 4;
  static final byte CBOR_ID = 5;
  static final byte BINCODE_ID = 6;

  private static final String EXPECTED =
      "(expected one of: Bincode, Json, MessagePack, Cbor, Bytes)";
  private static final List<String> RUST_ONLY = List.of("Rkyv", "Ron");

  private static final ObjectMapper JSON = configure(JsonMapper.builder().build());
  // The MessagePack parser fails at the end of input when asked for a trailing token: the codec
  // checks for trailing data itself (MessagePackScan).
  private static final ObjectMapper MESSAGE_PACK =
      configure(new ObjectMapper(new MessagePackFactory()))
          .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final ObjectMapper CBOR = configure(CBORMapper.builder().build());

  private Formats() {}

  private static ObjectMapper configure(ObjectMapper mapper) {
    mapper.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    return mapper;
  }

  /** JSON through a default Jackson mapper. */
  public static <T> ValueCodec<T> json(Class<T> type) {
    return new JacksonCodec<>("Json", JSON_ID, requireNonNull(type, "type"), JSON);
  }

  /**
   * JSON through your own Jackson mapper (modules, naming strategies). Do not enable default typing
   * on it: stored bytes would then choose which classes to create.
   */
  public static <T> ValueCodec<T> json(Class<T> type, ObjectMapper mapper) {
    return new JacksonCodec<>(
        "Json", JSON_ID, requireNonNull(type, "type"), requireNonNull(mapper, "mapper"));
  }

  /** MessagePack through Jackson. */
  public static <T> ValueCodec<T> messagePack(Class<T> type) {
    return new JacksonCodec<>(
        "MessagePack", MESSAGE_PACK_ID, requireNonNull(type, "type"), MESSAGE_PACK);
  }

  /** CBOR (RFC 8949) through Jackson. */
  public static <T> ValueCodec<T> cbor(Class<T> type) {
    return new JacksonCodec<>("Cbor", CBOR_ID, requireNonNull(type, "type"), CBOR);
  }

  /**
   * Bincode: our fastest and most compact format, Kryo with registration required. Only {@code
   * type}, the classes listed here and common JDK types (collections, {@code List.of} and friends,
   * arrays of primitives and strings, {@code BigDecimal}, {@code BigInteger}, {@code UUID}, {@code
   * java.time} values) can be written or read, so bytes from an untrusted store can never create
   * any other class.
   *
   * <p>List every class that appears in your values: nested types, enums, and concrete collection
   * classes other than the common ones. The order of {@code registrations} fixes the ids on the
   * wire: every process sharing a cache must list the same classes in the same order, and a change
   * of the list is a new schema ({@link ValueCodec#withSchemaVersion}).
   *
   * @throws ConfigurationException if a class cannot be registered
   */
  public static <T> ValueCodec<T> bincode(Class<T> type, Class<?>... registrations) {
    requireNonNull(type, "type");
    requireNonNull(registrations, "registrations");
    List<Class<?>> all = new java.util.ArrayList<>(registrations.length + 1);
    all.add(type);
    for (Class<?> c : registrations) {
      all.add(requireNonNull(c, "registration"));
    }
    try {
      return new KryoCodec<>(type, List.copyOf(all));
    } catch (RuntimeException e) {
      throw new ConfigurationException(
          "Bincode registrations: " + all + " (" + e.getMessage() + ")");
    }
  }

  /** {@code byte[]} as they are, for callers that already hold bytes (the HTTP layer). */
  public static ValueCodec<byte[]> bytes() {
    return ValueCodec.bytes();
  }

  /**
   * The format named {@code name} in configuration: {@code Bincode}, {@code Json}, {@code
   * MessagePack}, {@code Cbor} or {@code Bytes}.
   *
   * @throws ConfigurationException for the Rust-only {@code Rkyv} and {@code Ron}, and for unknown
   *     names, naming the formats there are
   */
  public static ValueFormat byName(String name) {
    requireNonNull(name, "name");
    for (ValueFormat f : ValueFormat.ALL) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    if (RUST_ONLY.contains(name)) {
      throw new ConfigurationException("value format " + name + " is Rust-only " + EXPECTED);
    }
    throw new ConfigurationException("value format: " + name + " " + EXPECTED);
  }
}
