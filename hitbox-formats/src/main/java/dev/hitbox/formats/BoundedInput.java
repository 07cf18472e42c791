package dev.hitbox.formats;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

/**
 * A Kryo {@link Input} over one byte array that refuses a string or collection length the bytes
 * left cannot hold, before Kryo allocates for it. Without it, 30 corrupt bytes claiming a string of
 * two billion characters make Kryo allocate gigabytes.
 *
 * <p>Every character and every element takes at least one byte on the wire, except elements of
 * types that write nothing (empty records); {@link #SLACK} leaves room for those.
 */
final class BoundedInput extends Input {
  static final int SLACK = 1 << 16;

  BoundedInput(byte[] bytes, int offset, int length) {
    super(bytes, offset, length);
  }

  /** Kryo reads the lengths of strings and collections with this method, and nothing else. */
  @Override
  public int readVarIntFlag(boolean optimizePositive) {
    int value = super.readVarIntFlag(optimizePositive);
    if (optimizePositive) {
      check(value);
    }
    return value;
  }

  void check(int length) {
    int left = limit - position;
    if (length < 0 || length - 1 > left + SLACK) {
      throw new KryoException("length " + length + " cannot fit in the " + left + " bytes left");
    }
  }

  /**
   * Checks the length prefix of an array before the wrapped serializer allocates the array. (Array
   * lengths are read with {@code readVarInt(true)}, which other values use too, so the check lives
   * here and not in the input.)
   */
  static final class ArraySerializer<T> extends Serializer<T> {
    private final Serializer<T> delegate;

    ArraySerializer(Serializer<T> delegate) {
      this.delegate = delegate;
    }

    @Override
    public void write(Kryo kryo, Output output, T array) {
      delegate.write(kryo, output, array);
    }

    @Override
    public T read(Kryo kryo, Input input, Class<? extends T> type) {
      if (input instanceof BoundedInput bounded) {
        int start = bounded.position();
        bounded.check(bounded.readVarInt(true));
        bounded.setPosition(start);
      }
      return delegate.read(kryo, input, type);
    }
  }
}
