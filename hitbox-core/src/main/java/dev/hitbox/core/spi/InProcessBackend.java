package dev.hitbox.core.spi;

import dev.hitbox.core.CacheKey;
import org.jspecify.annotations.Nullable;

/**
 * An optional ability of a {@link Backend} that keeps its entries as objects in this JVM (like
 * {@code CaffeineBackend}): it hands the engine the stored {@link BackendEntry} itself, at once,
 * instead of a stage with its bytes.
 *
 * <p>This lets the engine keep what it decoded from an entry in the entry's {@linkplain
 * BackendEntry#memo() memo slot}, so that a repeated hit decodes nothing when the endpoint shares
 * decoded values (see {@code CacheEndpoint.Builder#shareDecodedValues} and {@link
 * ValueCodec#immutableValues()}), and reads without allocating a future. A write replaces the
 * stored entry object, and with it the memo, so an overwritten or removed entry's decoded value is
 * never seen again.
 *
 * <p>Implementations must be thread-safe and must not block: {@link #readEntry} is called on the
 * caller's thread, without a timeout.
 *
 * <pre>{@code
 * public @Nullable BackendEntry readEntry(CacheKey key) {
 *   return map.get(key); // the instance write(key, entry) stored
 * }
 * }</pre>
 */
public interface InProcessBackend extends Backend {

  /**
   * Returns the entry stored under {@code key}: the same {@link BackendEntry} instance that {@link
   * #write} was given (not a copy, so that its memo is kept between reads), or {@code null} when
   * there is none or it has expired. Its {@linkplain BackendEntry#bytes() bytes} are what {@link
   * #read} would complete with. Returns at once; never blocks.
   *
   * @throws RuntimeException of any kind on a failure, which the engine counts as a miss
   */
  @Nullable BackendEntry readEntry(CacheKey key);
}
