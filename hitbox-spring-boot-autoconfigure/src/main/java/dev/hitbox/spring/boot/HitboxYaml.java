package dev.hitbox.spring.boot;

import dev.hitbox.config.ConfigException;
import dev.hitbox.config.ConfigLoader;
import dev.hitbox.config.HitboxConfig;
import dev.hitbox.core.ConfigurationException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;

/**
 * The {@code hitbox.*} properties of a Spring {@link Environment} read as the YAML configuration of
 * {@code hitbox-config}: the property names ({@code hitbox.endpoints[0].request[1].Path}) are put
 * back into a tree of maps and lists, with their keys as written, and the tree is given to {@link
 * ConfigLoader#parse} as text. So {@code application.yml} takes the same keys as a Hitbox YAML
 * file, and its errors are the same, with the key path under {@code hitbox.}.
 *
 * <p>The Spring-only keys ({@code hitbox.cache.*}, and {@code url-patterns} and {@code order} of
 * each endpoint) are left out; {@link HitboxProperties} binds them.
 *
 * <p>Of several property sources, the first (highest precedence) wins for a value; a list is taken
 * whole from the first source that has any element of it, as Spring's binder does.
 */
final class HitboxYaml {
  /** The name errors give for the properties, e.g. {@code application.yml (hitbox.*)}. */
  static final String SOURCE = "application properties (hitbox.*)";

  private static final String PREFIX = "hitbox.";

  /** Keys of an endpoint that the YAML schema does not have: the servlet filter's mapping. */
  private static final Set<String> SPRING_ENDPOINT_KEYS = Set.of("urlpatterns", "order");

  /** Keys of a file that name an endpoint at the top level (the single-endpoint form). */
  private static final Set<String> ENDPOINT_KEYS =
      Set.of("endpoints", "name", "request", "response", "extractors", "tags", "policy");

  private final Map<String, Object> tree;

  private HitboxYaml(Map<String, Object> tree) {
    this.tree = tree;
  }

  /** The {@code hitbox.*} properties of {@code environment}, without the Spring-only keys. */
  static HitboxYaml of(Environment environment) {
    Map<String, Object> merged = new LinkedHashMap<>();
    if (environment instanceof ConfigurableEnvironment env) {
      for (PropertySource<?> source : env.getPropertySources()) {
        // "configurationProperties" is Spring Boot's view over all the other sources.
        if (source instanceof EnumerablePropertySource<?> e
            && !source.getName().equals("configurationProperties")) {
          merge(merged, tree(e));
        }
      }
    }
    merged.remove("cache");
    Object endpoints = merged.get("endpoints");
    if (endpoints instanceof TreeMap<?, ?> list) {
      for (Object endpoint : list.values()) {
        if (endpoint instanceof Map<?, ?> m) {
          m.keySet().removeIf(k -> SPRING_ENDPOINT_KEYS.contains(canonical(String.valueOf(k))));
        }
      }
    }
    return new HitboxYaml(merged);
  }

  /** Whether the properties name endpoints; else there are no HTTP caches to make. */
  boolean hasEndpoints() {
    return tree.keySet().stream().anyMatch(ENDPOINT_KEYS::contains);
  }

  /**
   * The configuration.
   *
   * @throws ConfigurationException naming the key under {@code hitbox.} and what is allowed
   */
  HitboxConfig config(ConfigLoader loader) {
    return parse(loader, tree);
  }

  /**
   * The configuration of the top-level keys but the endpoints: its one endpoint has the top-level
   * backend (the default one when there is none).
   */
  HitboxConfig topLevel(ConfigLoader loader) {
    Map<String, Object> top = new LinkedHashMap<>(tree);
    top.keySet().removeAll(ENDPOINT_KEYS);
    return parse(loader, top);
  }

  /** The tree as YAML (flow style, which is JSON with YAML's scalars). */
  String text() {
    StringBuilder sb = new StringBuilder();
    render(tree, sb);
    return sb.toString();
  }

  private static HitboxConfig parse(ConfigLoader loader, Map<String, Object> tree) {
    StringBuilder sb = new StringBuilder();
    render(tree, sb);
    try {
      return loader.parse(sb.toString(), SOURCE);
    } catch (ConfigException e) {
      String path = e.path().equals(ConfigException.DOCUMENT) ? "hitbox" : PREFIX + e.path();
      throw new ConfigurationException(SOURCE + ": " + path + ": " + e.reason());
    }
  }

  // ---------------------------------------------------------------- names to a tree

  /** One source's properties as a tree: maps by key, lists as maps by index (a TreeMap). */
  private static Map<String, Object> tree(EnumerablePropertySource<?> source) {
    Map<String, Object> root = new LinkedHashMap<>();
    for (String name : source.getPropertyNames()) {
      if (!name.startsWith(PREFIX)) {
        continue;
      }
      Object value = source.getProperty(name);
      if (value == null) {
        continue;
      }
      put(root, segments(name.substring(PREFIX.length()), name), value);
    }
    return root;
  }

  /**
   * The segments of a property name: {@code endpoints[0].request[1].Path} gives {@code endpoints},
   * 0, {@code request}, 1, {@code Path}; a bracketed key that is not a number ({@code Header[x.y]})
   * is a map key.
   */
  static List<Object> segments(String path, String name) {
    List<Object> out = new ArrayList<>();
    int i = 0;
    while (i < path.length()) {
      char c = path.charAt(i);
      if (c == '.') {
        i++;
      } else if (c == '[') {
        int close = path.indexOf(']', i);
        if (close < 0) {
          throw new ConfigurationException(name + ": no closing ] (expected: name[index])");
        }
        String inside = path.substring(i + 1, close);
        out.add(
            inside.chars().allMatch(Character::isDigit) && !inside.isEmpty()
                ? (Object) Integer.valueOf(inside)
                : inside);
        i = close + 1;
      } else {
        int end = i;
        while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
          end++;
        }
        out.add(path.substring(i, end));
        i = end;
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static void put(Map<String, Object> root, List<Object> segments, Object value) {
    Object node = root;
    for (int i = 0; i < segments.size(); i++) {
      Object segment = segments.get(i);
      boolean last = i == segments.size() - 1;
      Object child;
      if (segment instanceof Integer index) {
        if (!(node instanceof TreeMap<?, ?>)) {
          return; // a value and a list under one name: the value stays
        }
        TreeMap<Integer, Object> list = (TreeMap<Integer, Object>) node;
        child = last ? list.putIfAbsent(index, value) : list.get(index);
        if (!last && child == null) {
          child = container(segments.get(i + 1));
          list.put(index, child);
        }
      } else {
        if (!(node instanceof LinkedHashMap<?, ?>)) {
          return;
        }
        Map<String, Object> map = (Map<String, Object>) node;
        child = last ? map.putIfAbsent((String) segment, value) : map.get(segment);
        if (!last && child == null) {
          child = container(segments.get(i + 1));
          map.put((String) segment, child);
        }
      }
      node = child;
    }
  }

  private static Object container(Object nextSegment) {
    return nextSegment instanceof Integer ? new TreeMap<Integer, Object>() : new LinkedHashMap<>();
  }

  /** Adds what {@code lower} has and {@code higher} lacks; lists are not mixed. */
  @SuppressWarnings("unchecked")
  private static void merge(Map<String, Object> higher, Map<String, Object> lower) {
    for (Map.Entry<String, Object> e : lower.entrySet()) {
      Object mine = higher.get(e.getKey());
      if (mine == null) {
        higher.put(e.getKey(), e.getValue());
      } else if (mine instanceof LinkedHashMap<?, ?> m
          && e.getValue() instanceof LinkedHashMap<?, ?>) {
        merge((Map<String, Object>) m, (Map<String, Object>) e.getValue());
      }
    }
  }

  /** {@code url-patterns}, {@code urlPatterns} and {@code url_patterns} alike. */
  private static String canonical(String key) {
    return key.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
  }

  // ---------------------------------------------------------------- the tree as text

  private static void render(@Nullable Object node, StringBuilder sb) {
    if (node instanceof TreeMap<?, ?> list) {
      sb.append('[');
      for (Iterator<?> it = list.values().iterator(); it.hasNext(); ) {
        render(it.next(), sb);
        if (it.hasNext()) {
          sb.append(", ");
        }
      }
      sb.append(']');
    } else if (node instanceof Map<?, ?> map) {
      sb.append('{');
      for (Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<?, ?> e = it.next();
        quote(String.valueOf(e.getKey()), sb);
        sb.append(": ");
        render(e.getValue(), sb);
        if (it.hasNext()) {
          sb.append(", ");
        }
      }
      sb.append('}');
    } else if (node == null || (node instanceof CharSequence s && s.isEmpty())) {
      // Spring's YAML loader turns "Method:" (null) into "": give the YAML its null back.
      sb.append("null");
    } else if (node instanceof Number || node instanceof Boolean) {
      sb.append(node);
    } else {
      quote(node.toString(), sb);
    }
  }

  /** A double-quoted scalar: its text is taken as written, whatever it looks like. */
  private static void quote(String s, StringBuilder sb) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
