package dev.hitbox.core;

/**
 * How a {@link CompositeBackend} writes its two tiers. A tier that fails or does not answer within
 * the tier timeout is skipped; it never keeps the other tier from being written.
 */
public enum WritePolicy {
  /**
   * L1, then L2 (also when L1 failed). The write succeeds only when both tiers were written: the
   * strict write-through.
   */
  SEQUENTIAL("Sequential"),
  /** Both at once, waiting for both; succeeds when any tier was written. The default. */
  OPTIMISTIC_PARALLEL("OptimisticParallel"),
  /**
   * Both at once; completes at the first success (the other write goes on in the background), or
   * fails when both failed.
   */
  RACE("Race");

  private final String configName;

  WritePolicy(String configName) {
    this.configName = configName;
  }

  /** The name in configuration, e.g. {@code OptimisticParallel}. */
  public String configName() {
    return configName;
  }

  /**
   * The policy named {@code name} in configuration.
   *
   * @throws ConfigurationException naming the value and the allowed ones
   */
  public static WritePolicy byName(String name) {
    for (WritePolicy p : values()) {
      if (p.configName.equals(name)) {
        return p;
      }
    }
    throw new ConfigurationException(
        "write policy: " + name + " (expected one of: Sequential, OptimisticParallel, Race)");
  }
}
