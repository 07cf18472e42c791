package dev.hitbox.config.internal;

import java.util.Map;

/**
 * Replaces {@code ${NAME}} and {@code ${NAME:-default}} in a scalar with environment variables;
 * {@code $${} is a literal {@code ${}. Names are {@code [A-Za-z_][A-Za-z0-9_]*}. The result is
 * never parsed as YAML again, so a variable cannot change the document's structure.
 */
final class Substitution {
  private Substitution() {}

  /** Why a scalar could not be substituted; the message is the reason shown to the user. */
  static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;

    Failure(String reason) {
      super(reason, null, false, false);
    }
  }

  /** Whether {@code text} holds anything to substitute. */
  static boolean hasPlaceholder(String text) {
    return text.contains("${");
  }

  static String apply(String text, Map<String, String> env) throws Failure {
    if (!hasPlaceholder(text)) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '$' && text.startsWith("$${", i)) {
        out.append("${");
        i += 3;
      } else if (c == '$' && text.startsWith("${", i)) {
        int end = text.indexOf('}', i + 2);
        if (end < 0) {
          throw new Failure("unterminated ${ (expected: ${NAME} or ${NAME:-default})");
        }
        String body = text.substring(i + 2, end);
        int sep = body.indexOf(":-");
        String name = sep < 0 ? body : body.substring(0, sep);
        if (!isName(name)) {
          throw new Failure(
              "bad variable name \""
                  + Value.escape(name)
                  + "\" (expected: ${NAME} or ${NAME:-default} with NAME of letters, digits and _)");
        }
        String value = env.get(name);
        if (value == null) {
          if (sep < 0) {
            throw new Failure("environment variable " + name + " is not set");
          }
          value = body.substring(sep + 2);
        }
        out.append(value);
        i = end + 1;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static boolean isName(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          c == '_'
              || (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (i > 0 && c >= '0' && c <= '9');
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
