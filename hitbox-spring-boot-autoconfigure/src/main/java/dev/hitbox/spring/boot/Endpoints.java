package dev.hitbox.spring.boot;

import dev.hitbox.caffeine.CaffeineBackend;
import dev.hitbox.core.CacheListener;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.StalePolicy;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.http.HttpCache;
import dev.hitbox.http.HttpExtractor;
import dev.hitbox.http.RequestPredicate;
import dev.hitbox.http.ResponsePredicate;
import dev.hitbox.http.StatusClass;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Turns the {@code hitbox.*} properties into backends, policies and HTTP caches. */
final class Endpoints {
  private static final String FULL_SCHEMA = "the full schema comes with hitbox-config";

  private Endpoints() {}

  static Backend backend(HitboxProperties.Backend b) {
    String type = b.type().toLowerCase(Locale.ROOT);
    if (!type.equals("caffeine") && !type.equals("moka")) {
      throw new ConfigurationException(
          "hitbox.backend.type: "
              + b.type()
              + " (expected here: Caffeine or Moka; define a Backend bean for another backend, or"
              + " wait for hitbox-config)");
    }
    return CaffeineBackend.builder().maxCapacity(b.maxCapacity()).build();
  }

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

  static String name(HitboxProperties.Endpoint e, int index) {
    String name = e.name();
    if (name == null || name.isBlank()) {
      throw new ConfigurationException(
          "hitbox.endpoints[" + index + "].name: missing (expected: a name such as authors)");
    }
    return name;
  }

  /** The endpoint's HTTP cache, without a listener. */
  static HttpCache httpCache(HitboxProperties.Endpoint e, int index, Backend backend) {
    return httpCache(e, index, backend, CacheListener.NONE);
  }

  /** The endpoint's HTTP cache, reporting to {@code listener}. */
  static HttpCache httpCache(
      HitboxProperties.Endpoint e, int index, Backend backend, CacheListener listener) {
    String where = "hitbox.endpoints[" + index + "]";
    HttpCache.Builder b =
        HttpCache.builder(name(e, index))
            .backend(backend)
            .listener(listener)
            .policy(policy(e.policy(), where, 0));
    List<RequestPredicate> request = new ArrayList<>();
    for (int i = 0; i < e.request().size(); i++) {
      request.add(requestPredicate(e.request().get(i), where + ".request[" + i + "]"));
    }
    if (!request.isEmpty()) {
      b.requestPredicate(RequestPredicate.allOf(request));
    }
    List<ResponsePredicate> response = new ArrayList<>();
    for (int i = 0; i < e.response().size(); i++) {
      response.add(responsePredicate(e.response().get(i), where + ".response[" + i + "]"));
    }
    if (!response.isEmpty()) {
      b.responsePredicate(ResponsePredicate.allOf(response));
    }
    List<HttpExtractor> extractors = new ArrayList<>();
    for (int i = 0; i < e.extractors().size(); i++) {
      extractors.add(extractor(e.extractors().get(i), where + ".extractors[" + i + "]"));
    }
    if (!extractors.isEmpty()) {
      b.extractor(HttpExtractor.chain(extractors));
    }
    return b.build();
  }

  /**
   * Where the endpoint's filter is mapped: the given patterns, else the prefix of the {@code Path}
   * predicate before its first placeholder, else everything.
   */
  static List<String> urlPatterns(HitboxProperties.Endpoint e) {
    if (!e.urlPatterns().isEmpty()) {
      return e.urlPatterns();
    }
    for (Map<String, Object> rule : e.request()) {
      for (Map.Entry<String, Object> r : rule.entrySet()) {
        if (r.getKey().equalsIgnoreCase("path") && r.getValue() instanceof String p) {
          int brace = p.indexOf('{');
          if (brace < 0) {
            return List.of(p);
          }
          int slash = p.lastIndexOf('/', brace);
          return List.of(p.substring(0, Math.max(0, slash)) + "/*");
        }
      }
    }
    return List.of("/*");
  }

  // ---------------------------------------------------------------- the YAML subset

  private static Map.Entry<String, Object> single(Map<String, Object> rule, String where) {
    if (rule.size() != 1) {
      throw new ConfigurationException(
          where + ": " + rule.keySet() + " (expected: one key per list item, such as Method: GET)");
    }
    Map.Entry<String, Object> e = rule.entrySet().iterator().next();
    return Map.entry(e.getKey().toLowerCase(Locale.ROOT), e.getValue() == null ? "" : e.getValue());
  }

  private static RequestPredicate requestPredicate(Map<String, Object> rule, String where) {
    Map.Entry<String, Object> e = single(rule, where);
    return switch (e.getKey()) {
      case "method" -> RequestPredicate.method(strings(e.getValue(), where).toArray(new String[0]));
      case "path" -> RequestPredicate.path(string(e.getValue(), where));
      default -> throw unsupported(where, e.getKey(), "Method, Path");
    };
  }

  private static ResponsePredicate responsePredicate(Map<String, Object> rule, String where) {
    Map.Entry<String, Object> e = single(rule, where);
    if (!e.getKey().equals("status")) {
      throw unsupported(where, e.getKey(), "Status");
    }
    List<String> values = strings(e.getValue(), where);
    if (values.size() == 1 && !values.get(0).chars().allMatch(Character::isDigit)) {
      String v = values.get(0).replace("_", "").toLowerCase(Locale.ROOT);
      for (StatusClass c : StatusClass.values()) {
        if (c.name().replace("_", "").toLowerCase(Locale.ROOT).equals(v)) {
          return ResponsePredicate.statusClass(c);
        }
      }
      throw new ConfigurationException(
          where
              + ".Status: "
              + values.get(0)
              + " (expected: a status code, a list of them, or one of Informational, Success,"
              + " Redirect, ClientError, ServerError)");
    }
    int[] codes = new int[values.size()];
    for (int i = 0; i < codes.length; i++) {
      try {
        codes[i] = Integer.parseInt(values.get(i).trim());
      } catch (NumberFormatException x) {
        throw new ConfigurationException(
            where + ".Status: " + values.get(i) + " (expected: a status code such as 200)");
      }
    }
    return ResponsePredicate.statusIn(codes);
  }

  private static HttpExtractor extractor(Map<String, Object> rule, String where) {
    Map.Entry<String, Object> e = single(rule, where);
    return switch (e.getKey()) {
      case "method" -> HttpExtractor.method();
      case "path" -> HttpExtractor.path(string(e.getValue(), where));
      case "query" -> HttpExtractor.query(string(e.getValue(), where));
      case "header" -> HttpExtractor.header(string(e.getValue(), where));
      default -> throw unsupported(where, e.getKey(), "Method, Path, Query, Header");
    };
  }

  private static ConfigurationException unsupported(String where, String key, String supported) {
    return new ConfigurationException(
        where + ": " + key + " (supported here: " + supported + "; " + FULL_SCHEMA + ")");
  }

  private static String string(Object value, String where) {
    if (value instanceof String s && !s.isEmpty()) {
      return s;
    }
    if (value instanceof Number n) {
      return n.toString();
    }
    throw new ConfigurationException(where + ": " + value + " (expected: a text value)");
  }

  /**
   * A scalar or a list: Spring binds a YAML list inside a map as a map of indexes, or gives a
   * comma-separated text; all three are accepted.
   */
  static List<String> strings(Object value, String where) {
    List<String> out = new ArrayList<>();
    if (value instanceof Map<?, ?> m) {
      for (Object v : indexed(m, where).values()) {
        out.add(String.valueOf(v).trim());
      }
    } else if (value instanceof Collection<?> c) {
      c.forEach(v -> out.add(String.valueOf(v).trim()));
    } else {
      for (String part : String.valueOf(value).split(",")) {
        if (!part.isBlank()) {
          out.add(part.trim());
        }
      }
    }
    if (out.isEmpty()) {
      throw new ConfigurationException(where + ": " + value + " (expected: a value or a list)");
    }
    return out;
  }

  private static Map<Integer, Object> indexed(Map<?, ?> m, String where) {
    Map<Integer, Object> byIndex = new TreeMap<>();
    for (Map.Entry<?, ?> e : m.entrySet()) {
      String k = String.valueOf(e.getKey()).replace("[", "").replace("]", "");
      try {
        byIndex.put(Integer.parseInt(k), e.getValue());
      } catch (NumberFormatException x) {
        throw new ConfigurationException(where + ": " + m + " (expected: a value or a list)");
      }
    }
    return byIndex;
  }
}
