package dev.hitbox.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.hitbox.core.ConfigurationException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import net.thisptr.jackson.jq.BuiltinFunctionLoader;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.Versions;
import net.thisptr.jackson.jq.exception.JsonQueryException;
import org.jspecify.annotations.Nullable;

/**
 * A compiled jq expression (jq 1.6 dialect, on jackson-jq) evaluated against JSON bodies. Besides
 * the builtins it knows {@code hash}: the SHA-256 of its input (a string's text, any other value's
 * compact JSON), for keys from values too long or too secret to keep. Immutable and thread-safe.
 */
public final class Jq {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Scope ROOT = rootScope();

  private final String text;
  private final JsonQuery query;

  private Jq(String text, JsonQuery query) {
    this.text = text;
    this.query = query;
  }

  private static Scope rootScope() {
    Scope root = Scope.newEmptyScope();
    BuiltinFunctionLoader.getInstance().loadFunctions(Versions.JQ_1_6, root);
    root.addFunction(
        "hash",
        0,
        (scope, args, in, path, output, version) ->
            output.emit(new TextNode(Hashing.sha256(textOf(in))), null));
    return root;
  }

  /**
   * Compiles an expression.
   *
   * @throws ConfigurationException if it does not parse
   */
  public static Jq compile(String what, String expression) {
    try {
      return new Jq(expression, JsonQuery.compile(expression, Versions.JQ_1_6));
    } catch (JsonQueryException e) {
      throw new ConfigurationException(
          what + ": '" + expression + "' (expected: a jq expression; " + e.getMessage() + ")");
    }
  }

  /** Parses {@code json}; {@code null} if it is not JSON. */
  public static @Nullable JsonNode parse(byte[] json) {
    try {
      JsonNode node = MAPPER.readTree(json);
      return node == null || node.isMissingNode() ? null : node;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * The expression's outputs for {@code input}.
   *
   * @throws JsonQueryException if evaluation fails (e.g. indexing a number)
   */
  public List<JsonNode> apply(JsonNode input) throws JsonQueryException {
    List<JsonNode> out = new ArrayList<>(1);
    query.apply(Scope.newChildScope(ROOT), input, out::add);
    return out;
  }

  /** Whether the expression yields at least one output and every output is truthy. */
  public boolean test(byte[] json) {
    JsonNode in = parse(json);
    if (in == null) {
      return false;
    }
    try {
      List<JsonNode> out = apply(in);
      if (out.isEmpty()) {
        return false;
      }
      for (JsonNode n : out) {
        if (n.isNull() || n.isMissingNode() || (n.isBoolean() && !n.booleanValue())) {
          return false;
        }
      }
      return true;
    } catch (JsonQueryException e) {
      return false;
    }
  }

  /**
   * The outputs as key text (a string's own text, any other value's compact JSON, {@code null}
   * outputs dropped), or an empty list if the body is not JSON or evaluation fails.
   */
  public List<String> values(byte[] json) {
    JsonNode in = parse(json);
    if (in == null) {
      return List.of();
    }
    try {
      List<String> values = new ArrayList<>(1);
      for (JsonNode n : apply(in)) {
        if (!n.isNull() && !n.isMissingNode()) {
          values.add(textOf(n));
        }
      }
      return values;
    } catch (JsonQueryException e) {
      return List.of();
    }
  }

  private static String textOf(JsonNode n) {
    return n.isTextual() ? n.textValue() : n.toString();
  }

  @Override
  public String toString() {
    return text;
  }
}
