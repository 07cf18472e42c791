package dev.hitbox.benchmarks.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A Markdown table: a header row and rows of cells; columns after the first align right. */
public final class Table {
  private final String caption;
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  private Table(String caption, List<String> header) {
    this.caption = caption;
    this.header = List.copyOf(header);
  }

  /** A table under {@code caption} (may be empty) with these column names. */
  public static Table of(String caption, String... header) {
    return new Table(caption, List.of(header));
  }

  /** Adds a row; it must have one cell per column. */
  public Table row(Object... cells) {
    if (cells.length != header.size()) {
      throw new IllegalArgumentException(
          "row: " + cells.length + " cells (expected: " + header.size() + ")");
    }
    List<String> row = new ArrayList<>(cells.length);
    for (Object c : cells) {
      row.add(String.valueOf(c));
    }
    rows.add(row);
    return this;
  }

  /** The caption, printed above the table. */
  public String caption() {
    return caption;
  }

  /** The table in Markdown. */
  public String markdown() {
    StringBuilder sb = new StringBuilder();
    if (!caption.isEmpty()) {
      sb.append(caption).append("\n\n");
    }
    sb.append("| ").append(String.join(" | ", header)).append(" |\n|");
    for (int i = 0; i < header.size(); i++) {
      sb.append(i == 0 ? "---|" : "---:|");
    }
    sb.append('\n');
    for (List<String> row : rows) {
      sb.append("| ").append(String.join(" | ", row)).append(" |\n");
    }
    return sb.toString();
  }

  /** {@code 12,345} for counts and rates. */
  public static String count(double value) {
    return String.format(Locale.ROOT, "%,.0f", value);
  }

  /** A number with {@code digits} decimals. */
  public static String num(double value, int digits) {
    return String.format(Locale.ROOT, "%,." + digits + "f", value);
  }

  /** A ratio such as {@code 1.23x}. */
  public static String ratio(double value) {
    return String.format(Locale.ROOT, value >= 100 ? "%,.0fx" : "%.2fx", value);
  }

  /** A duration in the unit that fits: ns, µs, ms or s. */
  public static String nanos(double nanos) {
    if (nanos < 1_000) {
      return String.format(Locale.ROOT, "%.0f ns", nanos);
    } else if (nanos < 1_000_000) {
      return String.format(Locale.ROOT, "%.1f µs", nanos / 1e3);
    } else if (nanos < 1_000_000_000) {
      return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
    return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
  }
}
