package dev.hitbox.config;

import dev.hitbox.config.ExtractorConfig.Transform;
import dev.hitbox.config.PredicateConfig.Operation;
import dev.hitbox.config.internal.Fields;
import dev.hitbox.config.internal.Value;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Reads {@code request:}, {@code response:}, {@code extractors:} and {@code tags:}. */
final class HttpRulesReader {
  /** The deepest nesting of And, Or and Not accepted. */
  static final int MAX_DEPTH = 16;

  static final List<String> REQUEST_RULES =
      List.of("Method", "Path", "Query", "Header", "Body", "And", "Or", "Not");
  static final List<String> RESPONSE_RULES =
      List.of("Status", "Header", "Body", "And", "Or", "Not");
  static final List<String> EXTRACTORS = List.of("Method", "Path", "Query", "Header", "Body");
  static final List<String> STATUS_CLASSES =
      List.of("Informational", "Success", "Redirect", "ClientError", "ServerError");

  private static final Pattern METHOD = Pattern.compile("[A-Z][A-Z0-9_-]{0,31}");
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final Pattern PARAM = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern TAG_PART = Pattern.compile("[A-Za-z0-9_.-]+");
  private static final String PATH_EXPECTED =
      "a path template starting with /, with {name} parameters, e.g. /v1/authors/{author_id}";
  private static final String MATCH_EXPECTED =
      "a value, a list of values, or one of {eq: v}, {in: [a, b]}, {exist: true}, {contains: text},"
          + " {regex: pattern}";

  private HttpRulesReader() {}

  // ---- predicates

  static List<PredicateConfig> predicates(Value v, boolean request) {
    if (v.isNull()) {
      return List.of();
    }
    List<PredicateConfig> out = new ArrayList<>();
    for (Value item : v.listOrOne()) {
      out.add(rule(item, request, 0));
    }
    return List.copyOf(out);
  }

  private static PredicateConfig rule(Value v, boolean request, int depth) {
    List<String> kinds = request ? REQUEST_RULES : RESPONSE_RULES;
    String expected =
        "a rule, one of: " + String.join(", ", kinds) + " (e.g. {" + kinds.get(0) + ": ...})";
    if (depth > MAX_DEPTH) {
      throw v.invalid("And, Or and Not nested at most " + MAX_DEPTH + " deep");
    }
    Fields f = v.fields(expected);
    if (f.keys().isEmpty()) {
      throw v.invalid(expected);
    }
    for (String k : f.keys()) {
      if (!kinds.contains(k) && (REQUEST_RULES.contains(k) || RESPONSE_RULES.contains(k))) {
        throw f.key(k)
            .problem(
                "\""
                    + k
                    + "\" is a "
                    + (request ? "response" : "request")
                    + " rule (expected here: one of "
                    + String.join(", ", kinds)
                    + ")");
      }
    }
    f.only(kinds.toArray(new String[0]));
    List<PredicateConfig> parts = new ArrayList<>();
    for (Map.Entry<String, Value> e : f.all()) {
      Value arg = e.getValue();
      switch (e.getKey()) {
        case "Method" -> parts.add(new PredicateConfig.Method(methods(arg)));
        case "Path" -> parts.add(new PredicateConfig.Path(template(arg)));
        case "Query" -> parts.add(fieldRules(arg, false));
        case "Header" -> parts.add(fieldRules(arg, true));
        case "Body" -> parts.add(body(arg));
        case "Status" -> parts.add(status(arg));
        case "And" -> parts.add(new PredicateConfig.And(rules(arg, request, depth)));
        case "Or" -> parts.add(new PredicateConfig.Or(rules(arg, request, depth)));
        default -> parts.add(not(arg, request, depth));
      }
    }
    return parts.size() == 1 ? parts.get(0) : new PredicateConfig.And(parts);
  }

  private static List<PredicateConfig> rules(Value v, boolean request, int depth) {
    if (v.isNull() || (v.isSequence() && v.list("a list").isEmpty())) {
      throw v.invalid("a list of one or more rules");
    }
    List<PredicateConfig> out = new ArrayList<>();
    for (Value item : v.listOrOne()) {
      out.add(rule(item, request, depth + 1));
    }
    return out;
  }

  private static PredicateConfig not(Value v, boolean request, int depth) {
    List<PredicateConfig> inner = rules(v, request, depth);
    return new PredicateConfig.Not(
        inner.size() == 1 ? inner.get(0) : new PredicateConfig.And(inner));
  }

  private static List<String> methods(Value v) {
    String expected =
        "an HTTP method such as GET, a list such as [GET, HEAD], {eq: GET} or {in: [GET, HEAD]}";
    List<Value> items;
    if (v.isMapping()) {
      Fields f = v.fields(expected).only("eq", "in");
      Value op = single(f, expected);
      items = op.isSequence() ? op.list(expected) : List.of(op);
    } else if (v.isNull()) {
      throw v.invalid(expected);
    } else {
      items = v.listOrOne();
    }
    if (items.isEmpty()) {
      throw v.invalid(expected);
    }
    List<String> out = new ArrayList<>();
    for (Value item : items) {
      String m = item.text(expected);
      if (!METHOD.matcher(m).matches()) {
        String upper = m.toUpperCase(Locale.ROOT);
        throw item.invalid(
            METHOD.matcher(upper).matches()
                ? "an HTTP method in upper case (methods are case-sensitive), did you mean "
                    + upper
                    + "?"
                : "an HTTP method such as GET, HEAD, POST");
      }
      out.add(m);
    }
    return out;
  }

  /** The one entry of a mapping that allows exactly one of its keys. */
  private static Value single(Fields f, String expected) {
    if (f.keys().size() != 1) {
      throw f.self().invalid("exactly one of: " + expected);
    }
    String k = f.keys().iterator().next();
    return f.get(k).orElseThrow();
  }

  private static PredicateConfig fieldRules(Value v, boolean header) {
    String expected =
        header
            ? "a mapping of header names to values, e.g. {x-api-key: secret}"
            : "a mapping of query parameters to values, e.g. {page: 1}";
    Fields f = v.fields(expected);
    if (f.keys().isEmpty()) {
      throw v.invalid(expected);
    }
    List<PredicateConfig> out = new ArrayList<>();
    for (Map.Entry<String, Value> e : f.all()) {
      String name = e.getKey();
      if (header) {
        if (!TOKEN.matcher(name).matches()) {
          throw f.key(name)
              .problem(
                  "\"" + Value.escape(name) + "\" (expected: a header name such as x-api-key)");
        }
        name = name.toLowerCase(Locale.ROOT);
      } else if (name.isEmpty()) {
        throw f.key(name).problem("an empty name (expected: a query parameter name)");
      }
      Value m = e.getValue();
      Operation op;
      List<String> values;
      if (m.isScalar()) {
        op = Operation.EQ;
        values = List.of(m.text(MATCH_EXPECTED));
      } else if (m.isSequence()) {
        op = Operation.IN;
        values = texts(m, MATCH_EXPECTED);
      } else if (m.isMapping()) {
        Fields mf = m.fields(MATCH_EXPECTED).only("eq", "in", "exist", "contains", "regex");
        Value arg = single(mf, "eq, in, exist, contains, regex");
        String k = mf.keys().iterator().next();
        switch (k) {
          case "eq" -> {
            op = Operation.EQ;
            values = List.of(arg.text("a value"));
          }
          case "in" -> {
            op = Operation.IN;
            values = texts(arg, "a list of one or more values");
          }
          case "exist" -> {
            if (!arg.bool("true (use Not to require that it is absent)")) {
              throw arg.invalid("true (use Not to require that it is absent)");
            }
            op = Operation.EXIST;
            values = List.of();
          }
          case "contains" -> {
            op = Operation.CONTAINS;
            values = List.of(nonEmpty(arg, "the text to look for"));
          }
          default -> {
            op = Operation.REGEX;
            values = List.of(regex(arg));
          }
        }
      } else {
        throw m.invalid(MATCH_EXPECTED);
      }
      out.add(
          header
              ? new PredicateConfig.Header(name, op, values)
              : new PredicateConfig.Query(name, op, values));
    }
    return out.size() == 1 ? out.get(0) : new PredicateConfig.And(out);
  }

  private static List<String> texts(Value v, String expected) {
    List<String> out = new ArrayList<>();
    for (Value item : v.listOrOne()) {
      out.add(item.text(expected));
    }
    if (out.isEmpty()) {
      throw v.invalid(expected);
    }
    return out;
  }

  private static PredicateConfig body(Value v) {
    String expected =
        "one or more of {jq: expression}, {contains: text}, {regex: pattern}, {limit: bytes}";
    Fields f = v.fields(expected);
    if (f.keys().isEmpty()) {
      throw v.invalid(expected);
    }
    f.only("jq", "contains", "regex", "limit");
    List<PredicateConfig> out = new ArrayList<>();
    for (Map.Entry<String, Value> e : f.all()) {
      Value arg = e.getValue();
      out.add(
          switch (e.getKey()) {
            case "jq" ->
                new PredicateConfig.BodyJq(
                    arg.nonBlank("a jq expression such as '.kind == \"query\"'"));
            case "contains" ->
                new PredicateConfig.BodyContains(nonEmpty(arg, "the text to look for"));
            case "regex" -> new PredicateConfig.BodyRegex(regex(arg));
            default ->
                new PredicateConfig.BodyLimit(
                    arg.bytes(0, "a number of bytes, or a size such as 64KiB, 1MiB"));
          });
    }
    return out.size() == 1 ? out.get(0) : new PredicateConfig.And(out);
  }

  private static PredicateConfig status(Value v) {
    String expected =
        "a status code from 100 to 599, a class ("
            + String.join(", ", STATUS_CLASSES)
            + "), a list of them, {eq: code}, {in: [codes]} or {range: [from, to]}";
    List<PredicateConfig.Status.Range> ranges = new ArrayList<>();
    if (v.isMapping()) {
      Fields f = v.fields(expected).only("eq", "in", "range");
      Value arg = single(f, "eq, in, range");
      String k = f.keys().iterator().next();
      if (k.equals("range")) {
        List<Value> ends = arg.isSequence() ? arg.list(expected) : List.of();
        if (ends.size() != 2) {
          throw arg.invalid("two status codes [from, to], e.g. [200, 299]");
        }
        int from = code(ends.get(0));
        int to = code(ends.get(1));
        if (from > to) {
          throw ends.get(1).invalid("a status code of at least " + from + " (the range's start)");
        }
        ranges.add(new PredicateConfig.Status.Range(from, to));
      } else {
        if (k.equals("eq") && !arg.isScalar()) {
          throw arg.invalid("one status code or class");
        }
        if (arg.isSequence() && arg.list(expected).isEmpty()) {
          throw arg.invalid("a list of one or more status codes");
        }
        for (Value item : arg.listOrOne()) {
          ranges.add(statusItem(item, expected));
        }
      }
    } else {
      if (v.isNull() || (v.isSequence() && v.list(expected).isEmpty())) {
        throw v.invalid(expected);
      }
      for (Value item : v.listOrOne()) {
        ranges.add(statusItem(item, expected));
      }
    }
    return new PredicateConfig.Status(ranges);
  }

  private static PredicateConfig.Status.Range statusItem(Value v, String expected) {
    String s = v.text(expected);
    if (!s.isEmpty()
        && (Character.isDigit(s.charAt(0)) || s.charAt(0) == '-' || s.charAt(0) == '+')) {
      int c = code(v);
      return new PredicateConfig.Status.Range(c, c);
    }
    return switch (v.oneOf(STATUS_CLASSES)) {
      case "Informational" -> new PredicateConfig.Status.Range(100, 199);
      case "Success" -> new PredicateConfig.Status.Range(200, 299);
      case "Redirect" -> new PredicateConfig.Status.Range(300, 399);
      case "ClientError" -> new PredicateConfig.Status.Range(400, 499);
      default -> new PredicateConfig.Status.Range(500, 599);
    };
  }

  private static int code(Value v) {
    return (int) v.integer(100, 599, "a status code from 100 to 599");
  }

  // ---- extractors

  static List<ExtractorConfig> extractors(Value v) {
    if (v.isNull()) {
      return List.of();
    }
    List<ExtractorConfig> out = new ArrayList<>();
    for (Value item : v.listOrOne()) {
      String expected =
          "a key part, one of: " + String.join(", ", EXTRACTORS) + " (e.g. {Query: page})";
      Fields f = item.fields(expected);
      if (f.keys().isEmpty()) {
        throw item.invalid(expected);
      }
      for (String k : f.keys()) {
        if (k.equals("Status") || k.equals("And") || k.equals("Or") || k.equals("Not")) {
          throw f.key(k)
              .problem(
                  "\""
                      + k
                      + "\" is a rule, not a key part (expected here: one of "
                      + String.join(", ", EXTRACTORS)
                      + ")");
        }
      }
      f.only(EXTRACTORS.toArray(new String[0]));
      for (Map.Entry<String, Value> e : f.all()) {
        out.add(extractor(e.getKey(), e.getValue()));
      }
    }
    return List.copyOf(out);
  }

  private static ExtractorConfig extractor(String kind, Value v) {
    switch (kind) {
      case "Method":
        if (!v.isNull() && !(v.isMapping() && v.fields("nothing").keys().isEmpty())) {
          throw v.invalid("nothing: Method takes no argument (write \"- Method:\")");
        }
        return new ExtractorConfig.Method();
      case "Path":
        return new ExtractorConfig.Path(template(v));
      case "Query":
      case "Header":
        return named(kind.equals("Header"), v);
      default:
        return bodyExtractor(v);
    }
  }

  private static ExtractorConfig named(boolean header, Value v) {
    String what = header ? "header" : "query parameter";
    String expected =
        "a "
            + what
            + " name, {name: n, value: regex, transforms: [...]} or {starts: prefix, transforms: [...]}";
    if (v.isScalar()) {
      return header
          ? new ExtractorConfig.Header(headerName(v), null, List.of())
          : new ExtractorConfig.Query(nonEmpty(v, expected), null, List.of());
    }
    Fields f = v.fields(expected).only("name", "starts", "value", "transforms");
    boolean hasName = f.keys().contains("name");
    boolean hasStarts = f.keys().contains("starts");
    if (hasName == hasStarts) {
      throw v.invalid("exactly one of name and starts, in " + expected);
    }
    List<Transform> transforms = transforms(f);
    if (hasStarts) {
      if (f.keys().contains("value")) {
        throw f.get("value")
            .orElseThrow()
            .problem("value with starts (expected: value only with name)");
      }
      String prefix = nonEmpty(f.get("starts").orElseThrow(), "a name prefix such as x-custom-");
      return header
          ? new ExtractorConfig.HeaderStarts(prefix.toLowerCase(Locale.ROOT), transforms)
          : new ExtractorConfig.QueryStarts(prefix, transforms);
    }
    Value nameValue = f.get("name").orElseThrow();
    String regex = f.get("value").map(HttpRulesReader::regex).orElse(null);
    return header
        ? new ExtractorConfig.Header(headerName(nameValue), regex, transforms)
        : new ExtractorConfig.Query(
            nonEmpty(nameValue, "a query parameter name"), regex, transforms);
  }

  private static String headerName(Value v) {
    String s = v.text("a header name such as X-Api-Key");
    if (!TOKEN.matcher(s).matches()) {
      throw v.invalid("a header name such as X-Api-Key");
    }
    return s;
  }

  private static ExtractorConfig bodyExtractor(Value v) {
    String expected =
        "{jq: expression}, {hash: true} or {regex: pattern}, with optional transforms";
    Fields f = v.fields(expected).only("jq", "hash", "regex", "transforms");
    List<String> kinds = new ArrayList<>(f.keys());
    kinds.remove("transforms");
    if (kinds.size() != 1) {
      throw v.invalid("exactly one of jq, hash, regex: " + expected);
    }
    List<Transform> transforms = transforms(f);
    Value arg = f.get(kinds.get(0)).orElseThrow();
    return switch (kinds.get(0)) {
      case "jq" ->
          new ExtractorConfig.BodyJq(arg.nonBlank("a jq expression such as .user.id"), transforms);
      case "regex" -> new ExtractorConfig.BodyRegex(regex(arg), transforms);
      default -> {
        if (!arg.bool("true")) {
          throw arg.invalid("true (leave Body out to keep the body out of the key)");
        }
        if (!transforms.isEmpty()) {
          throw f.get("transforms")
              .orElseThrow()
              .invalid("no transforms with hash: the body is hashed already");
        }
        yield new ExtractorConfig.BodyHash();
      }
    };
  }

  private static List<Transform> transforms(Fields f) {
    Optional<Value> v = f.get("transforms").filter(t -> !t.isNull());
    if (v.isEmpty()) {
      return List.of();
    }
    List<Transform> out = new ArrayList<>();
    for (Value item : v.get().listOrOne()) {
      out.add(
          Transform.valueOf(
              item.oneOf(List.of("hash", "lowercase", "uppercase")).toUpperCase(Locale.ROOT)));
    }
    return out;
  }

  // ---- shared

  private static String nonEmpty(Value v, String expected) {
    String s = v.text(expected);
    if (s.isEmpty()) {
      throw v.invalid(expected);
    }
    return s;
  }

  private static String regex(Value v) {
    String s = nonEmpty(v, "a Java regular expression");
    try {
      Pattern.compile(s);
    } catch (PatternSyntaxException e) {
      throw v.invalid(
          "a Java regular expression; " + e.getDescription() + " near index " + e.getIndex());
    } catch (RuntimeException | StackOverflowError e) {
      throw v.invalid("a Java regular expression that compiles");
    }
    return s;
  }

  /** Checks a path template and returns it. */
  static String template(Value v) {
    String t = v.text(PATH_EXPECTED);
    if (!t.startsWith("/")) {
      throw v.invalid(PATH_EXPECTED);
    }
    Set<String> names = new HashSet<>();
    int i = 0;
    while (i < t.length()) {
      char c = t.charAt(i);
      if (c == '}'
          || c == '?'
          || c == '#'
          || Character.isWhitespace(c)
          || Character.isISOControl(c)) {
        throw v.invalid(
            PATH_EXPECTED
                + " (no "
                + (c == '}' ? "unmatched }" : c == '?' ? "query" : c == '#' ? "fragment" : "spaces")
                + ")");
      }
      if (c == '{') {
        int end = t.indexOf('}', i + 1);
        String name = end < 0 ? "" : t.substring(i + 1, end);
        if (end < 0 || !PARAM.matcher(name).matches()) {
          throw v.invalid(PATH_EXPECTED + " (parameter names are letters, digits and _)");
        }
        if (!names.add(name)) {
          throw v.invalid(PATH_EXPECTED + " (parameter {" + name + "} appears twice)");
        }
        if (end + 1 < t.length() && t.charAt(end + 1) == '{') {
          throw v.invalid(PATH_EXPECTED + " (two parameters need a separator between them)");
        }
        i = end + 1;
      } else {
        i++;
      }
    }
    return t;
  }

  static List<String> tags(Value v) {
    if (v.isNull()) {
      return List.of();
    }
    String expected = "a tag template such as \"author:{author_id}\"";
    List<String> out = new ArrayList<>();
    for (Value item : v.listOrOne()) {
      String t = item.nonBlank(expected);
      int i = 0;
      while (i < t.length()) {
        char c = t.charAt(i);
        if (c == '}') {
          throw item.invalid(expected + " (unmatched })");
        }
        if (c == '{') {
          int end = t.indexOf('}', i + 1);
          if (end < 0 || !TAG_PART.matcher(t.substring(i + 1, end)).matches()) {
            throw item.invalid(expected + " ({name} names a key part: letters, digits, _ . -)");
          }
          i = end + 1;
        } else {
          i++;
        }
      }
      out.add(t);
    }
    return List.copyOf(out);
  }
}
