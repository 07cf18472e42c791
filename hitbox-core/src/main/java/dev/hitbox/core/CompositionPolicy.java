package dev.hitbox.core;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * The read, write and refill policies of a {@link CompositeBackend}. Immutable and thread-safe.
 *
 * <pre>{@code
 * Backend tiers = caffeine.compose(redis, CompositionPolicy.builder()
 *     .read(ReadPolicy.RACE)
 *     .refill(RefillPolicy.ALWAYS)
 *     .build());
 * }</pre>
 */
public final class CompositionPolicy {
  private static final CompositionPolicy DEFAULTS =
      new CompositionPolicy(
          ReadPolicy.SEQUENTIAL, WritePolicy.OPTIMISTIC_PARALLEL, RefillPolicy.NEVER);

  private final ReadPolicy read;
  private final WritePolicy write;
  private final RefillPolicy refill;

  private CompositionPolicy(ReadPolicy read, WritePolicy write, RefillPolicy refill) {
    this.read = read;
    this.write = write;
    this.refill = refill;
  }

  /** {@code Sequential} reads, {@code OptimisticParallel} writes, {@code Never} refill. */
  public static CompositionPolicy defaults() {
    return DEFAULTS;
  }

  /** The given policies. */
  public static CompositionPolicy of(ReadPolicy read, WritePolicy write, RefillPolicy refill) {
    return new CompositionPolicy(
        requireNonNull(read, "read"),
        requireNonNull(write, "write"),
        requireNonNull(refill, "refill"));
  }

  /** Starts from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The read policy. */
  public ReadPolicy read() {
    return read;
  }

  /** The write policy. */
  public WritePolicy write() {
    return write;
  }

  /** The refill policy. */
  public RefillPolicy refill() {
    return refill;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof CompositionPolicy p
        && p.read == read
        && p.write == write
        && p.refill == refill;
  }

  @Override
  public int hashCode() {
    return (read.hashCode() * 31 + write.hashCode()) * 31 + refill.hashCode();
  }

  @Override
  public String toString() {
    return "CompositionPolicy{read="
        + read.configName()
        + ", write="
        + write.configName()
        + ", refill="
        + refill.configName()
        + '}';
  }

  /** Builds a {@link CompositionPolicy}; not thread-safe. */
  public static final class Builder {
    private ReadPolicy read = DEFAULTS.read;
    private WritePolicy write = DEFAULTS.write;
    private RefillPolicy refill = DEFAULTS.refill;

    private Builder() {}

    /** Sets the read policy (default {@link ReadPolicy#SEQUENTIAL}). */
    public Builder read(ReadPolicy read) {
      this.read = requireNonNull(read, "read");
      return this;
    }

    /** Sets the write policy (default {@link WritePolicy#OPTIMISTIC_PARALLEL}). */
    public Builder write(WritePolicy write) {
      this.write = requireNonNull(write, "write");
      return this;
    }

    /** Sets the refill policy (default {@link RefillPolicy#NEVER}). */
    public Builder refill(RefillPolicy refill) {
      this.refill = requireNonNull(refill, "refill");
      return this;
    }

    /** Builds the policy. */
    public CompositionPolicy build() {
      return new CompositionPolicy(read, write, refill);
    }
  }
}
