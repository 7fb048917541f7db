package org.qcal.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.qcal.jobs.api.CalibrationParameters;
import org.qcal.jobs.api.CalibrationResults;
import org.qcal.jobs.api.TensorCalibration;
import org.qcal.stats.Histogram;
import org.qcal.stats.HistogramGrid;
import org.qcal.stats.TensorStats;

/**
 * report.html's structure from a hand-made result, without Spark and without a browser (the
 * rendering in Chromium is ReportRenderTest's): its sections, the candidate table, the chosen
 * row, the SQNR bars and the escaping of names.
 */
class HtmlReportTest {
  /** A tensor name that is HTML: it must show as text, never as markup. */
  private static final String ODD = "a<&>b";
  private static final String ODD_ESCAPED = "a&lt;&amp;&gt;b";

  private static final CalibrationParameters PARAMETERS = CalibrationResults.parameters(
      List.of("minmax", "percentile"), 99.9, 8);

  /**
   * ODD with a histogram (two methods: two threshold lines each), relu_out without one (min 0,
   * max 2: the report says so in text).
   */
  private static String html(List<CandidateRow> rows) {
    float[] values = {-1f, 0.5f, 2f};
    TensorStats odd = new TensorStats().update(values);
    Histogram histogram = new Histogram(HistogramGrid.of(odd, PARAMETERS.bins())).update(values);
    TensorCalibration withHistogram = TensorCalibration.derive(ODD, List.of(ODD), odd,
        histogram, PARAMETERS);
    TensorCalibration withoutHistogram = new TensorCalibration("relu_out", List.of("relu_out"),
        new TensorStats().update(new float[] {0f, 1.5f, 2f}), null, Map.of(), Map.of(), null);
    byte[] bytes = HtmlReport.write(
        CalibrationResults.of(PARAMETERS, List.of(withHistogram, withoutHistogram)), rows,
        "PASSED: chose minmax-asym <best>");
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static List<CandidateRow> rows() {
    Map<String, Double> sqnr = new LinkedHashMap<>();
    sqnr.put(ODD, 31.5);
    sqnr.put("relu_out", 12.25);
    return List.of(
        new CandidateRow("minmax-asym", "top1", 75.0, 0.0, 100.0, Double.POSITIVE_INFINITY,
            2048, true, true, sqnr),
        new CandidateRow("percentile-sym", "top1", 50.0, 25.0, 75.0, 10.9691, 1536, false,
            false, Map.of()));
  }

  private static int count(String text, String needle) {
    return text.split(Pattern.quote(needle), -1).length - 1;
  }

  private static void assertInOrder(String html, String... parts) {
    int at = -1;
    for (String part : parts) {
      int next = html.indexOf(part, at + 1);
      assertTrue(next > at, part + " after the previous part");
      at = next;
    }
  }

  @Test
  void sectionsComeInOrderWithOneFigurePerTensor() {
    String html = html(rows());

    assertTrue(html.startsWith("<!DOCTYPE html>\n"));
    assertTrue(html.endsWith("</body></html>\n"));
    assertInOrder(html, "<h1>qcal report</h1>", "<section id=\"summary\">",
        "<section id=\"candidates\">", "<section id=\"sqnr\">", "<section id=\"histograms\">");
    assertEquals(2, count(html, "<figure class=\"tensor\">"));
    // One plot for the SQNR bars, one histogram (relu_out has none).
    assertEquals(2, count(html, "<svg "));
    // Two methods, a line at each end of each method's range.
    assertEquals(2 * 2, count(html, "<line "));
    assertTrue(html.contains("<figure class=\"tensor\"><figcaption>relu_out</figcaption><p>min"
        + " 0.00, max 2.00 (no histogram: min/max methods only)</p></figure>"), html);
  }

  @Test
  void theSummaryTellsTheRunAndTheVerdictEscaped() {
    String html = html(rows());

    assertTrue(html.contains("<p id=\"verdict\">PASSED: chose minmax-asym &lt;best&gt;</p>"));
    assertTrue(html.contains("<tr><th>model</th><td>models/cnn.onnx</td></tr>"));
    assertTrue(html.contains("<tr><th>samples</th><td>300</td></tr>"));
    assertTrue(html.contains("<tr><th>methods</th><td>minmax, percentile</td></tr>"));
    assertTrue(html.contains("<tr><th>exported</th><td>minmax</td></tr>"));
    assertTrue(html.contains("<tr><th>activations</th><td>uint8 asymmetric</td></tr>"));
    assertTrue(html.contains("<tr><th>weights</th><td>int8 per channel</td></tr>"));
    assertTrue(html.contains(
        "<tr><th>int8 kernels (model.int8.onnx)</th><td>could not be told</td></tr>"));
  }

  @Test
  void theCandidateTableHasOneRowEachAndMarksTheChosenOne() {
    String html = html(rows());

    assertEquals(2, count(html, "<tr class=\"candidate"));
    assertEquals(1, count(html, " chosen\""));
    // Numbers with two decimals; size 2048 B = 2.00 KB, 1536 B = 1.50 KB; +Infinity as inf.
    assertInOrder(html,
        "<tr class=\"candidate chosen\"><td>minmax-asym (chosen)</td><td>top1</td><td>75.00</td>"
            + "<td>0.00</td><td>100.00</td><td>inf</td><td>2.00</td><td>yes</td></tr>",
        "<tr class=\"candidate failed\"><td>percentile-sym</td><td>top1</td><td>50.00</td>"
            + "<td>25.00</td><td>75.00</td><td>10.97</td><td>1.50</td><td>no</td></tr>");
  }

  @Test
  void theSqnrBarsAreTheChosenCandidatesScaledToTheLargest() {
    String html = html(rows());

    assertTrue(html.contains("<h2>Per-tensor SQNR (minmax-asym)</h2>"));
    // Bars start at x 260 and the largest (31.5 dB) is 640 - 260 - 60 = 320 wide; 12.25 dB is
    // 12.25 / 31.5 * 320 = 124.44 wide, one row (16) lower, and red as it is under 20 dB.
    assertTrue(html.contains("<rect x=\"260.0\" y=\"2.0\" width=\"320.0\" height=\"12.0\""
        + " fill=\"#1f77b4\"><title>" + ODD_ESCAPED + ": 31.50 dB</title></rect>"), html);
    assertTrue(html.contains("<rect x=\"260.0\" y=\"18.0\" width=\"124.4\" height=\"12.0\""
        + " fill=\"#d62728\"><title>relu_out: 12.25 dB</title></rect>"), html);
  }

  @Test
  void aTensorNameWithMarkupIsEscapedEverywhere() {
    String html = html(rows());

    assertFalse(html.contains(ODD), "the raw name never reaches the page");
    assertTrue(html.contains("<figcaption>" + ODD_ESCAPED + "</figcaption>"));
    assertTrue(html.contains("aria-label=\"histogram of " + ODD_ESCAPED + "\""));
    assertTrue(html.contains("text-anchor=\"end\">" + ODD_ESCAPED + "</text>"), "bar label");
  }

  @Test
  void withoutValidationThereIsNoCandidateTableAndNoSqnrBars() {
    String html = html(List.of());

    assertFalse(html.contains("<section id=\"candidates\">"));
    assertFalse(html.contains("<section id=\"sqnr\">"));
    assertInOrder(html, "<section id=\"summary\">", "<section id=\"histograms\">");
    assertEquals(1, count(html, "<svg "), "the histogram only");
  }
}
