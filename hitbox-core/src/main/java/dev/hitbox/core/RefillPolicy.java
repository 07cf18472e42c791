package dev.hitbox.core;

/** Whether a {@link CompositeBackend} copies an entry found only in L2 into L1. */
public enum RefillPolicy {
  /**
   * Write an L2 hit to L1 with the entry's own absolute {@code staleAt}, {@code expireAt} and tags,
   * so it never lives longer in L1 than in L2. The refill runs off the read path.
   */
  ALWAYS("Always"),
  /** Leave L1 alone. The default. */
  NEVER("Never");

  private final String configName;

  RefillPolicy(String configName) {
    this.configName = configName;
  }

  /** The name in configuration, e.g. {@code Always}. */
  public String configName() {
    return configName;
  }

  /**
   * The policy named {@code name} in configuration.
   *
   * @throws ConfigurationException naming the value and the allowed ones
   */
  public static RefillPolicy byName(String name) {
    for (RefillPolicy p : values()) {
      if (p.configName.equals(name)) {
        return p;
      }
    }
    throw new ConfigurationException(
        "refill policy: " + name + " (expected one of: Always, Never)");
  }
}
