package dev.hitbox.config;

import dev.hitbox.config.internal.Fields;
import dev.hitbox.config.internal.Source;
import dev.hitbox.config.internal.Value;
import dev.hitbox.config.internal.YamlNode;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CachePolicy;
import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.StalePolicy;
import dev.hitbox.core.TimeoutPolicy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Reads a whole document into a {@link HitboxConfig}. */
final class ConfigReader {
  static final List<String> ENDPOINT_KEYS =
      List.of(
          "name",
          "request",
          "response",
          "extractors",
          "tags",
          "policy",
          "backend",
          "backend_timeout");
  static final List<String> TOP_KEYS =
      List.of(
          "listen",
          "admin",
          "admin_token",
          "upstream",
          "offload",
          "backend",
          "endpoints",
          "name",
          "request",
          "response",
          "extractors",
          "tags",
          "policy",
          "backend_timeout");

  private static final Pattern HOST_PORT =
      Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+):([0-9]{1,5})");
  private static final String HOST_PORT_EXPECTED =
      "host:port, e.g. 127.0.0.1:8080, [::1]:8080 or 0.0.0.0:8080";
  private static final String TTL_EXPECTED =
      "a positive number of seconds, or a duration such as 500ms, 5m, 1h";
  private static final String STALE_EXPECTED =
      "a number of seconds (0 or more), or a duration such as 500ms, 5m, 1h";
  private static final String POLICY_EXPECTED =
      "Disabled, or {Enabled: {ttl, stale, policy: {stale}, concurrency, stale_if_error,"
          + " early_refresh}}";
  private static final String STALE_IF_ERROR_EXPECTED =
      "a number of seconds (0 or more, 0 is off), or a duration such as 500ms, 5m, 1h";
  private static final String EARLY_REFRESH_EXPECTED =
      "a duration such as 2s or 500ms (0 is off), or {delta: duration, beta: number > 0}";
  private static final String BACKEND_TIMEOUT_EXPECTED =
      "a positive duration such as 50ms or 2s (default 50ms)";
  private static final Pattern BETA = Pattern.compile("[0-9]{1,9}(\\.[0-9]{1,9})?");

  private final BackendReader backends;

  ConfigReader(BackendTypes types) {
    this.backends = new BackendReader(types);
  }

  HitboxConfig read(@Nullable YamlNode root, Source source) {
    if (root == null) {
      throw new ConfigException(
          source.name(),
          ConfigException.DOCUMENT,
          1,
          1,
          "an empty document (expected: a mapping with endpoints, or the keys of one endpoint)");
    }
    Value doc = new Value(source, "", root);
    Fields top =
        doc.fields("a mapping with endpoints (or the keys of one endpoint), backend, listen, ...");
    top.only(TOP_KEYS.toArray(new String[0]));

    InetSocketAddress listen =
        present(top, "listen").map(ConfigReader::hostPort).orElse(HitboxConfig.DEFAULT_LISTEN);
    InetSocketAddress admin = present(top, "admin").map(ConfigReader::hostPort).orElse(null);
    String adminToken =
        present(top, "admin_token")
            .map(v -> v.nonBlank("a token, usually ${HITBOX_ADMIN_TOKEN}"))
            .orElse(null);
    URI upstream = present(top, "upstream").map(ConfigReader::url).orElse(null);
    OffloadConfig offload =
        present(top, "offload").map(ConfigReader::offload).orElse(OffloadConfig.DEFAULTS);
    BackendConfig shared =
        present(top, "backend").map(backends::read).orElse(BackendReader.DEFAULT);

    List<EndpointConfig> endpoints = new ArrayList<>();
    Optional<Value> list = top.get("endpoints");
    if (list.isPresent()) {
      for (String k : ENDPOINT_KEYS) {
        if (!k.equals("backend") && top.keys().contains(k)) {
          throw top.key(k)
              .problem(
                  "\""
                      + k
                      + "\" at the top level together with endpoints (expected: move it into an"
                      + " endpoint, or drop endpoints for a single endpoint)");
        }
      }
      String expected = "a list of endpoints, each a mapping with a name";
      List<Value> items = list.get().list(expected);
      if (items.isEmpty()) {
        throw list.get().invalid(expected);
      }
      Map<String, Value> names = new HashMap<>();
      for (Value item : items) {
        Fields f = item.fields("an endpoint: a mapping with name, request, response, ...");
        f.only(ENDPOINT_KEYS.toArray(new String[0]));
        Value nameValue = f.require("name", "the endpoint's name, e.g. authors");
        EndpointConfig e = endpoint(f, name(nameValue), shared);
        Value before = names.putIfAbsent(e.name(), nameValue);
        if (before != null) {
          throw nameValue.problem(
              nameValue.display()
                  + " (expected: a name not used by another endpoint; also at line "
                  + before.node().line()
                  + ")");
        }
        endpoints.add(e);
      }
    } else {
      String name =
          present(top, "name").map(ConfigReader::name).orElse(EndpointConfig.DEFAULT_NAME);
      endpoints.add(endpoint(top, name, shared));
    }
    return new HitboxConfig(source.name(), listen, admin, adminToken, upstream, offload, endpoints);
  }

  private static Optional<Value> present(Fields f, String key) {
    return f.get(key).filter(v -> !v.isNull());
  }

  private static String name(Value v) {
    String s = v.text("a name of 1 to 128 letters, digits, _ . -");
    try {
      return CacheKey.checkNamespace(s);
    } catch (ConfigurationException e) {
      throw v.invalid("a name of 1 to 128 letters, digits, _ . -");
    }
  }

  private EndpointConfig endpoint(Fields f, String name, BackendConfig shared) {
    List<PredicateConfig> request =
        f.get("request").map(v -> HttpRulesReader.predicates(v, true)).orElse(List.of());
    List<PredicateConfig> response =
        f.get("response").map(v -> HttpRulesReader.predicates(v, false)).orElse(List.of());
    List<ExtractorConfig> extractors =
        f.get("extractors").map(HttpRulesReader::extractors).orElse(List.of());
    List<String> tags = f.get("tags").map(HttpRulesReader::tags).orElse(List.of());
    CachePolicy policy =
        present(f, "policy").map(ConfigReader::policy).orElse(CachePolicy.builder().build());
    BackendConfig backend = present(f, "backend").map(backends::read).orElse(shared);
    Duration backendTimeout =
        present(f, "backend_timeout")
            .map(v -> v.duration(Duration.ofMillis(1), BACKEND_TIMEOUT_EXPECTED))
            .orElse(null);
    return new EndpointConfig(
        name, request, response, extractors, tags, policy, backend, backendTimeout);
  }

  // ---- policy

  static CachePolicy policy(Value v) {
    if (v.isScalar()) {
      return v.oneOf(List.of("Disabled", "Enabled")).equals("Disabled")
          ? CachePolicy.disabled()
          : CachePolicy.builder().build();
    }
    Fields f = v.fields(POLICY_EXPECTED);
    if (f.keys().size() != 1) {
      throw v.invalid("exactly one of Enabled, Disabled: " + POLICY_EXPECTED);
    }
    f.only("Enabled", "Disabled");
    Optional<Value> disabled = f.get("Disabled");
    if (disabled.isPresent()) {
      if (!disabled.get().isNull()) {
        throw disabled.get().invalid("nothing: Disabled takes no settings");
      }
      return CachePolicy.disabled();
    }
    Value enabled = f.get("Enabled").orElseThrow();
    CachePolicy.Builder b = CachePolicy.builder();
    if (enabled.isNull()) {
      return b.build();
    }
    Fields e =
        enabled.fields(
            "a mapping with ttl, stale, policy, concurrency, stale_if_error, early_refresh");
    e.only("ttl", "stale", "policy", "concurrency", "stale_if_error", "early_refresh");
    try {
      present(e, "ttl").ifPresent(t -> b.ttl(t.duration(Duration.ofMillis(1), TTL_EXPECTED)));
      present(e, "stale").ifPresent(s -> b.stale(s.duration(Duration.ZERO, STALE_EXPECTED)));
      present(e, "concurrency")
          .ifPresent(
              c ->
                  b.concurrency(
                      (int)
                          c.integer(
                              1,
                              Integer.MAX_VALUE,
                              "an integer of at least 1 (leave it out for no limit)")));
      present(e, "stale_if_error")
          .ifPresent(s -> b.staleIfError(s.duration(Duration.ZERO, STALE_IF_ERROR_EXPECTED)));
      present(e, "early_refresh").ifPresent(r -> earlyRefresh(r, b));
    } catch (ConfigException ex) {
      throw ex;
    } catch (ConfigurationException ex) {
      throw enabled.wrap(ex);
    }
    Optional<Value> inner = present(e, "policy");
    if (inner.isPresent()) {
      Fields p =
          inner.get().fields("a mapping with stale: Return, Revalidate or OffloadRevalidate");
      p.only("stale");
      Optional<Value> stale = present(p, "stale");
      if (stale.isPresent()) {
        String s = stale.get().oneOf(List.of("Return", "Revalidate", "OffloadRevalidate"));
        b.stalePolicy(
            switch (s) {
              case "Return" -> StalePolicy.RETURN;
              case "Revalidate" -> StalePolicy.REVALIDATE;
              default -> StalePolicy.OFFLOAD_REVALIDATE;
            });
      }
    }
    return b.build();
  }

  /** {@code early_refresh: 2s} or {@code early_refresh: {delta: 2s, beta: 1.5}}. */
  private static void earlyRefresh(Value v, CachePolicy.Builder b) {
    if (v.isScalar()) {
      b.earlyRefresh(v.duration(Duration.ZERO, EARLY_REFRESH_EXPECTED));
      return;
    }
    Fields f = v.fields(EARLY_REFRESH_EXPECTED);
    f.only("delta", "beta");
    Value delta =
        f.get("delta").orElseThrow(() -> v.invalid("delta is missing: " + EARLY_REFRESH_EXPECTED));
    Duration d = delta.duration(Duration.ZERO, EARLY_REFRESH_EXPECTED);
    double beta = 1.0;
    Optional<Value> betaValue = present(f, "beta");
    if (betaValue.isPresent()) {
      String expected = "a number greater than 0 such as 1 or 1.5 (default 1)";
      String text = betaValue.get().text(expected);
      if (!BETA.matcher(text).matches() || Double.parseDouble(text) <= 0) {
        throw betaValue.get().invalid(expected);
      }
      beta = Double.parseDouble(text);
    }
    b.earlyRefresh(d, beta);
  }

  // ---- offload

  static OffloadConfig offload(Value v) {
    Fields f = v.fields("a mapping with max_concurrent_tasks, timeout_policy, deduplicate");
    f.only("max_concurrent_tasks", "timeout_policy", "deduplicate");
    int max =
        present(f, "max_concurrent_tasks")
            .map(
                m ->
                    (int)
                        m.integer(
                            1,
                            Integer.MAX_VALUE,
                            "an integer of at least 1 (leave it out for no limit)"))
            .orElse(0);
    boolean deduplicate =
        present(f, "deduplicate").map(d -> d.bool("true or false (default true)")).orElse(true);
    TimeoutPolicy timeout =
        present(f, "timeout_policy").map(ConfigReader::timeoutPolicy).orElse(TimeoutPolicy.none());
    return new OffloadConfig(max, timeout, deduplicate);
  }

  private static TimeoutPolicy timeoutPolicy(Value v) {
    String expected = "None, {Cancel: duration} or {Warn: duration}, e.g. {Cancel: 30s}";
    if (v.isScalar()) {
      v.oneOf(List.of("None"));
      return TimeoutPolicy.none();
    }
    Fields f = v.fields(expected);
    if (f.keys().size() != 1) {
      throw v.invalid(expected);
    }
    f.only("None", "Cancel", "Warn");
    String kind = f.keys().iterator().next();
    Value arg = f.get(kind).orElseThrow();
    if (kind.equals("None")) {
      if (!arg.isNull()) {
        throw arg.invalid("nothing: None takes no duration");
      }
      return TimeoutPolicy.none();
    }
    Duration d =
        arg.duration(
            Duration.ofMillis(1), "a positive number of seconds, or a duration such as 30s");
    return kind.equals("Cancel") ? TimeoutPolicy.cancel(d) : TimeoutPolicy.warn(d);
  }

  // ---- proxy addresses

  static InetSocketAddress hostPort(Value v) {
    String s = v.text(HOST_PORT_EXPECTED);
    Matcher m = HOST_PORT.matcher(s);
    if (!m.matches()) {
      throw v.invalid(HOST_PORT_EXPECTED);
    }
    int port = Integer.parseInt(m.group(2));
    if (port > 65535) {
      throw v.invalid(HOST_PORT_EXPECTED + ", with a port from 0 to 65535");
    }
    String host = m.group(1);
    if (host.startsWith("[")) {
      host = host.substring(1, host.length() - 1);
    }
    return InetSocketAddress.createUnresolved(host, port);
  }

  static URI url(Value v) {
    String expected = "an http:// or https:// URL with a host, e.g. http://127.0.0.1:9000";
    String s = v.text(expected);
    URI uri;
    try {
      uri = new URI(s);
    } catch (URISyntaxException e) {
      throw v.invalid(expected);
    }
    String scheme = uri.getScheme();
    if (scheme == null
        || !(scheme.equals("http") || scheme.equals("https"))
        || uri.getHost() == null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null
        || uri.getRawUserInfo() != null
        || uri.getPort() > 65535) {
      throw v.invalid(expected + " (no query, fragment or user)");
    }
    return uri;
  }
}
