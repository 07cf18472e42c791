package dev.hitbox.http.internal;

import dev.hitbox.core.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Compiling user regular expressions with clear errors, and finding their named groups. */
public final class Regexes {
  private static final Pattern GROUP_NAME = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");

  private Regexes() {}

  /**
   * Compiles {@code regex}.
   *
   * @param what names the setting in the error, e.g. {@code "header x-v regex"}
   * @throws ConfigurationException if it does not compile
   */
  public static Pattern compile(String what, String regex) {
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new ConfigurationException(
          what
              + ": \""
              + regex
              + "\" (expected: a Java regular expression; "
              + e.getDescription()
              + " at index "
              + e.getIndex()
              + ")");
    }
  }

  /** The names of the named groups {@code (?<name>...)} of {@code pattern}, in order. */
  public static List<String> groupNames(Pattern pattern) {
    List<String> names = new ArrayList<>();
    String p = pattern.pattern();
    Matcher m = GROUP_NAME.matcher(p);
    while (m.find()) {
      // "\(?<x>" is a literal parenthesis, not a group: count the backslashes before it
      int slashes = 0;
      for (int i = m.start() - 1; i >= 0 && p.charAt(i) == '\\'; i--) {
        slashes++;
      }
      if (slashes % 2 == 0 && !names.contains(m.group(1))) {
        names.add(m.group(1));
      }
    }
    return names;
  }
}
