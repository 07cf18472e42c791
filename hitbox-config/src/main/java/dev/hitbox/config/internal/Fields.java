package dev.hitbox.config.internal;

import dev.hitbox.config.ConfigException;
import dev.hitbox.config.spi.ConfigNode;
import dev.hitbox.core.ConfigurationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The keys of one YAML mapping. Every key asked for becomes an allowed key; {@link #finish()}
 * rejects the others, and {@link #only(String...)} declares the allowed keys up front and rejects
 * the others at once.
 */
public final class Fields implements ConfigNode {
  private final Value self;
  private final Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
  private final Set<String> known = new LinkedHashSet<>();
  private final List<Fields> children = new ArrayList<>();

  Fields(Value self, YamlNode.Mapping mapping) {
    this.self = self;
    for (YamlNode.Entry e : mapping.entries()) {
      entries.put(e.key().value(), e);
    }
  }

  /** The mapping itself. */
  public Value self() {
    return self;
  }

  /** The keys present, in document order. */
  public Set<String> keys() {
    return entries.keySet();
  }

  /** Whether {@code key} is present; makes it an allowed key. */
  public boolean has(String key) {
    known.add(key);
    return entries.containsKey(key);
  }

  /** The value at {@code key}; makes it an allowed key. Absent when missing (not when null). */
  public Optional<Value> get(String key) {
    known.add(key);
    YamlNode.Entry e = entries.get(key);
    return e == null ? Optional.empty() : Optional.of(at(e));
  }

  /** The value at {@code key}, which must be present and not null. */
  public Value require(String key, String expected) {
    Value v = get(key).orElseThrow(() -> missing(key, expected));
    if (v.isNull()) {
      throw v.invalid(expected);
    }
    return v;
  }

  /** Every entry as a value, in document order; makes every key allowed. */
  public List<Map.Entry<String, Value>> all() {
    List<Map.Entry<String, Value>> out = new ArrayList<>(entries.size());
    for (YamlNode.Entry e : entries.values()) {
      known.add(e.key().value());
      out.add(Map.entry(e.key().value(), at(e)));
    }
    return out;
  }

  /** The key node of {@code key}, as a value, for errors about the key itself. */
  public Value key(String key) {
    YamlNode.Entry e = entries.get(key);
    if (e == null) {
      return self;
    }
    return new Value(self.source(), Value.child(self.rawPath(), key), e.key());
  }

  private Value at(YamlNode.Entry e) {
    return new Value(self.source(), Value.child(self.rawPath(), e.key().value()), e.value());
  }

  /** An error for a key that is missing from this mapping. */
  public ConfigException missing(String key, String expected) {
    YamlNode n = self.node();
    return new ConfigException(
        self.source().name(),
        Value.child(self.rawPath(), key),
        n.line(),
        n.column(),
        "missing (expected: " + expected + ")");
  }

  /** Allows exactly {@code keys} and rejects any other key now. */
  public Fields only(String... keys) {
    known.addAll(List.of(keys));
    finish();
    return this;
  }

  /**
   * Rejects keys that were never asked for, here and in the mappings handed out by {@link
   * #mapping}.
   */
  public void finish() {
    for (YamlNode.Entry e : entries.values()) {
      String k = e.key().value();
      if (!known.contains(k)) {
        throw unknown(k);
      }
    }
    for (Fields child : children) {
      child.finish();
    }
  }

  /**
   * The first unknown key that looks like a misspelling of an allowed one, as an error: a better
   * report than a missing key when the reader stopped early.
   */
  public Optional<ConfigException> misspelt() {
    for (YamlNode.Entry e : entries.values()) {
      String k = e.key().value();
      if (!known.contains(k) && nearest(k) != null) {
        return Optional.of(unknown(k));
      }
    }
    return Optional.empty();
  }

  private ConfigException unknown(String k) {
    StringBuilder reason =
        new StringBuilder("unknown key \"").append(Value.escape(k)).append("\" (expected ");
    if (known.isEmpty()) {
      reason.append("no keys here");
    } else {
      reason.append("one of: ").append(String.join(", ", known));
      String near = nearest(k);
      if (near != null) {
        reason.append("; did you mean ").append(near).append('?');
      }
    }
    reason.append(')');
    return key(k).problem(reason.toString());
  }

  private @org.jspecify.annotations.Nullable String nearest(String k) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    String lower = k.toLowerCase(Locale.ROOT);
    for (String candidate : known) {
      int d = distance(lower, candidate.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    return bestDistance <= Math.max(1, Math.min(3, k.length() / 3)) ? best : null;
  }

  private static int distance(String a, String b) {
    if (Math.abs(a.length() - b.length()) > 3 || a.length() > 64 || b.length() > 64) {
      return Integer.MAX_VALUE;
    }
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  // ---- ConfigNode, for backend providers

  @Override
  public String path() {
    return self.path();
  }

  private Optional<Value> present(String key) {
    return get(key).filter(v -> !v.isNull());
  }

  @Override
  public Optional<String> string(String key) {
    return present(key).map(v -> v.text("text"));
  }

  @Override
  public OptionalLong integer(String key, long min, long max) {
    Optional<Value> v = present(key);
    return v.isEmpty()
        ? OptionalLong.empty()
        : OptionalLong.of(v.get().integer(min, max, range(min, max)));
  }

  private static String range(long min, long max) {
    return max == Long.MAX_VALUE || max == Integer.MAX_VALUE
        ? "an integer of at least " + min
        : "an integer from " + min + " to " + max;
  }

  @Override
  public Optional<Duration> duration(String key) {
    return present(key)
        .map(
            v ->
                v.duration(
                    Duration.ZERO, "a number of seconds, or a duration such as 500ms, 5m, 1h"));
  }

  @Override
  public OptionalLong size(String key) {
    Optional<Value> v = present(key);
    return v.isEmpty()
        ? OptionalLong.empty()
        : OptionalLong.of(
            v.get().bytes(0, "a number of bytes, or a size such as 64KB, 64MiB, 1GB"));
  }

  @Override
  public Optional<Boolean> bool(String key) {
    return present(key).map(v -> v.bool("true or false"));
  }

  @Override
  public Optional<String> oneOf(String key, List<String> allowed) {
    return present(key).map(v -> v.oneOf(allowed));
  }

  @Override
  public List<String> strings(String key) {
    Optional<Value> v = present(key);
    if (v.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (Value item : v.get().listOrOne()) {
      out.add(item.text("text, or a list of texts"));
    }
    return List.copyOf(out);
  }

  @Override
  public Optional<ConfigNode> mapping(String key) {
    return present(key).map(v -> child(v.fields("a mapping")));
  }

  @Override
  public List<ConfigNode> mappings(String key) {
    Optional<Value> v = present(key);
    if (v.isEmpty()) {
      return List.of();
    }
    List<ConfigNode> out = new ArrayList<>();
    for (Value item : v.get().list("a list of mappings")) {
      out.add(child(item.fields("a mapping")));
    }
    return List.copyOf(out);
  }

  private Fields child(Fields f) {
    children.add(f);
    return f;
  }

  @Override
  public ConfigException invalid(String key, String expected) {
    Optional<Value> v = get(key);
    return v.isPresent() ? v.get().invalid(expected) : missing(key, expected);
  }

  @Override
  public ConfigException refused(String key, ConfigurationException error) {
    Optional<Value> v = get(key);
    return v.isPresent() ? v.get().wrap(error) : self.wrap(error);
  }
}
