package dev.hitbox.proxy;

import dev.hitbox.config.BackendConfig;
import dev.hitbox.config.CompressionConfig;
import dev.hitbox.config.ConfigLoader;
import dev.hitbox.config.EndpointConfig;
import dev.hitbox.config.ExtractorConfig;
import dev.hitbox.config.HitboxConfig;
import dev.hitbox.config.PredicateConfig;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.ConfigurationException;
import dev.hitbox.core.KeyPart;
import dev.hitbox.core.OffloadManager;
import dev.hitbox.core.spi.Backend;
import dev.hitbox.core.spi.CachePredicate;
import dev.hitbox.http.HttpCache;
import dev.hitbox.http.HttpExtractor;
import dev.hitbox.http.HttpRequest;
import dev.hitbox.http.HttpResponse;
import dev.hitbox.http.Operation;
import dev.hitbox.http.RequestPredicate;
import dev.hitbox.http.ResponsePredicate;
import dev.hitbox.http.Transform;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * Reads the YAML of {@code hitbox-config} into a {@link ProxyConfig}: each endpoint becomes an
 * {@link HttpCache} with the HTTP predicates and extractors its rules name, and a route that
 * handles the paths of its {@code Path} rules (every request when it has none).
 *
 * <p>Across reloads it keeps one backend per distinct backend configuration, so endpoints whose
 * backend did not change keep their entries. An endpoint whose policy has a stale window serves
 * stale entries when the upstream fails (stale-if-error). Thread-safe.
 */
final class YamlConfigLoader implements ProxyConfigLoader {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]+)}");

  /** How long a backend that a reload dropped stays open for requests still using it. */
  static final java.time.Duration DROPPED_BACKEND_GRACE = java.time.Duration.ofSeconds(60);

  private final ConfigLoader loader;
  private final java.time.Duration grace;
  private Map<BackendConfig, Backend> backends = new HashMap<>(); // guarded by this

  YamlConfigLoader() {
    this(ConfigLoader.create());
  }

  YamlConfigLoader(ConfigLoader loader) {
    this(loader, DROPPED_BACKEND_GRACE);
  }

  YamlConfigLoader(ConfigLoader loader, java.time.Duration droppedBackendGrace) {
    this.loader = loader;
    this.grace = droppedBackendGrace;
  }

  @Override
  public synchronized ProxyConfig load(Path file, ProxyMetrics metrics) {
    HitboxConfig c = loader.load(file);
    ProxySettings.Builder s =
        ProxySettings.builder()
            .listen(c.listen())
            .admin(
                c.admin().orElse(ProxySettings.parseAddress("admin", ProxySettings.DEFAULT_ADMIN)))
            .adminToken(c.adminToken().orElse(null));
    if (c.upstream().isEmpty()) {
      throw new ConfigurationException(
          c.source() + ": upstream: missing (expected: a URL such as http://127.0.0.1:9000)");
    }
    s.upstream(c.upstream().get().toString());

    OffloadManager offload = c.offload().toBuilder().listener(metrics).build();
    Map<BackendConfig, Backend> kept = new HashMap<>();
    List<ProxyRoute> routes = new ArrayList<>();
    for (EndpointConfig e : c.endpoints()) {
      Backend backend =
          kept.computeIfAbsent(
              e.backend(),
              bc -> {
                Backend previous = backends.get(bc);
                return previous != null ? previous : bc.create(metrics);
              });
      try {
        routes.add(route(e, backend, metrics, offload));
      } catch (ConfigurationException ex) {
        throw new ConfigurationException(
            c.source() + ": endpoints." + e.name() + ": " + ex.getMessage());
      }
    }
    ProxyConfig config = ProxyConfig.of(s.build(), ProxyRoutes.of(routes));
    Map<BackendConfig, Backend> previous = backends;
    backends = kept; // only once everything is valid: a broken file changes nothing
    closeUnused(previous.values(), kept.values(), grace);
    return config;
  }

  /**
   * Closes the backends a reload dropped (their connections and threads), once requests still under
   * way on the old routes have had time to finish.
   */
  private static void closeUnused(
      java.util.Collection<Backend> before,
      java.util.Collection<Backend> after,
      java.time.Duration grace) {
    List<AutoCloseable> dropped = new ArrayList<>();
    for (Backend b : before) {
      if (b instanceof AutoCloseable c && after.stream().noneMatch(a -> a == b)) {
        dropped.add(c);
      }
    }
    if (dropped.isEmpty()) {
      return;
    }
    CompletableFuture.delayedExecutor(grace.toMillis(), TimeUnit.MILLISECONDS)
        .execute(
            () -> {
              for (AutoCloseable c : dropped) {
                try {
                  c.close();
                } catch (Exception e) {
                  System.getLogger("dev.hitbox.proxy")
                      .log(System.Logger.Level.WARNING, "closing a dropped backend failed", e);
                }
              }
            });
  }

  static ProxyRoute route(
      EndpointConfig e, Backend backend, ProxyMetrics metrics, OffloadManager offload) {
    HttpCache.Builder b =
        HttpCache.builder(e.name()).backend(backend).listener(metrics).policy(e.policy());
    if (!e.request().isEmpty()) {
      b.requestPredicate(RequestPredicate.allOf(map(e.request(), YamlConfigLoader::request)));
    }
    if (!e.response().isEmpty()) {
      b.responsePredicate(ResponsePredicate.allOf(map(e.response(), YamlConfigLoader::response)));
    }
    if (!e.extractors().isEmpty()) {
      b.extractor(HttpExtractor.chain(map(e.extractors(), YamlConfigLoader::extractor)));
    }
    BiFunction<CacheKey, HttpResponse, Set<String>> tagger =
        e.tags().isEmpty() ? null : tagger(e.tags());
    CompressionConfig compression = e.backend().compression();
    b.configure(
        eb -> {
          eb.offloadManager(offload);
          if (tagger != null) {
            eb.tagger(tagger);
          }
          if (!compression.equals(CompressionConfig.NONE)) {
            eb.compressor(compression.compressor()).compressionThreshold(compression.threshold());
          }
        });
    return ProxyRoute.builder(b.build())
        .matcher(matcher(e.request()))
        .staleIfError(e.policy().enabled() && !e.policy().stale().isZero())
        .build();
  }

  private static <T, R> List<R> map(List<T> in, java.util.function.Function<T, R> f) {
    List<R> out = new ArrayList<>(in.size());
    for (T t : in) {
      out.add(f.apply(t));
    }
    return out;
  }

  // ---------------------------------------------------------------- routes

  /** The paths the request rules name; every request when they name none. */
  static RequestMatcher matcher(List<PredicateConfig> request) {
    RequestMatcher m = null;
    for (PredicateConfig p : request) {
      RequestMatcher pm = pathMatcher(p);
      if (pm != null) {
        m = m == null ? pm : m.and(pm);
      }
    }
    return m == null ? RequestMatcher.any() : m;
  }

  private static @Nullable RequestMatcher pathMatcher(PredicateConfig p) {
    if (p instanceof PredicateConfig.Path path) {
      return RequestMatcher.path(path.template());
    }
    if (p instanceof PredicateConfig.And and) {
      return matcher(and.all()) == RequestMatcher.any() ? null : matcher(and.all());
    }
    if (p instanceof PredicateConfig.Or or) {
      List<RequestMatcher> any = new ArrayList<>();
      for (PredicateConfig child : or.any()) {
        RequestMatcher m = pathMatcher(child);
        if (m == null) {
          return null; // one branch matches any path: so does the Or
        }
        any.add(m);
      }
      return RequestMatcher.of(
          String.join(" or ", any.stream().map(Object::toString).toList()),
          r -> any.stream().anyMatch(m -> m.matches(r)));
    }
    return null;
  }

  // ---------------------------------------------------------------- predicates

  static CachePredicate<HttpRequest> request(PredicateConfig p) {
    if (p instanceof PredicateConfig.Method m) {
      return RequestPredicate.method(m.methods().toArray(String[]::new));
    } else if (p instanceof PredicateConfig.Path path) {
      return RequestPredicate.path(path.template());
    } else if (p instanceof PredicateConfig.Query q) {
      return RequestPredicate.query(operation(q.name(), q.operation(), q.values()));
    } else if (p instanceof PredicateConfig.Header h) {
      return RequestPredicate.header(operation(h.name(), h.operation(), h.values()));
    } else if (p instanceof PredicateConfig.BodyJq jq) {
      return RequestPredicate.bodyJq(jq.expression());
    } else if (p instanceof PredicateConfig.BodyContains bc) {
      return RequestPredicate.bodyContains(bc.text());
    } else if (p instanceof PredicateConfig.BodyRegex br) {
      return RequestPredicate.bodyRegex(br.pattern());
    } else if (p instanceof PredicateConfig.BodyLimit bl) {
      return RequestPredicate.bodyLimit(bl.bytes());
    } else if (p instanceof PredicateConfig.And and) {
      return RequestPredicate.allOf(map(and.all(), YamlConfigLoader::request));
    } else if (p instanceof PredicateConfig.Or or) {
      return RequestPredicate.anyOf(map(or.any(), YamlConfigLoader::request));
    } else if (p instanceof PredicateConfig.Not not) {
      return RequestPredicate.not(request(not.predicate()));
    }
    throw new ConfigurationException(
        "request: " + p + " (expected: Method, Path, Query, Header, Body, And, Or or Not)");
  }

  static CachePredicate<HttpResponse> response(PredicateConfig p) {
    if (p instanceof PredicateConfig.Status st) {
      List<CachePredicate<? super HttpResponse>> ranges = new ArrayList<>();
      for (PredicateConfig.Status.Range r : st.ranges()) {
        ranges.add(ResponsePredicate.statusRange(r.min(), r.max()));
      }
      return ResponsePredicate.anyOf(ranges);
    } else if (p instanceof PredicateConfig.Header h) {
      return ResponsePredicate.header(operation(h.name(), h.operation(), h.values()));
    } else if (p instanceof PredicateConfig.BodyJq jq) {
      return ResponsePredicate.bodyJq(jq.expression());
    } else if (p instanceof PredicateConfig.BodyContains bc) {
      return ResponsePredicate.bodyContains(bc.text());
    } else if (p instanceof PredicateConfig.BodyRegex br) {
      return ResponsePredicate.bodyRegex(br.pattern());
    } else if (p instanceof PredicateConfig.BodyLimit bl) {
      return ResponsePredicate.bodyLimit(bl.bytes());
    } else if (p instanceof PredicateConfig.And and) {
      return ResponsePredicate.allOf(map(and.all(), YamlConfigLoader::response));
    } else if (p instanceof PredicateConfig.Or or) {
      return ResponsePredicate.anyOf(map(or.any(), YamlConfigLoader::response));
    } else if (p instanceof PredicateConfig.Not not) {
      return ResponsePredicate.not(response(not.predicate()));
    }
    throw new ConfigurationException(
        "response: " + p + " (expected: Status, Header, Body, And, Or or Not)");
  }

  private static Operation operation(
      String name, PredicateConfig.Operation op, List<String> values) {
    return switch (op) {
      case EQ -> Operation.eq(name, values.get(0));
      case IN -> Operation.in(name, values);
      case EXIST -> Operation.exist(name);
      case CONTAINS -> Operation.contains(name, values.get(0));
      case REGEX -> Operation.regex(name, values.get(0));
    };
  }

  // ---------------------------------------------------------------- extractors

  static HttpExtractor extractor(ExtractorConfig x) {
    if (x instanceof ExtractorConfig.Method) {
      return HttpExtractor.method();
    } else if (x instanceof ExtractorConfig.Path p) {
      return HttpExtractor.path(p.template());
    } else if (x instanceof ExtractorConfig.Query q) {
      HttpExtractor e =
          q.value() == null ? HttpExtractor.query(q.name()) : queryValue(q.name(), q.value());
      return e.transform(transforms(q.transforms()));
    } else if (x instanceof ExtractorConfig.QueryStarts qs) {
      return HttpExtractor.queryPrefix(qs.prefix()).transform(transforms(qs.transforms()));
    } else if (x instanceof ExtractorConfig.Header h) {
      HttpExtractor e =
          h.value() == null
              ? HttpExtractor.header(h.name())
              : HttpExtractor.header(h.name(), h.value());
      return e.transform(transforms(h.transforms()));
    } else if (x instanceof ExtractorConfig.HeaderStarts hs) {
      return HttpExtractor.headerPrefix(hs.prefix()).transform(transforms(hs.transforms()));
    } else if (x instanceof ExtractorConfig.BodyJq jq) {
      return HttpExtractor.bodyJq(jq.expression()).transform(transforms(jq.transforms()));
    } else if (x instanceof ExtractorConfig.BodyHash) {
      return HttpExtractor.bodyHash();
    } else if (x instanceof ExtractorConfig.BodyRegex br) {
      return HttpExtractor.bodyRegex(br.pattern()).transform(transforms(br.transforms()));
    }
    throw new ConfigurationException(
        "extractors: " + x + " (expected: Method, Path, Query, Header or Body)");
  }

  /**
   * What {@code regex} finds in each value of query parameter {@code name}: group 1 if it has one,
   * else the whole match; a value it does not match is taken whole.
   */
  private static HttpExtractor queryValue(String name, String regex) {
    Pattern p;
    try {
      p = Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new ConfigurationException(
          "query "
              + name
              + " value: \""
              + regex
              + "\" (expected: a regex; "
              + e.getDescription()
              + ")");
    }
    return HttpExtractor.of(
        r -> {
          List<KeyPart> parts = new ArrayList<>();
          for (String v : r.queryAll(name)) {
            Matcher m = p.matcher(v);
            String found =
                !m.find() ? v : m.groupCount() >= 1 && m.group(1) != null ? m.group(1) : m.group();
            parts.add(KeyPart.of(name, found));
          }
          return java.util.concurrent.CompletableFuture.completedFuture(parts);
        });
  }

  private static Transform[] transforms(List<ExtractorConfig.Transform> in) {
    Transform[] out = new Transform[in.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] =
          switch (in.get(i)) {
            case HASH -> Transform.HASH;
            case LOWERCASE -> Transform.LOWERCASE;
            case UPPERCASE -> Transform.UPPERCASE;
          };
    }
    return out;
  }

  // ---------------------------------------------------------------- tags

  /**
   * Tags from templates such as {@code author:{author_id}}: each placeholder takes the value of the
   * key part of that name; a template whose placeholder the key lacks gives no tag.
   */
  static BiFunction<CacheKey, HttpResponse, Set<String>> tagger(List<String> templates) {
    List<String> copy = List.copyOf(templates);
    return (key, response) -> {
      Set<String> tags = new LinkedHashSet<>();
      for (String t : copy) {
        String tag = fill(t, key.parts());
        if (tag != null) {
          tags.add(tag);
        }
      }
      return tags;
    };
  }

  private static @Nullable String fill(String template, List<KeyPart> parts) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String value = null;
      for (KeyPart p : parts) {
        if (p.name().equals(m.group(1))) {
          value = p.value();
          break;
        }
      }
      if (value == null) {
        return null;
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(value));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  @Override
  public String toString() {
    return "YamlConfigLoader{" + loader + '}';
  }
}
