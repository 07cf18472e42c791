package dev.hitbox.faults;

import java.time.Duration;

/**
 * The two forms of the suite. The short form runs in every build; the long form, selected with
 * {@code -Dhitbox.faults.long=true} (or {@code ./hitbox faults long}), has the sizes of the fault
 * and load acceptance criteria.
 *
 * @param killLoad how long the load lasts while a backend is killed and restarted
 * @param wrongKeyRequests requests over 10,000 keys at concurrency 256
 * @param floodKeys distinct keys of the cardinality flood
 * @param floodCapacity the bounded backend's size limit during the flood
 * @param slowLoad how long the load on a slow backend lasts
 * @param plantedValues bad values planted in Redis
 */
record Form(
    String name,
    Duration killLoad,
    int wrongKeyRequests,
    int floodKeys,
    int floodCapacity,
    Duration slowLoad,
    int plantedValues) {

  static final Form SHORT =
      new Form("short", Duration.ofSeconds(6), 10_000, 30_000, 3_000, Duration.ofSeconds(3), 2_000);

  static final Form LONG =
      new Form(
          "long",
          Duration.ofSeconds(30),
          100_000,
          1_000_000,
          10_000,
          Duration.ofSeconds(30),
          10_000);

  /** The form this run uses. */
  static Form current() {
    return Boolean.getBoolean("hitbox.faults.long") ? LONG : SHORT;
  }
}
