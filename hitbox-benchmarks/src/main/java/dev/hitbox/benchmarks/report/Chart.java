package dev.hitbox.benchmarks.report;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * A grouped bar chart: one group per category on the x axis, one bar per series in each group.
 * Drawn with XChart, headless.
 */
public final class Chart {
  /** Distinct colours, colour-blind safe (Okabe and Ito), then greys. */
  private static final Color[] PALETTE = {
    new Color(0x0072B2),
    new Color(0xE69F00),
    new Color(0x009E73),
    new Color(0xCC79A7),
    new Color(0xD55E00),
    new Color(0x56B4E9),
    new Color(0xF0E442),
    new Color(0x666666),
    new Color(0x000000)
  };

  private final String title;
  private final String yTitle;
  private final List<String> categories;
  private final Map<String, List<Double>> series = new LinkedHashMap<>();
  private boolean logarithmic;

  private Chart(String title, String yTitle, List<String> categories) {
    this.title = title;
    this.yTitle = yTitle;
    this.categories = List.copyOf(categories);
  }

  /** A chart titled {@code title}, with these categories on the x axis. */
  public static Chart of(String title, String yTitle, List<String> categories) {
    return new Chart(title, yTitle, categories);
  }

  /** Adds a series: one value per category (0 or less draws no bar: no figure). */
  public Chart series(String name, List<Double> values) {
    if (values.size() != categories.size()) {
      throw new IllegalArgumentException(
          "series "
              + name
              + ": "
              + values.size()
              + " values (expected: "
              + categories.size()
              + ")");
    }
    series.put(name, List.copyOf(values));
    return this;
  }

  /** Draws the y axis on a logarithmic scale, for values that span orders of magnitude. */
  public Chart logarithmic() {
    this.logarithmic = true;
    return this;
  }

  /** Renders the chart, {@code width} by {@code height} pixels. */
  BufferedImage image(int width, int height) {
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(width)
            .height(height)
            .title(title)
            .yAxisTitle(yTitle)
            .build();
    Styler.ChartTheme theme = Styler.ChartTheme.XChart;
    chart.getStyler().setTheme(theme.newInstance(theme));
    // Below the plot when the names fit on one line, else on the right, one per line.
    int legendChars = 0;
    for (String name : series.keySet()) {
      legendChars += name.length() + 6;
    }
    if (legendChars * 8 < width) {
      chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
      chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    } else {
      chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
      chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
    }
    chart.getStyler().setSeriesColors(PALETTE);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotGridVerticalLinesVisible(false);
    chart.getStyler().setYAxisLogarithmic(logarithmic);
    chart.getStyler().setYAxisDecimalPattern(logarithmic ? "#,##0.####" : "#,##0.##");
    chart.getStyler().setXAxisLabelRotation(categories.size() > 6 ? 30 : 0);
    chart.getStyler().setAvailableSpaceFill(0.8);
    chart.getStyler().setOverlapped(false);
    double min = Double.MAX_VALUE;
    for (List<Double> values : series.values()) {
      for (double v : values) {
        if (v > 0) {
          min = Math.min(min, v);
        }
      }
    }
    for (Map.Entry<String, List<Double>> s : series.entrySet()) {
      List<@Nullable Double> values = new ArrayList<>();
      for (double v : s.getValue()) {
        // no figure (or a failed run): no bar; a logarithmic axis takes no null, so the bar
        // starts and ends at the axis's minimum
        if (v > 0) {
          values.add(v);
        } else if (logarithmic) {
          values.add(axisMin(min == Double.MAX_VALUE ? 1 : min));
        } else {
          values.add(null);
        }
      }
      chart.addSeries(s.getKey(), categories, values);
    }
    if (logarithmic && min != Double.MAX_VALUE) {
      chart.getStyler().setYAxisMin(axisMin(min));
    }
    return BitmapEncoder.getBufferedImage(chart);
  }

  /** The bottom of a logarithmic axis: the power of ten below half the smallest value. */
  private static double axisMin(double min) {
    return Math.pow(10, Math.floor(Math.log10(min / 2)));
  }
}
