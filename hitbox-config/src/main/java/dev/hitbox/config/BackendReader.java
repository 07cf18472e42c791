package dev.hitbox.config;

import dev.hitbox.config.internal.Fields;
import dev.hitbox.config.internal.Value;
import dev.hitbox.config.spi.BackendProvider;
import dev.hitbox.config.spi.BackendSettings;
import dev.hitbox.core.CompositionPolicy;
import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.KeyFormat;
import dev.hitbox.core.ReadPolicy;
import dev.hitbox.core.RefillPolicy;
import dev.hitbox.core.WritePolicy;
import dev.hitbox.formats.Compressors;
import dev.hitbox.formats.Formats;
import dev.hitbox.formats.ValueFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** Reads {@code backend:} sections, nested compositions included. */
final class BackendReader {
  /** The deepest nesting of compositions accepted. */
  static final int MAX_DEPTH = 8;

  static final ValueFormat DEFAULT_FORMAT = Formats.byName("Bincode");

  /** The backend of endpoints that name none: in memory, 10,000 entries. */
  static final BackendConfig DEFAULT =
      new BackendConfig(
          "Caffeine",
          null,
          KeyFormat.URL_ENCODED,
          DEFAULT_FORMAT,
          CompressionConfig.NONE,
          new CaffeineProvider.Settings(CaffeineProvider.DEFAULT_MAX_CAPACITY, 0));

  private static final String FORMATS = "Bincode, Json, MessagePack, Cbor, Bytes";

  private final BackendTypes types;

  BackendReader(BackendTypes types) {
    this.types = types;
  }

  /** Where a backend states its value format and compression, for tiers to agree. */
  private record ValueSpec(
      ValueFormat format, CompressionConfig compression, @Nullable Value declaredAt) {
    boolean sameAs(ValueSpec o) {
      return format.name().equals(o.format.name()) && compression.equals(o.compression);
    }

    String describe() {
      return format.name()
          + ", compression "
          + compression.type()
          + (compression.level().isPresent() ? " level " + compression.level().getAsInt() : "")
          + (compression.threshold() != CompressionConfig.DEFAULT_THRESHOLD
              ? " threshold " + compression.threshold()
              : "");
    }
  }

  private record Read(BackendConfig config, List<ValueSpec> declared) {}

  BackendConfig read(Value v) {
    return read(v, 0).config();
  }

  private Read read(Value v, int depth) {
    List<String> names = types.names();
    if (depth > MAX_DEPTH) {
      throw v.invalid("compositions nested at most " + MAX_DEPTH + " deep");
    }
    Fields f = v.fields("a backend: a mapping with a type (" + String.join(", ", names) + ")");
    Value typeValue = f.require("type", "a backend type, one of: " + String.join(", ", names));
    String type = typeValue.text("a backend type, one of: " + String.join(", ", names));
    if (type.equals(BackendTypes.COMPOSITION)) {
      return composition(f, depth);
    }
    Optional<BackendProvider> provider = types.provider(type);
    if (provider.isEmpty()) {
      Optional<String> module = types.missingModule(type);
      if (module.isPresent()) {
        throw typeValue.problem(
            typeValue.display() + " (" + module.get() + " is not on the classpath)");
      }
      typeValue.oneOf(names);
      throw typeValue.invalid("one of: " + String.join(", ", names));
    }
    String name = name(f);
    KeyFormat key = key(f);
    ValueSpec value = value(f);
    BackendSettings settings;
    try {
      settings = provider.get().read(f);
    } catch (ConfigException e) {
      throw f.misspelt().orElse(e);
    } catch (ConfigurationException e) {
      throw f.misspelt().orElseGet(() -> f.self().wrap(e));
    } catch (RuntimeException e) {
      throw f.self().problem("the " + type + " backend failed to read its settings: " + e);
    }
    if (settings == null) {
      throw f.self().problem("the " + type + " backend read no settings");
    }
    f.finish();
    BackendConfig config =
        new BackendConfig(
            types.canonical(type), name, key, value.format(), value.compression(), settings);
    return new Read(config, value.declaredAt() == null ? List.of() : List.of(value));
  }

  private Read composition(Fields f, int depth) {
    f.only(
        "type", "name", "l1", "l2", "policy", "tier_timeout", "coherent", "value", "compression");
    String name = name(f);
    ValueSpec own = value(f);
    Read l1 = read(f.require("l1", "the first tier: a backend mapping"), depth + 1);
    Read l2 = read(f.require("l2", "the second tier: a backend mapping"), depth + 1);
    CompositionPolicy policy = CompositionPolicy.defaults();
    Optional<Value> policyValue = f.get("policy").filter(p -> !p.isNull());
    if (policyValue.isPresent()) {
      Fields p = policyValue.get().fields("a mapping with read, write and refill");
      p.only("read", "write", "refill");
      ReadPolicy read =
          policy(p, "read", ReadPolicy.values(), ReadPolicy::configName, policy.read());
      WritePolicy write =
          policy(p, "write", WritePolicy.values(), WritePolicy::configName, policy.write());
      RefillPolicy refill =
          policy(p, "refill", RefillPolicy.values(), RefillPolicy::configName, policy.refill());
      policy = CompositionPolicy.of(read, write, refill);
    }
    Duration tierTimeout =
        f.get("tier_timeout")
            .filter(t -> !t.isNull())
            .map(
                t ->
                    t.duration(
                        Duration.ofMillis(1), "a positive duration such as 50ms (default 50ms)"))
            .orElse(null);
    Optional<Value> coherentValue = f.get("coherent").filter(c -> !c.isNull());
    boolean coherent = coherentValue.isPresent() && coherentValue.get().bool("true or false");
    if (coherent
        && !l1.config().settings().offersInvalidationBus()
        && !l2.config().settings().offersInvalidationBus()) {
      throw coherentValue
          .get()
          .problem(
              "true (expected: false, unless l1 or l2 is a backend that carries invalidations"
                  + " between processes, such as type Redis)");
    }

    List<ValueSpec> declared = new ArrayList<>();
    if (own.declaredAt() != null) {
      declared.add(own);
    }
    declared.addAll(l1.declared());
    declared.addAll(l2.declared());
    ValueSpec effective = declared.isEmpty() ? own : declared.get(0);
    for (ValueSpec d : declared) {
      if (!d.sameAs(effective)) {
        Value at = d.declaredAt();
        Value first = effective.declaredAt();
        throw at.problem(
            d.describe()
                + " (expected: "
                + effective.describe()
                + " as at "
                + (first == null ? "" : first.path())
                + ": the tiers of a composition store the same bytes)");
      }
    }
    BackendConfig config =
        new BackendConfig(
            BackendTypes.COMPOSITION,
            name,
            KeyFormat.URL_ENCODED,
            effective.format(),
            effective.compression(),
            new CompositionSettings(l1.config(), l2.config(), policy, tierTimeout, coherent));
    return new Read(config, declared);
  }

  private static <E> E policy(
      Fields p, String key, E[] values, Function<E, String> nameOf, E fallback) {
    Optional<Value> v = p.get(key).filter(x -> !x.isNull());
    if (v.isEmpty()) {
      return fallback;
    }
    List<String> names = new ArrayList<>();
    for (E e : values) {
      names.add(nameOf.apply(e));
    }
    String chosen = v.get().oneOf(names);
    return values[names.indexOf(chosen)];
  }

  private static @Nullable String name(Fields f) {
    return f.get("name")
        .filter(n -> !n.isNull())
        .map(n -> n.nonBlank("a name for metrics, e.g. redis-sessions"))
        .orElse(null);
  }

  private static KeyFormat key(Fields f) {
    Optional<Value> v = f.get("key").filter(k -> !k.isNull());
    if (v.isEmpty()) {
      return KeyFormat.URL_ENCODED;
    }
    if (v.get().isScalar()) {
      return keyFormat(v.get());
    }
    Fields k = v.get().fields("a key format (Bitcode, UrlEncoded), or {format, max_length}");
    k.only("format", "max_length");
    KeyFormat format =
        k.get("format")
            .filter(x -> !x.isNull())
            .map(BackendReader::keyFormat)
            .orElse(KeyFormat.URL_ENCODED);
    Optional<Value> max = k.get("max_length").filter(x -> !x.isNull());
    if (max.isPresent()) {
      long n =
          max.get()
              .integer(
                  KeyFormat.MIN_MAX_LENGTH,
                  Integer.MAX_VALUE,
                  "an integer of at least " + KeyFormat.MIN_MAX_LENGTH + " (default 250)");
      format = format.withMaxLength((int) n);
    }
    return format;
  }

  private static KeyFormat keyFormat(Value v) {
    return KeyFormat.byName(v.oneOf(List.of("Bitcode", "UrlEncoded")));
  }

  private static ValueSpec value(Fields f) {
    Optional<Value> valueValue = f.get("value").filter(x -> !x.isNull());
    Optional<Value> outerCompression = f.get("compression").filter(x -> !x.isNull());
    ValueFormat format = DEFAULT_FORMAT;
    Optional<Value> innerCompression = Optional.empty();
    if (valueValue.isPresent()) {
      Value v = valueValue.get();
      if (v.isScalar()) {
        format = format(v);
      } else {
        Fields vf = v.fields("a value format (" + FORMATS + "), or {format, compression}");
        vf.only("format", "compression");
        Optional<Value> fv = vf.get("format").filter(x -> !x.isNull());
        if (fv.isPresent()) {
          format = format(fv.get());
        }
        innerCompression = vf.get("compression").filter(x -> !x.isNull());
      }
    }
    if (innerCompression.isPresent() && outerCompression.isPresent()) {
      throw outerCompression
          .get()
          .problem(
              "compression given twice (expected: either value.compression or compression, not"
                  + " both)");
    }
    Optional<Value> compression = innerCompression.or(() -> outerCompression);
    CompressionConfig c =
        compression.map(BackendReader::compression).orElse(CompressionConfig.NONE);
    Value declaredAt = valueValue.or(() -> outerCompression).orElse(null);
    return new ValueSpec(format, c, declaredAt);
  }

  private static ValueFormat format(Value v) {
    String name = v.text("a value format, one of: " + FORMATS);
    try {
      return Formats.byName(name);
    } catch (ConfigurationException e) {
      throw v.wrap(e);
    }
  }

  private static CompressionConfig compression(Value v) {
    String expectedType = "a compression type, one of: Zstd, Gzip, Lz4, None";
    if (v.isScalar()) {
      return new CompressionConfig(
          compressionType(v, expectedType),
          OptionalInt.empty(),
          CompressionConfig.DEFAULT_THRESHOLD);
    }
    Fields c = v.fields("a compression type (Zstd, Gzip, Lz4, None), or {type, level, threshold}");
    c.only("type", "level", "threshold");
    Value typeValue = c.require("type", expectedType);
    String type = compressionType(typeValue, expectedType);
    OptionalInt level = OptionalInt.empty();
    Optional<Value> levelValue = c.get("level").filter(x -> !x.isNull());
    if (levelValue.isPresent()) {
      String expected =
          switch (type) {
            case "Zstd" -> "an integer from -7 to 22 (default 3)";
            case "Gzip" -> "an integer from 0 to 9 (default 6)";
            default -> "no level: " + type + " has none";
          };
      int n = (int) levelValue.get().integer(-1000, 1000, expected);
      try {
        Compressors.byName(type, n);
      } catch (ConfigurationException e) {
        throw levelValue.get().invalid(expected);
      }
      level = OptionalInt.of(n);
    }
    int threshold =
        c.get("threshold")
            .filter(x -> !x.isNull())
            .map(
                t ->
                    (int)
                        t.integer(
                            0,
                            Integer.MAX_VALUE,
                            "a number of bytes, 0 or more (default "
                                + CompressionConfig.DEFAULT_THRESHOLD
                                + ")"))
            .orElse(CompressionConfig.DEFAULT_THRESHOLD);
    return new CompressionConfig(type, level, threshold);
  }

  private static String compressionType(Value v, String expected) {
    v.text(expected);
    return v.oneOf(List.of("Zstd", "Gzip", "Lz4", "None"));
  }
}
