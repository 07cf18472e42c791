package dev.hitbox.benchmarks.formats;

import dev.hitbox.core.spi.ValueCodec;
import java.util.Arrays;
import org.apache.fory.Fory;
import org.apache.fory.ThreadSafeFory;
import org.apache.fory.config.Language;

/**
 * Apache Fory with class registration required: the candidate measured against Kryo for Bincode.
 * Not shipped; the benchmark only compares it.
 */
final class ForyCodec<T> implements ValueCodec<T> {
  private final Class<T> type;
  private final ThreadSafeFory fory;

  ForyCodec(Class<T> type, Class<?>... registrations) {
    this.type = type;
    this.fory =
        Fory.builder()
            .withLanguage(Language.JAVA)
            .requireClassRegistration(true)
            .withRefTracking(false)
            .buildThreadSafeFory();
    for (Class<?> c : registrations) {
      fory.register(c);
    }
  }

  @Override
  public byte formatId() {
    return 100;
  }

  @Override
  public byte[] encode(T value) {
    return fory.serialize(value);
  }

  @Override
  public T decode(byte[] bytes, int offset, int length) {
    byte[] b =
        offset == 0 && length == bytes.length
            ? bytes
            : Arrays.copyOfRange(bytes, offset, offset + length);
    return type.cast(fory.deserialize(b));
  }
}
