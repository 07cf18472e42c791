package dev.hitbox.spring.boot;

import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.StalePolicy;
import java.util.Locale;

/** Turns {@code hitbox.cache.policy} into the policy of the {@code CacheManager}'s caches. */
final class Endpoints {
  private Endpoints() {}

  /**
   * The policy; {@code defaultConcurrency} applies when the YAML names none ({@code 0}: unlimited).
   */
  static CachePolicy policy(HitboxProperties.Policy p, String where, int defaultConcurrency) {
    HitboxProperties.Enabled e = p.enabled();
    CachePolicy.Builder b = CachePolicy.builder();
    if (e == null) {
      if (defaultConcurrency > 0) {
        b.concurrency(defaultConcurrency);
      }
      return b.build();
    }
    b.ttl(e.ttl()).stale(e.stale()).stalePolicy(stalePolicy(e.policy().stale(), where));
    Integer c = e.concurrency();
    if (c != null) {
      b.concurrency(c);
    } else if (defaultConcurrency > 0) {
      b.concurrency(defaultConcurrency);
    }
    return b.build();
  }

  static StalePolicy stalePolicy(String name, String where) {
    String n = name.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    return switch (n) {
      case "return" -> StalePolicy.RETURN;
      case "revalidate" -> StalePolicy.REVALIDATE;
      case "offloadrevalidate" -> StalePolicy.OFFLOAD_REVALIDATE;
      default ->
          throw new ConfigurationException(
              where
                  + ".policy.Enabled.policy.stale: "
                  + name
                  + " (expected: Return, Revalidate or OffloadRevalidate)");
    };
  }
}
