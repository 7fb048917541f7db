package org.qcal.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qcal.jobs.api.CalibrationRun;

/** The calibrate report renders in a real browser with one histogram per tapped tensor. */
class ReportRenderTest {
  private static SparkSession spark;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    spark = JobsTestSpark.start("ReportRenderTest", 1);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void calibrateReportRendersAHistogramPerTensorWithEveryMethodsThresholds() throws Exception {
    HeadlessChromium.assumeInstalled();
    Path out = tmp.resolve("out");
    CalibrationRun result = TestRuns.calibrate(TestPaths.model("cnn.onnx"), TestPaths.slice(),
        List.of("minmax", "percentile", "entropy", "mse"), "entropy", 64).limit(300)
        .output(out.toString()).run(spark);
    int tensors = result.calibration().tensors().size();

    String dom = HeadlessChromium.dumpDom(out.resolve("report.html"), tmp.resolve("profile"));
    assertTrue(dom.contains("<h1>qcal report</h1>"), "the page rendered its heading");
    assertEquals(tensors, count(dom, "<figure class=\"tensor\">"), "one figure per tensor");
    assertEquals(tensors, count(dom, "<svg "), "one histogram plot per tensor");
    // Two threshold lines (range min and max) per method per tensor.
    assertEquals(tensors * 4 * 2, count(dom, "<line "), "threshold lines");
    assertTrue(dom.contains("entropy") && dom.contains("percentile") && dom.contains("mse"));
    if (System.getenv("QCAL_REPORT_SCREENSHOT") != null) {
      HeadlessChromium.screenshot(out.resolve("report.html"), tmp.resolve("profile2"),
          Path.of(System.getenv("QCAL_REPORT_SCREENSHOT")));
    }
  }

  private static int count(String text, String needle) {
    Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
