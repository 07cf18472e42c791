package dev.hitbox.proxy.demo;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.function.DoublePredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo's options, validated. Everything time-related scales with {@link #duration()}, so a
 * short run still sees entries go stale, get refreshed and expire.
 *
 * @param duration how long each phase is measured
 * @param clients how many concurrent clients send requests
 * @param rate how many requests per second each client sends
 * @param keys how many catalog pages (category x page) there are
 * @param zipf the popularity skew exponent ({@code 0} is uniform)
 * @param seed the seed of every random draw
 */
record DemoOptions(Duration duration, int clients, double rate, int keys, double zipf, long seed) {

  static final Duration MIN_DURATION = Duration.ofSeconds(1);
  static final Duration MAX_DURATION = Duration.ofMinutes(10);
  static final int MAX_CLIENTS = 10_000;
  static final double MAX_TOTAL_RATE = 50_000;
  static final int MAX_KEYS = 1_000_000;
  static final double MAX_ZIPF = 5;

  /** The defaults: both phases together take about 30 seconds. */
  static final DemoOptions DEFAULTS = new DemoOptions(Duration.ofSeconds(12), 64, 30, 500, 1.0, 42);

  static final String USAGE =
      """
      Usage: ./hitbox demo [options]

      The API-gateway case study, in one process, no server needed. A simulated catalog service
      (log-normal latency: median 70 ms, p99 about 450 ms; each page's data changes every
      duration/3) is called by concurrent clients asking for catalog:{category}:{page} pages with
      Zipf popularity: first directly, then through a Hitbox cache (Caffeine, ttl duration/6, stale
      window duration/3, OFFLOAD_REVALIDATE, concurrency 1). Each phase runs duration/4 unmeasured
      while the cache fills up, then duration measured. Prints the measured numbers side by side.

      Clients are open-loop: each sends --rate requests per second (random gaps) whether or not
      its earlier requests have answered, like the many users behind a gateway. Both phases thus
      get the same offered load, so upstream calls compare fairly, and a slow answer never delays
      the requests after it (no coordinated omission). Latency is measured from the client's call
      to its answer.

      Options:
        --duration TIME  measured time per phase, 1s to 10m (default 12s; also 500ms, 1m)
        --clients N      concurrent clients, 1 to 10000 (default 64)
        --rate R         requests per second per client, > 0 (default 30; at most 50000 in total)
        --keys N         catalog pages (category x page), 1 to 1000000 (default 500)
        --zipf S         popularity skew, 0 (uniform) to 5 (default 1.0)
        --seed N         seed of the random draws (default 42)
        --http           runs the same over HTTP on 127.0.0.1: the service behind an HTTP server,
                         the cache in the real proxy (./hitbox proxy) in front of it
        -h, --help       prints this help
      """;

  private static final Pattern DECIMAL = Pattern.compile("\\d{1,9}(?:\\.\\d{1,9})?");
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9}(?:\\.\\d{1,9})?)(ms|s|m)?");

  /** How long each phase runs before it is measured, while the cache fills up. */
  Duration warmUp() {
    return duration.dividedBy(4);
  }

  /** How long a cached page is fresh. */
  Duration ttl() {
    return duration.dividedBy(6);
  }

  /** How long a cached page may be served stale after its ttl. */
  Duration stale() {
    return duration.dividedBy(3);
  }

  /** How often each page's data changes at the catalog service. */
  Duration changeInterval() {
    return duration.dividedBy(3);
  }

  /** The offered load: requests per second from all clients. */
  double totalRate() {
    return clients * rate;
  }

  /**
   * Parses command-line options; {@code --name value} and {@code --name=value} are both accepted.
   *
   * @throws IllegalArgumentException naming the bad option, the value given and what was expected
   */
  static DemoOptions parse(String... args) {
    Duration duration = DEFAULTS.duration;
    int clients = DEFAULTS.clients;
    double rate = DEFAULTS.rate;
    int keys = DEFAULTS.keys;
    double zipf = DEFAULTS.zipf;
    long seed = DEFAULTS.seed;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      switch (name) {
        case "--duration", "--clients", "--rate", "--keys", "--zipf", "--seed" -> {
          if (value == null) {
            if (i + 1 >= args.length) {
              throw new IllegalArgumentException(name + ": missing value");
            }
            value = args[++i];
          }
        }
        default ->
            throw new IllegalArgumentException(
                "unknown option '"
                    + arg
                    + "' (expected: --duration, --clients, --rate, --keys, --zipf, --seed, --help)");
      }
      switch (name) {
        case "--duration" -> duration = duration(value);
        case "--clients" -> clients = (int) integer(name, value, 1, MAX_CLIENTS);
        case "--rate" -> rate = decimal(name, value, v -> v > 0, "a number > 0");
        case "--keys" -> keys = (int) integer(name, value, 1, MAX_KEYS);
        case "--zipf" -> zipf = decimal(name, value, v -> v <= MAX_ZIPF, "a number from 0 to 5");
        default -> seed = integer(name, value, Long.MIN_VALUE, Long.MAX_VALUE);
      }
    }
    if (clients * rate > MAX_TOTAL_RATE) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "--rate: %s x %d clients = %s requests/s (expected: at most %,.0f in total)",
              plain(rate),
              clients,
              plain(clients * rate),
              MAX_TOTAL_RATE));
    }
    return new DemoOptions(duration, clients, rate, keys, zipf, seed);
  }

  private static Duration duration(String value) {
    Matcher m = DURATION.matcher(value);
    Duration d = null;
    if (m.matches()) {
      BigDecimal amount = new BigDecimal(m.group(1));
      String unit = m.group(2) == null ? "s" : m.group(2);
      BigDecimal millis =
          switch (unit) {
            case "ms" -> amount;
            case "m" -> amount.multiply(BigDecimal.valueOf(60_000));
            default -> amount.multiply(BigDecimal.valueOf(1_000));
          };
      d = Duration.ofNanos(millis.movePointRight(6).longValue());
    }
    if (d == null || d.compareTo(MIN_DURATION) < 0 || d.compareTo(MAX_DURATION) > 0) {
      throw new IllegalArgumentException(
          "--duration: " + value + " (expected: 1s to 10m, such as 12s, 1500ms or 1m)");
    }
    return d;
  }

  private static long integer(String name, String value, long min, long max) {
    long v;
    try {
      v = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          name + ": " + value + " (expected: an integer" + range(min, max) + ")", e);
    }
    if (v < min || v > max) {
      throw new IllegalArgumentException(
          name + ": " + value + " (expected:" + range(min, max) + ")");
    }
    return v;
  }

  private static String range(long min, long max) {
    if (min == Long.MIN_VALUE) {
      return "";
    }
    return max == Long.MAX_VALUE ? " >= " + min : " " + min + " to " + max;
  }

  private static double decimal(String name, String value, DoublePredicate ok, String expected) {
    double v = DECIMAL.matcher(value).matches() ? Double.parseDouble(value) : Double.NaN;
    if (Double.isNaN(v) || !ok.test(v)) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: " + expected + ")");
    }
    return v;
  }

  /** {@code 30} rather than {@code 30.0}; {@code 2.5} as is. */
  static String plain(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15
        ? Long.toString((long) v)
        : BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }
}
