package dev.hitbox.formats;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers;
import com.esotericsoftware.kryo.serializers.ImmutableCollectionsSerializers;
import com.esotericsoftware.kryo.serializers.ImmutableSerializer;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import com.esotericsoftware.kryo.util.Pool;
import dev.hitbox.core.spi.ValueCodec;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import org.objenesis.strategy.StdInstantiatorStrategy;

/**
 * Bincode: Kryo with registration required, so stored bytes can only ever instantiate the
 * registered classes. Kryo instances are not thread-safe; they come from a pool. Thread-safe.
 */
final class KryoCodec<T> implements ValueCodec<T> {
  /** Registered before the user's classes, in this order: the order fixes the ids on the wire. */
  private static final List<Class<?>> COMMON =
      List.of(
          ArrayList.class,
          HashMap.class,
          LinkedHashMap.class,
          TreeMap.class,
          HashSet.class,
          LinkedHashSet.class,
          BigDecimal.class,
          BigInteger.class,
          Instant.class,
          Duration.class,
          LocalDate.class,
          LocalDateTime.class,
          OffsetDateTime.class);

  private final Class<T> type;
  private final List<Class<?>> registrations;
  private final Pool<Kryo> pool;

  KryoCodec(Class<T> type, List<Class<?>> registrations) {
    this.type = type;
    this.registrations = registrations;
    this.pool =
        new Pool<>(true, false, 4 * Runtime.getRuntime().availableProcessors()) {
          @Override
          protected Kryo create() {
            return newKryo();
          }
        };
    // Fail now, not on the first request, when a class cannot be registered.
    pool.free(pool.obtain());
  }

  private Kryo newKryo() {
    Kryo kryo = new Kryo();
    kryo.setRegistrationRequired(true);
    kryo.setReferences(false);
    // Classes without a no-arg constructor are created without calling one, as records and
    // immutable types need; only registered classes can be created at all.
    kryo.setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
    kryo.register(byte[].class, bounded(new DefaultArraySerializers.ByteArraySerializer()));
    kryo.register(int[].class, bounded(new DefaultArraySerializers.IntArraySerializer()));
    kryo.register(long[].class, bounded(new DefaultArraySerializers.LongArraySerializer()));
    kryo.register(double[].class, bounded(new DefaultArraySerializers.DoubleArraySerializer()));
    kryo.register(String[].class, bounded(new DefaultArraySerializers.StringArraySerializer()));
    for (Class<?> c : COMMON) {
      kryo.register(c);
    }
    kryo.register(UUID.class, UuidSerializer.INSTANCE);
    ImmutableCollectionsSerializers.registerSerializers(kryo);
    for (Class<?> c : registrations) {
      kryo.register(c);
    }
    return kryo;
  }

  private static <A> BoundedInput.ArraySerializer<A> bounded(Serializer<A> arrays) {
    return new BoundedInput.ArraySerializer<>(arrays);
  }

  @Override
  public byte formatId() {
    return Formats.BINCODE_ID;
  }

  @Override
  public byte[] encode(T value) {
    Kryo kryo = pool.obtain();
    try {
      Output out = new Output(256, -1);
      kryo.writeObject(out, value);
      return out.toBytes();
    } finally {
      pool.free(kryo);
    }
  }

  @Override
  public T decode(byte[] bytes, int offset, int length) {
    // Kryo resets its per-call state when a read ends, also by an exception: it can go back.
    Kryo kryo = pool.obtain();
    try {
      Input in = new BoundedInput(bytes, offset, length);
      T value = kryo.readObject(in, type);
      if (in.position() != offset + length) {
        throw new IllegalArgumentException(
            "Bincode payload has " + (offset + length - in.position()) + " bytes left over");
      }
      return value;
    } finally {
      pool.free(kryo);
    }
  }

  @Override
  public String toString() {
    return "Bincode(" + type.getSimpleName() + ")";
  }

  /** Kryo has no serializer of its own for UUIDs, and may not reach into java.util. */
  private static final class UuidSerializer extends ImmutableSerializer<UUID> {
    static final UuidSerializer INSTANCE = new UuidSerializer();

    @Override
    public void write(Kryo kryo, Output output, UUID uuid) {
      output.writeLong(uuid.getMostSignificantBits());
      output.writeLong(uuid.getLeastSignificantBits());
    }

    @Override
    public UUID read(Kryo kryo, Input input, Class<? extends UUID> type) {
      return new UUID(input.readLong(), input.readLong());
    }
  }
}
