package dev.hitbox.formats;

import static java.util.Objects.requireNonNull;

import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.spi.ValueCodec;
import java.util.List;

/**
 * A value format as named in configuration, which makes a {@link ValueCodec} for any type. Get one
 * with {@link Formats#byName(String)}. Immutable and thread-safe.
 */
public final class ValueFormat {
  static final ValueFormat BINCODE = new ValueFormat("Bincode", Formats.BINCODE_ID);
  static final ValueFormat JSON = new ValueFormat("Json", Formats.JSON_ID);
  static final ValueFormat MESSAGE_PACK = new ValueFormat("MessagePack", Formats.MESSAGE_PACK_ID);
  static final ValueFormat CBOR = new ValueFormat("Cbor", Formats.CBOR_ID);
  static final ValueFormat BYTES = new ValueFormat("Bytes", ValueCodec.bytes().formatId());
  static final List<ValueFormat> ALL = List.of(BINCODE, JSON, MESSAGE_PACK, CBOR, BYTES);

  private final String name;
  private final byte formatId;

  private ValueFormat(String name, byte formatId) {
    this.name = name;
    this.formatId = formatId;
  }

  /** The name in configuration, e.g. {@code MessagePack}. */
  public String name() {
    return name;
  }

  /** The id this format writes into the envelope. */
  public byte formatId() {
    return formatId;
  }

  /**
   * A codec of this format for {@code type}. For {@code Bincode} only {@code type} and the common
   * JDK types are registered; use {@link Formats#bincode(Class, Class[])} to register more.
   *
   * @throws ConfigurationException for {@code Bytes} with a type other than {@code byte[]}
   */
  @SuppressWarnings("unchecked")
  public <T> ValueCodec<T> codec(Class<T> type) {
    requireNonNull(type, "type");
    switch (name) {
      case "Bincode":
        return Formats.bincode(type);
      case "Json":
        return Formats.json(type);
      case "MessagePack":
        return Formats.messagePack(type);
      case "Cbor":
        return Formats.cbor(type);
      default:
        if (type != byte[].class) {
          throw new ConfigurationException(
              "value format Bytes stores byte[] (got: " + type.getName() + ")");
        }
        return (ValueCodec<T>) ValueCodec.bytes();
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
