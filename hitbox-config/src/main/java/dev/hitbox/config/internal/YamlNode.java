package dev.hitbox.config.internal;

import java.util.List;

/**
 * A node of a parsed YAML document, with the 1-based position where it starts. Aliases are resolved
 * to the anchored node itself, so one node may appear in several places.
 */
public sealed interface YamlNode permits YamlNode.Scalar, YamlNode.Mapping, YamlNode.Sequence {

  /** The 1-based line where the node starts. */
  int line();

  /** The 1-based column where the node starts. */
  int column();

  /** The number of nodes below and including this one, counting aliased nodes every time. */
  long size();

  /**
   * A scalar, as written (tags are ignored): a plain empty, {@code ~} or {@code null} scalar is a
   * null.
   */
  record Scalar(String value, boolean plain, int line, int column) implements YamlNode {
    /** Whether this is YAML's null: a plain empty, {@code ~}, {@code null}, {@code Null}, ... */
    public boolean isNull() {
      return plain
          && (value.isEmpty()
              || value.equals("~")
              || value.equals("null")
              || value.equals("Null")
              || value.equals("NULL"));
    }

    @Override
    public long size() {
      return 1;
    }
  }

  /** One key and its value in a mapping. */
  record Entry(Scalar key, YamlNode value) {}

  /** A mapping with scalar keys, in document order, without duplicate keys. */
  record Mapping(List<Entry> entries, int line, int column, long size) implements YamlNode {}

  /** A sequence. */
  record Sequence(List<YamlNode> items, int line, int column, long size) implements YamlNode {}
}
