package org.qcal.jobs.report;

import java.util.Locale;
import java.util.Map;
import org.qcal.calib.CalibrationMethod;
import org.qcal.calib.Range;
import org.qcal.jobs.api.TensorCalibration;
import org.qcal.stats.Histogram;
import org.qcal.stats.HistogramGrid;

/**
 * One tensor's histogram as an SVG: counts on a log scale, merged into at most {@value #BARS}
 * bars, with a vertical line at each method's range ends so the methods can be compared where
 * they clip. report.html shows one {@link #figure} per tensor; a notebook can print the same
 * pieces as HTML output (Zeppelin: {@code print("%html " + HistogramPlot.figure(t))}).
 */
public final class HistogramPlot {
  static final int BARS = 200;
  private static final int WIDTH = 640;
  private static final int HEIGHT = 180;
  private static final int PAD = 24;

  /** One colour per method, in enum order. */
  static final Map<CalibrationMethod, String> COLOURS = Map.of(
      CalibrationMethod.MINMAX, "#444444",
      CalibrationMethod.AVERAGE_MINMAX, "#8c564b",
      CalibrationMethod.PERCENTILE, "#1f77b4",
      CalibrationMethod.ENTROPY, "#d62728",
      CalibrationMethod.MSE, "#2ca02c");

  private HistogramPlot() {}

  /**
   * One tensor as report.html shows it: its name, then its histogram with each method's
   * thresholds, or its min and max when no method needed a histogram.
   */
  public static String figure(TensorCalibration t) {
    StringBuilder html = new StringBuilder("<figure class=\"tensor\"><figcaption>")
        .append(Html.escape(t.name())).append("</figcaption>");
    if (t.histogram() != null) {
      html.append(svg(t.name(), t.histogram(), t.ranges()));
    } else {
      html.append("<p>min ").append(HtmlReport.f(t.stats().min())).append(", max ")
          .append(HtmlReport.f(t.stats().max()))
          .append(" (no histogram: min/max methods only)</p>");
    }
    return html.append("</figure>").toString();
  }

  /** The histogram of {@code tensor} with a dashed line at both ends of each method's range. */
  public static String svg(String tensor, Histogram histogram,
      Map<CalibrationMethod, Range> ranges) {
    HistogramGrid grid = histogram.grid();
    int bins = histogram.bins();
    int per = Math.max(1, (bins + BARS - 1) / BARS);
    int bars = (bins + per - 1) / per;
    long[] merged = new long[bars];
    for (int i = 0; i < bins; i++) {
      merged[i / per] += histogram.count(i);
    }
    double maxLog = 0;
    for (long c : merged) {
      maxLog = Math.max(maxLog, Math.log10(1 + c));
    }
    double lo = grid.lowerEdge(0);
    double hi = grid.lowerEdge(0) + (double) bins * grid.width();
    Svg svg = new Svg(WIDTH, HEIGHT, "histogram of " + tensor);
    double plotW = WIDTH - 2.0 * PAD;
    double plotH = HEIGHT - 2.0 * PAD;
    double barW = plotW / bars;
    for (int b = 0; b < bars; b++) {
      double h = maxLog == 0 ? 0 : plotH * Math.log10(1 + merged[b]) / maxLog;
      double from = lo + (double) b * per * grid.width();
      svg.rect(PAD + b * barW, PAD + plotH - h, Math.max(barW - 0.2, 0.5), h, "#9ecae1",
          String.format(Locale.ROOT, "[%.4g, %.4g): %d", from, from + per * grid.width(),
              merged[b]));
    }
    int legend = 0;
    for (Map.Entry<CalibrationMethod, Range> e : ranges.entrySet()) {
      String colour = COLOURS.getOrDefault(e.getKey(), "#000000");
      for (double edge : new double[] {e.getValue().min(), e.getValue().max()}) {
        double x = PAD + plotW * (edge - lo) / Math.max(hi - lo, Double.MIN_NORMAL);
        svg.line(x, PAD, x, PAD + plotH, colour, "4 2", String.format(Locale.ROOT, "%s: %.5g",
            e.getKey().id(), edge));
      }
      svg.rect(PAD + 4 + legend * 110, 4, 10, 10, colour, null);
      svg.text(PAD + 18 + legend * 110, 13, "start", e.getKey().id());
      legend++;
    }
    svg.text(PAD, HEIGHT - 6, "start", String.format(Locale.ROOT, "%.4g", lo));
    svg.text(WIDTH - PAD, HEIGHT - 6, "end", String.format(Locale.ROOT, "%.4g", hi));
    return svg.close();
  }
}
