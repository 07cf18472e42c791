package dev.hitbox.http.config;

import static java.util.Objects.requireNonNull;

import dev.hitbox.config.CompressionConfig;
import dev.hitbox.config.EndpointConfig;
import dev.hitbox.config.ExtractorConfig;
import dev.hitbox.config.PredicateConfig;
import dev.hitbox.core.CacheKey;
import dev.hitbox.core.CacheListener;
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
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * Turns an endpoint of the YAML configuration ({@link EndpointConfig}, read by {@code
 * dev.hitbox.config.ConfigLoader}) into an {@link HttpCache}: its {@code request} rules become a
 * {@link RequestPredicate}, its {@code response} rules a {@link ResponsePredicate}, its {@code
 * extractors} an {@link HttpExtractor} chain, its {@code tags} templates a tagger, and its
 * backend's {@code compression} the entries' compressor. Stateless and thread-safe.
 *
 * <pre>{@code
 * HitboxConfig config = ConfigLoader.create().load(Path.of("hitbox.yaml"));
 * Map<BackendConfig, Backend> backends = new HashMap<>();
 * OffloadManager offload = config.offload().toBuilder().build();
 * for (EndpointConfig e : config.endpoints()) {
 *   Backend backend = backends.computeIfAbsent(e.backend(), BackendConfig::create);
 *   HttpCache cache = HttpEndpoints.cache(e, backend, CacheListener.NONE, offload);
 *   List<String> paths = HttpEndpoints.pathTemplates(e.request()); // where to route it
 * }
 * }</pre>
 *
 * <p>Needs {@code hitbox-config} on the class path.
 */
public final class HttpEndpoints {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]+)}");

  private HttpEndpoints() {}

  /**
   * The HTTP cache of an endpoint.
   *
   * @param endpoint the endpoint's configuration
   * @param backend where entries are stored, usually {@code endpoint.backend().create()} (shared
   *     between endpoints of equal backend configurations)
   * @param listener told of the cache's events
   * @param offload runs background revalidations ({@code OffloadRevalidate})
   * @throws ConfigurationException if a rule cannot be mapped (e.g. a {@code Status} among the
   *     request rules); the message names the rule but not the endpoint
   */
  public static HttpCache cache(
      EndpointConfig endpoint, Backend backend, CacheListener listener, OffloadManager offload) {
    requireNonNull(endpoint, "endpoint");
    requireNonNull(backend, "backend");
    requireNonNull(listener, "listener");
    requireNonNull(offload, "offload");
    EndpointConfig e = endpoint;
    HttpCache.Builder b =
        HttpCache.builder(e.name()).backend(backend).listener(listener).policy(e.policy());
    if (!e.request().isEmpty()) {
      b.requestPredicate(RequestPredicate.allOf(map(e.request(), HttpEndpoints::request)));
    }
    if (!e.response().isEmpty()) {
      b.responsePredicate(ResponsePredicate.allOf(map(e.response(), HttpEndpoints::response)));
    }
    if (!e.extractors().isEmpty()) {
      b.extractor(HttpExtractor.chain(map(e.extractors(), HttpEndpoints::extractor)));
    }
    BiFunction<CacheKey, HttpResponse, Set<String>> tagger =
        e.tags().isEmpty() ? null : tagger(e.tags());
    CompressionConfig compression = e.backend().compression();
    b.configure(
        eb -> {
          eb.offloadManager(offload);
          e.backendTimeout().ifPresent(eb::backendTimeout);
          if (tagger != null) {
            eb.tagger(tagger);
          }
          if (!compression.equals(CompressionConfig.NONE)) {
            eb.compressor(compression.compressor()).compressionThreshold(compression.threshold());
          }
        });
    return b.build();
  }

  /**
   * The path templates of the {@code Path} rules among {@code request}: every request the rules
   * accept matches at least one of them (of an {@code And} of several, the first is given; of an
   * {@code Or}, each branch's). Empty when the rules accept any path, e.g. when they have no {@code
   * Path} or an {@code Or} branch without one. A server maps its filter or route with these;
   * requests they let through are still checked by the cache's own predicate.
   *
   * @param request the request rules, as in {@link EndpointConfig#request()}
   */
  public static List<String> pathTemplates(List<PredicateConfig> request) {
    requireNonNull(request, "request");
    for (PredicateConfig p : request) {
      List<String> paths = paths(p);
      if (!paths.isEmpty()) {
        return paths;
      }
    }
    return List.of();
  }

  private static List<String> paths(PredicateConfig p) {
    if (p instanceof PredicateConfig.Path path) {
      return List.of(path.template());
    }
    if (p instanceof PredicateConfig.And and) {
      return pathTemplates(and.all());
    }
    if (p instanceof PredicateConfig.Or or) {
      List<String> any = new ArrayList<>();
      for (PredicateConfig child : or.any()) {
        List<String> paths = paths(child);
        if (paths.isEmpty()) {
          return List.of(); // one branch accepts any path: so does the Or
        }
        any.addAll(paths);
      }
      return List.copyOf(any);
    }
    return List.of();
  }

  private static <T, R> List<R> map(List<T> in, Function<T, R> f) {
    List<R> out = new ArrayList<>(in.size());
    for (T t : in) {
      out.add(f.apply(t));
    }
    return out;
  }

  // ---------------------------------------------------------------- predicates

  /**
   * The request predicate of one rule of {@code request:}.
   *
   * @throws ConfigurationException if the rule has no request meaning (e.g. {@code Status})
   */
  public static CachePredicate<HttpRequest> request(PredicateConfig p) {
    requireNonNull(p, "p");
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
      return RequestPredicate.allOf(map(and.all(), HttpEndpoints::request));
    } else if (p instanceof PredicateConfig.Or or) {
      return RequestPredicate.anyOf(map(or.any(), HttpEndpoints::request));
    } else if (p instanceof PredicateConfig.Not not) {
      return RequestPredicate.not(request(not.predicate()));
    }
    throw new ConfigurationException(
        "request: " + p + " (expected: Method, Path, Query, Header, Body, And, Or or Not)");
  }

  /**
   * The response predicate of one rule of {@code response:}.
   *
   * @throws ConfigurationException if the rule has no response meaning (e.g. {@code Method})
   */
  public static CachePredicate<HttpResponse> response(PredicateConfig p) {
    requireNonNull(p, "p");
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
      return ResponsePredicate.allOf(map(and.all(), HttpEndpoints::response));
    } else if (p instanceof PredicateConfig.Or or) {
      return ResponsePredicate.anyOf(map(or.any(), HttpEndpoints::response));
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

  /**
   * The key extractor of one item of {@code extractors:}, with its transforms.
   *
   * @throws ConfigurationException if a regex does not compile
   */
  public static HttpExtractor extractor(ExtractorConfig x) {
    requireNonNull(x, "x");
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
   * The tagger of {@code tags:} templates: tags from templates such as {@code author:{author_id}}:
   * each placeholder takes the value of the key part of that name; a template whose placeholder the
   * key lacks gives no tag.
   *
   * @param templates the templates, as in {@link EndpointConfig#tags()}
   */
  public static BiFunction<CacheKey, HttpResponse, Set<String>> tagger(List<String> templates) {
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
}
