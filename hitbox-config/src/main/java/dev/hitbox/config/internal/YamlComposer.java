package dev.hitbox.config.internal;

import dev.hitbox.config.ConfigException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.common.Anchor;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Builds a {@link YamlNode} tree from SnakeYAML Engine's event stream. Doing this here rather than
 * with SnakeYAML's composer lets every error, including a syntax error, name the key path it
 * happened under, and bounds what a hostile document can cost: nesting depth, the size of the tree
 * once aliases are expanded, and no recursive aliases (an alias may only name a finished node).
 */
public final class YamlComposer {
  /** The deepest nesting of mappings and sequences accepted. */
  public static final int MAX_DEPTH = 64;

  /** The most nodes a document may expand to, counting aliased nodes every time they are used. */
  public static final long MAX_NODES = 100_000;

  /** The longest document accepted, in code points. */
  public static final int MAX_CODE_POINTS = 4 * 1024 * 1024;

  private final String source;
  private final Deque<Frame> stack = new ArrayDeque<>();
  private final Map<String, YamlNode> anchors = new HashMap<>();
  private @Nullable YamlNode root;
  private @Nullable String rootLastKey;
  private int documents;

  private YamlComposer(String source) {
    this.source = source;
  }

  /**
   * Parses one YAML document.
   *
   * @return the root node, or {@code null} when the document is empty
   * @throws ConfigException for invalid YAML, duplicate keys, and documents over the limits
   */
  public static @Nullable YamlNode compose(String text, String source) {
    return new YamlComposer(source).run(text);
  }

  private static final class Frame {
    final boolean mapping;
    final int line;
    final int column;
    final Optional<Anchor> anchor;
    final List<YamlNode> items = new ArrayList<>();
    final List<YamlNode.Entry> entries = new ArrayList<>();
    final Set<String> keys = new HashSet<>();
    YamlNode.@Nullable Scalar pendingKey;
    @Nullable String lastKey;
    long size = 1;

    Frame(boolean mapping, int line, int column, Optional<Anchor> anchor) {
      this.mapping = mapping;
      this.line = line;
      this.column = column;
      this.anchor = anchor;
    }
  }

  private @Nullable YamlNode run(String text) {
    if (text.codePointCount(0, text.length()) > MAX_CODE_POINTS) {
      throw new ConfigException(
          source,
          ConfigException.DOCUMENT,
          0,
          0,
          "larger than " + MAX_CODE_POINTS + " characters (expected: a configuration file)");
    }
    LoadSettings settings =
        LoadSettings.builder()
            .setLabel(source)
            .setUseMarks(true)
            .setCodePointLimit(MAX_CODE_POINTS + 1)
            .build();
    int[] last = {1, 1};
    try {
      Iterator<Event> events = new Parse(settings).parseString(text).iterator();
      while (events.hasNext()) {
        Event event = events.next();
        event
            .getStartMark()
            .ifPresent(
                m -> {
                  last[0] = m.getLine() + 1;
                  last[1] = m.getColumn() + 1;
                });
        handle(event);
      }
    } catch (YamlEngineException e) {
      int line = last[0];
      int column = last[1];
      String problem = e.getMessage();
      if (e instanceof MarkedYamlEngineException marked) {
        Optional<Mark> mark = marked.getProblemMark().or(marked::getContextMark);
        if (mark.isPresent()) {
          line = mark.get().getLine() + 1;
          column = mark.get().getColumn() + 1;
        }
        problem = marked.getProblem();
        if (problem == null || problem.isBlank()) {
          problem = marked.getContext();
        }
      }
      throw new ConfigException(source, path(), line, column, "invalid YAML: " + oneLine(problem));
    }
    return root;
  }

  private static String oneLine(@Nullable String s) {
    if (s == null || s.isBlank()) {
      return "cannot parse";
    }
    String t = s.strip();
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl).strip();
  }

  private void handle(Event event) {
    switch (event.getEventId()) {
      case DocumentStart:
        if (++documents > 1) {
          throw error(event, "a second document (expected: a single YAML document)");
        }
        break;
      case MappingStart:
      case SequenceStart:
        if (stack.size() >= MAX_DEPTH) {
          throw error(event, "nested deeper than " + MAX_DEPTH + " levels");
        }
        int[] at = position(event);
        stack.push(
            new Frame(
                event.getEventId() == Event.ID.MappingStart,
                at[0],
                at[1],
                ((NodeEvent) event).getAnchor()));
        break;
      case MappingEnd:
      case SequenceEnd:
        Frame f = stack.pop();
        YamlNode node =
            f.mapping
                ? new YamlNode.Mapping(List.copyOf(f.entries), f.line, f.column, f.size)
                : new YamlNode.Sequence(List.copyOf(f.items), f.line, f.column, f.size);
        f.anchor.ifPresent(a -> anchors.put(a.getValue(), node));
        add(node, event);
        break;
      case Scalar:
        ScalarEvent s = (ScalarEvent) event;
        int[] p = position(event);
        YamlNode.Scalar scalar = new YamlNode.Scalar(s.getValue(), s.isPlain(), p[0], p[1]);
        s.getAnchor().ifPresent(a -> anchors.put(a.getValue(), scalar));
        add(scalar, event);
        break;
      case Alias:
        String name = ((AliasEvent) event).getAlias().getValue();
        YamlNode target = anchors.get(name);
        if (target == null) {
          throw error(
              event,
              "alias *"
                  + name
                  + " names no finished anchor (expected: &"
                  + name
                  + " earlier, outside this node)");
        }
        add(target, event);
        break;
      default:
        // StreamStart, StreamEnd, DocumentEnd, Comment: nothing to build.
        break;
    }
  }

  private void add(YamlNode node, Event event) {
    Frame f = stack.peek();
    if (f == null) {
      root = node;
      if (node instanceof YamlNode.Mapping m && !m.entries().isEmpty()) {
        rootLastKey = m.entries().get(m.entries().size() - 1).key().value();
      }
      return;
    }
    f.size += node.size();
    if (f.size > MAX_NODES) {
      throw error(event, "more than " + MAX_NODES + " nodes once aliases are expanded");
    }
    if (!f.mapping) {
      f.items.add(node);
      return;
    }
    YamlNode.Scalar key = f.pendingKey;
    if (key == null) {
      if (!(node instanceof YamlNode.Scalar k)) {
        throw error(event, "a mapping key that is not text (expected: a plain key such as ttl)");
      }
      if (!f.keys.add(k.value())) {
        f.pendingKey = k;
        throw error(event, "duplicate key \"" + Value.escape(k.value()) + "\"");
      }
      f.pendingKey = k;
    } else {
      f.entries.add(new YamlNode.Entry(key, node));
      f.pendingKey = null;
      f.lastKey = key.value();
    }
  }

  private static int[] position(Event event) {
    return event
        .getStartMark()
        .map(m -> new int[] {m.getLine() + 1, m.getColumn() + 1})
        .orElse(new int[] {0, 0});
  }

  private ConfigException error(Event event, String reason) {
    int[] p = position(event);
    return new ConfigException(source, path(), p[0], p[1], reason);
  }

  /**
   * The key path being composed, e.g. {@code endpoints[1].policy}. Between two keys of a mapping it
   * is the path of the key before, whose value the problem most likely concerns.
   */
  private String path() {
    if (stack.isEmpty() && rootLastKey != null) {
      return Value.child("", rootLastKey);
    }
    StringBuilder sb = new StringBuilder();
    Iterator<Frame> it = stack.descendingIterator();
    while (it.hasNext()) {
      Frame f = it.next();
      if (f.mapping) {
        YamlNode.Scalar pending = f.pendingKey;
        String key = pending != null ? pending.value() : f.lastKey;
        if (key == null) {
          break;
        }
        sb.replace(0, sb.length(), Value.child(sb.toString(), key));
        if (pending == null) {
          break;
        }
      } else {
        // On top of the stack a sequence is between two items: name the one before.
        int index = f == stack.peek() && !f.items.isEmpty() ? f.items.size() - 1 : f.items.size();
        sb.append('[').append(index).append(']');
      }
    }
    return sb.length() == 0 ? ConfigException.DOCUMENT : sb.toString();
  }
}
