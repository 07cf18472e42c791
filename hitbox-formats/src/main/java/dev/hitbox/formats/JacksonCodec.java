package dev.hitbox.formats;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.hitbox.core.spi.ValueCodec;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A value format on a Jackson {@link ObjectMapper}: Json, MessagePack or Cbor. Thread-safe. */
final class JacksonCodec<T> implements ValueCodec<T> {
  private final String name;
  private final byte formatId;
  private final Class<T> type;
  private final ObjectReader reader;
  private final ObjectWriter writer;
  private final boolean scanMessagePack;

  JacksonCodec(String name, byte formatId, Class<T> type, ObjectMapper mapper) {
    this.name = name;
    this.scanMessagePack = formatId == Formats.MESSAGE_PACK_ID;
    this.formatId = formatId;
    this.type = type;
    this.reader = mapper.readerFor(type);
    this.writer = mapper.writerFor(type);
  }

  @Override
  public byte formatId() {
    return formatId;
  }

  @Override
  public byte[] encode(T value) {
    try {
      return writer.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(name + " cannot encode " + type.getName(), e);
    }
  }

  @Override
  public T decode(byte[] bytes, int offset, int length) {
    if (scanMessagePack) {
      MessagePackScan.check(bytes, offset, length);
    }
    try {
      return reader.readValue(bytes, offset, length);
    } catch (IOException e) {
      throw new UncheckedIOException(name + " cannot decode " + type.getName(), e);
    }
  }

  @Override
  public String toString() {
    return name + "(" + type.getSimpleName() + ")";
  }
}
