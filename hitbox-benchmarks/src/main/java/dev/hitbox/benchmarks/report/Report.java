package dev.hitbox.benchmarks.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The result of one benchmark suite: tables, charts and notes, with the command that produced them,
 * the date, the machine and its load. {@link #write} puts {@code NAME.md} and {@code NAME.png} in a
 * directory and the same tables into the suite's section of the index page.
 */
public final class Report {
  private static final int CHART_WIDTH = 1000;
  private static final int CHART_HEIGHT = 460;

  private final String name;
  private final String title;
  private final String command;
  private final String started = now();
  private final String loadBefore = Machine.load();
  private String loadAfter = "";
  private final List<String> intro = new ArrayList<>();
  private final List<Table> tables = new ArrayList<>();
  private final List<Chart> charts = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  private Report(String name, String title, String command) {
    this.name = name;
    this.title = title;
    this.command = command;
  }

  /**
   * Starts a report now: its date and the load before the run are taken here.
   *
   * @param name the suite's name, which names the files
   * @param command the command line that reproduces the run
   */
  public static Report start(String name, String title, String command) {
    return new Report(name, title, command);
  }

  /** A paragraph before the tables: what was measured, how. */
  public Report intro(String markdown) {
    intro.add(markdown);
    return this;
  }

  /** Adds a table. */
  public Report table(Table table) {
    tables.add(table);
    return this;
  }

  /** Adds a chart; all charts go into one PNG, one under the other. */
  public Report chart(Chart chart) {
    charts.add(chart);
    return this;
  }

  /** A paragraph after the tables: targets, checks, what the numbers mean. */
  public Report note(String markdown) {
    notes.add(markdown);
    return this;
  }

  /** The suite's name. */
  public String name() {
    return name;
  }

  /** Takes the load after the run, the first time it is called: when the measuring is over. */
  public Report finish() {
    if (loadAfter.isEmpty()) {
      loadAfter = Machine.load();
    }
    return this;
  }

  /** The tables, notes and environment as Markdown, with {@code imagePath} as the chart. */
  String body(String imagePath) {
    StringBuilder sb = new StringBuilder();
    sb.append("```bash\n").append(command).append("\n```\n\n");
    sb.append("Run on ")
        .append(started)
        .append(" UTC; ")
        .append(Machine.describe())
        .append(". Load average (1, 5, 15 min) ")
        .append(loadBefore)
        .append(" before, ")
        .append(loadAfter.isEmpty() ? Machine.load() : loadAfter)
        .append(" after.\n\n");
    double load = Math.max(oneMinute(loadBefore), oneMinute(loadAfter));
    if (load > 2 * Machine.cores()) {
      sb.append(
          String.format(
              java.util.Locale.ROOT,
              "**Warning: the load average reached %.1f on %d cores during this run: other work"
                  + " held most of the CPU. Absolute figures are far below what the machine does"
                  + " when quiet, the JIT had less time to compile in the warm-up, and even the"
                  + " ratios move between runs. Repeat on a quiet machine (`--long`) before"
                  + " relying on them.**%n%n",
              load,
              Machine.cores()));
    }
    for (String p : intro) {
      sb.append(p).append("\n\n");
    }
    for (Table t : tables) {
      sb.append(t.markdown()).append('\n');
    }
    if (!charts.isEmpty()) {
      sb.append("![").append(title).append("](").append(imagePath).append(")\n\n");
    }
    for (String p : notes) {
      sb.append(p).append("\n\n");
    }
    return sb.toString().replaceAll("\n+$", "\n");
  }

  /** The whole report, as {@code NAME.md} holds it. */
  public String markdown() {
    return "# " + title + "\n\n" + body(name + ".png");
  }

  /**
   * Writes {@code dir/NAME.md} and, when there are charts, {@code dir/NAME.png}; then, when {@code
   * index} is not null, replaces the suite's section of that page (between {@code <!-- bench:NAME
   * -->} and {@code <!-- /bench:NAME -->}; appended when missing).
   *
   * @return the files written
   */
  public List<Path> write(Path dir, Path index) throws IOException {
    Files.createDirectories(dir);
    List<Path> written = new ArrayList<>();
    Path md = dir.resolve(name + ".md");
    Files.writeString(md, markdown(), StandardCharsets.UTF_8);
    written.add(md);
    if (!charts.isEmpty()) {
      Path png = dir.resolve(name + ".png");
      ImageIO.write(image(), "png", png.toFile());
      written.add(png);
    }
    if (index != null) {
      String rel = index.toAbsolutePath().getParent().relativize(dir.toAbsolutePath()).toString();
      String prefix = rel.isEmpty() ? "" : rel + "/";
      String section =
          "Generated files: ["
              + prefix
              + name
              + ".md]("
              + prefix
              + name
              + ".md)"
              + (charts.isEmpty() ? "" : ", [" + prefix + name + ".png](" + prefix + name + ".png)")
              + ".\n\n"
              + body(prefix + name + ".png");
      updateIndex(index, name, section);
      written.add(index);
    }
    return written;
  }

  private BufferedImage image() {
    List<BufferedImage> images = new ArrayList<>();
    for (Chart c : charts) {
      images.add(c.image(CHART_WIDTH, CHART_HEIGHT));
    }
    BufferedImage all =
        new BufferedImage(CHART_WIDTH, CHART_HEIGHT * images.size(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = all.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, all.getWidth(), all.getHeight());
    for (int i = 0; i < images.size(); i++) {
      g.drawImage(images.get(i), 0, i * CHART_HEIGHT, null);
    }
    g.dispose();
    return all;
  }

  /** Replaces the text between the suite's markers in {@code index}, or appends a section. */
  static void updateIndex(Path index, String name, String section) throws IOException {
    String begin = "<!-- bench:" + name + " -->";
    String end = "<!-- /bench:" + name + " -->";
    String page = Files.exists(index) ? Files.readString(index, StandardCharsets.UTF_8) : "";
    String block = begin + "\n" + section + end;
    int b = page.indexOf(begin);
    int e = page.indexOf(end);
    if (b >= 0 && e > b) {
      page = page.substring(0, b) + block + page.substring(e + end.length());
    } else {
      page = page + (page.endsWith("\n") || page.isEmpty() ? "" : "\n") + "\n" + block + "\n";
    }
    Files.writeString(index, page, StandardCharsets.UTF_8);
  }

  private static double oneMinute(String load) {
    try {
      return Double.parseDouble(load.split(",")[0].trim());
    } catch (RuntimeException e) {
      return 0;
    }
  }

  private static String now() {
    return ZonedDateTime.now(ZoneOffset.UTC)
        .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"));
  }
}
