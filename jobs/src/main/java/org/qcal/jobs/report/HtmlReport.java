package org.qcal.jobs.report;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.qcal.jobs.api.CalibrationResult;
import org.qcal.jobs.api.Recipe;
import org.qcal.jobs.api.TensorCalibration;

/**
 * {@code report.html}: one self-contained file (inline CSS and SVG, no script, no network) with
 * the run's summary, the candidate table, per-tensor SQNR bars of the chosen candidate and, per
 * tensor, the histogram with each method's thresholds.
 */
public final class HtmlReport {
  private HtmlReport() {}

  /**
   * @param calibration the calibration the candidates came from
   * @param candidates validated candidates, best first; empty when there was no validation
   * @param verdict one line: what was chosen and whether it met the budget
   */
  public static byte[] write(CalibrationResult calibration, List<CandidateRow> candidates,
      String verdict) {
    StringBuilder html = new StringBuilder(1 << 16);
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>qcal report</title><style>")
        .append("body{font-family:sans-serif;margin:24px;color:#222}")
        .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;")
        .append("text-align:right}th{background:#f3f3f3}td:first-child{text-align:left}")
        .append("tr.chosen{background:#e8f4e8}tr.failed td{color:#a00}")
        .append("figure{margin:12px 0}figcaption{font-family:monospace}")
        .append("</style></head><body>\n");
    html.append("<h1>qcal report</h1>\n");
    summary(html, calibration, verdict);
    if (!candidates.isEmpty()) {
      candidateTable(html, candidates);
      sqnrBars(html, candidates);
    }
    histograms(html, calibration);
    html.append("</body></html>\n");
    return html.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void summary(StringBuilder html, CalibrationResult c, String verdict) {
    html.append("<section id=\"summary\"><h2>Summary</h2><p id=\"verdict\">")
        .append(Html.escape(verdict)).append("</p><table>");
    row(html, "model", c.modelPath());
    row(html, "sha256", c.modelDigest());
    row(html, "calibration data", c.dataPath());
    row(html, "samples", Long.toString(c.samples()));
    row(html, "methods", String.join(", ", c.parameters().methods().stream()
        .map(m -> m.id()).toList()));
    Recipe r = c.recipe();
    row(html, "exported", c.chosen().name());
    row(html, "activations", r.activationType() + (r.symmetricActivations() ? " symmetric"
        : " asymmetric"));
    row(html, "weights", r.weightType() + (r.perChannel() ? " per channel" : " per tensor"));
    if (!r.floatNodes().isEmpty() || !r.floatOpTypes().isEmpty()) {
      row(html, "kept in float", String.join(", ", r.floatNodes())
          + (r.floatOpTypes().isEmpty() ? "" : " op types " + String.join(", ", r.floatOpTypes())));
    }
    row(html, "int8 kernels (model.int8.onnx)",
        c.kernels() == null ? "could not be told" : c.kernels().summary());
    html.append("</table></section>\n");
  }

  private static void row(StringBuilder html, String key, String value) {
    html.append("<tr><th>").append(Html.escape(key)).append("</th><td>")
        .append(Html.escape(value)).append("</td></tr>");
  }

  private static void candidateTable(StringBuilder html, List<CandidateRow> candidates) {
    html.append("<section id=\"candidates\"><h2>Candidates</h2><table><tr><th>candidate</th>")
        .append("<th>metric</th><th>value</th><th>drop</th><th>top-1 agreement %</th>")
        .append("<th>output SQNR dB</th><th>size KB</th><th>within budget</th></tr>");
    for (CandidateRow r : candidates) {
      html.append("<tr class=\"candidate").append(r.chosen() ? " chosen" : "")
          .append(r.passed() ? "" : " failed").append("\"><td>").append(Html.escape(r.name()))
          .append(r.chosen() ? " (chosen)" : "").append("</td><td>")
          .append(Html.escape(r.metric())).append("</td><td>").append(f(r.value()))
          .append("</td><td>").append(f(r.drop())).append("</td><td>").append(f(r.agreement()))
          .append("</td><td>").append(f(r.outputSqnrDb())).append("</td><td>")
          .append(f(r.sizeBytes() / 1024.0)).append("</td><td>").append(r.passed() ? "yes" : "no")
          .append("</td></tr>");
    }
    html.append("</table></section>\n");
  }

  private static void sqnrBars(StringBuilder html, List<CandidateRow> candidates) {
    CandidateRow shown = candidates.stream().filter(CandidateRow::chosen).findFirst()
        .orElse(candidates.get(0));
    if (shown.tensorSqnrDb().isEmpty()) {
      return;
    }
    html.append("<section id=\"sqnr\"><h2>Per-tensor SQNR (").append(Html.escape(shown.name()))
        .append(")</h2><p>FP32 against the quantized model, each quantized activation; red below"
            + " 20 dB.</p>").append(sqnrSvg(shown.name(), shown.tensorSqnrDb()))
        .append("</section>\n");
  }

  /**
   * One bar per quantized activation of candidate {@code name}: its SQNR against FP32 in dB
   * ({@code tensorSqnrDb}, in the order to show), red below 20 dB. The report's per-tensor
   * SQNR section; public for notebooks.
   */
  public static String sqnrSvg(String name, Map<String, Double> tensorSqnrDb) {
    int rowH = 16;
    int width = 640;
    int label = 260;
    double max = 1;
    for (double v : tensorSqnrDb.values()) {
      if (Double.isFinite(v)) {
        max = Math.max(max, v);
      }
    }
    Svg svg = new Svg(width, rowH * tensorSqnrDb.size() + 8, "per-tensor SQNR of " + name);
    int i = 0;
    for (Map.Entry<String, Double> e : tensorSqnrDb.entrySet()) {
      double v = e.getValue();
      double w = Double.isFinite(v) ? Math.max(0, v) / max * (width - label - 60) : width - label - 60;
      svg.text(label - 6, i * rowH + 12, "end", shorten(e.getKey()));
      svg.rect(label, i * rowH + 2, w, rowH - 4, v < 20 ? "#d62728" : "#1f77b4",
          e.getKey() + ": " + f(v) + " dB");
      svg.text(label + w + 4, i * rowH + 12, "start", f(v) + " dB");
      i++;
    }
    return svg.close();
  }

  private static void histograms(StringBuilder html, CalibrationResult c) {
    html.append("<section id=\"histograms\"><h2>Histograms and thresholds</h2>");
    for (TensorCalibration t : c.tensors()) {
      html.append(HistogramPlot.figure(t)).append('\n');
    }
    html.append("</section>\n");
  }

  private static String shorten(String name) {
    return name.length() <= 40 ? name : "..." + name.substring(name.length() - 37);
  }

  static String f(double v) {
    return Double.isInfinite(v) ? (v > 0 ? "inf" : "-inf") : String.format(Locale.ROOT, "%.2f", v);
  }
}
