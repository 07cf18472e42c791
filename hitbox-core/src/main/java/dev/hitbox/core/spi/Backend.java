package dev.hitbox.core.spi;

import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CompositeBackend;
import dev.hitbox.core.CompositionPolicy;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * Where cache entries are stored: read, write and remove bytes by key. The bytes are an envelope
 * (see {@code docs/storage-format.md}) that the engine encodes and decodes; a backend stores them
 * as they are and must never return bytes stored under another key.
 *
 * <p>Optional abilities are separate interfaces a backend may also implement: {@link
 * PatternInvalidator} and {@link TagInvalidator}. Backends combine into tiers with {@link
 * #compose(Backend)}.
 *
 * <p>Implementations must be thread-safe and must not block the calling thread: blocking clients
 * run on an executor of their own. A failure is reported through the returned stage; the engine
 * turns it into a miss or a skipped write, never a failed request.
 */
public interface Backend {

  /** A short name for metrics and logs, e.g. {@code "caffeine"} or {@code "redis"}. */
  default String name() {
    return getClass().getSimpleName();
  }

  /**
   * Reads the bytes stored under {@code key}.
   *
   * @return a stage with the stored bytes, or with {@code null} when there are none or they have
   *     expired
   */
  CompletionStage<byte @Nullable []> read(CacheKey key);

  /**
   * Stores an entry under {@code key}, replacing any previous one. The backend should drop the
   * entry no later than shortly after {@link BackendEntry#expireAt()}.
   */
  CompletionStage<Void> write(CacheKey key, BackendEntry entry);

  /**
   * Removes the entry under {@code key}.
   *
   * @return a stage with {@code true} if an entry was removed
   */
  CompletionStage<Boolean> remove(CacheKey key);

  /**
   * This backend as L1 in front of {@code l2}, with the default policies: {@code Sequential} reads,
   * {@code OptimisticParallel} writes, no refill. The result is a backend too, so tiers nest:
   * {@code l1.compose(l2.compose(l3))}.
   *
   * @see CompositeBackend
   */
  default CompositeBackend compose(Backend l2) {
    return CompositeBackend.builder(this, l2).build();
  }

  /**
   * This backend as L1 in front of {@code l2}, with the given policies. For a tier timeout or a
   * listener of per-tier errors, use {@link CompositeBackend#builder(Backend, Backend)}.
   */
  default CompositeBackend compose(Backend l2, CompositionPolicy policy) {
    return CompositeBackend.builder(this, l2).policy(policy).build();
  }
}
