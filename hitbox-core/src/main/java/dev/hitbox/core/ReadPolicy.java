package dev.hitbox.core;

/**
 * How a {@link CompositeBackend} reads its two tiers. A tier that fails or does not answer within
 * the tier timeout counts as a miss for that tier.
 */
public enum ReadPolicy {
  /** L1 first; L2 only when L1 misses. The default: cheapest when L1 hits. */
  SEQUENTIAL("Sequential"),
  /** Both at once; the first hit wins. Lowest latency when L1 is sometimes slow. */
  RACE("Race"),
  /**
   * Both at once, waiting for both; when both hit, the entry with more remaining freshness (the
   * later {@code staleAt}, then the later {@code expireAt}) wins, L1 on a tie.
   */
  PARALLEL("Parallel");

  private final String configName;

  ReadPolicy(String configName) {
    this.configName = configName;
  }

  /** The name in configuration, e.g. {@code Sequential}. */
  public String configName() {
    return configName;
  }

  /**
   * The policy named {@code name} in configuration.
   *
   * @throws ConfigurationException naming the value and the allowed ones
   */
  public static ReadPolicy byName(String name) {
    for (ReadPolicy p : values()) {
      if (p.configName.equals(name)) {
        return p;
      }
    }
    throw new ConfigurationException(
        "read policy: " + name + " (expected one of: Sequential, Race, Parallel)");
  }
}
