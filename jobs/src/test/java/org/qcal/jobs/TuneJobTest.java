package org.qcal.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qcal.jobs.cli.ExitCode;
import org.qcal.runtime.ModelSource;

/** {@code qcal tune} end to end on the shipped CNN, through the command line. */
class TuneJobTest {
  private static final int VAL_ROWS = 1000;
  private static SparkSession spark;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    spark = JobsTestSpark.start("TuneJobTest", 1);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void tunedCnnLosesAtMostOnePointAndItsReportedTop1MatchesAPlainOrtRun() throws Exception {
    Path out = tmp.resolve("tuned");
    Cli run = Cli.run("tune", "--model", TestPaths.model("cnn.onnx"), "--calib-data",
        TestPaths.slice(), "--limit", "1000", "--val-data", TestPaths.slice(), "--val-limit",
        Integer.toString(VAL_ROWS), "--label", "label", "--out", out.toString());
    assertEquals(ExitCode.OK, run.exitCode(), run.err());
    assertTrue(run.out().contains("qcal: tuned: chose"), run.out());
    for (String file : List.of("calibration.json", "calibration.cache", "model.int8.onnx",
        "validation.json", "tune.json", "report.html")) {
      assertTrue(Files.isRegularFile(out.resolve(file)), file);
    }
    JsonNode tune = new ObjectMapper().readTree(out.resolve("tune.json").toFile());
    assertEquals("passed", tune.get("status").asText());
    double drop = tune.get("chosen").get("drop").asDouble();
    assertTrue(drop <= 1.0, "top-1 drop " + drop);

    // The same rows (the first 1000 of the slice, in file order) through ONNX Runtime on one
    // machine, without Spark: the written model's top-1 equals the value tune reported.
    List<Row> rows = ValidateTestSupport.sliceRows(spark, VAL_ROWS);
    int correct = ValidateTestSupport.top1Correct(ModelSource.of("model.int8.onnx",
        Files.readAllBytes(out.resolve("model.int8.onnx"))), rows);
    assertEquals(100.0 * correct / VAL_ROWS, tune.get("chosen").get("value").asDouble(), 1e-9);

    // The report renders in a browser with the candidate table (4 methods x 2 symmetries x
    // without and with bias correction),
    // the per-tensor SQNR bars of the chosen candidate and a histogram per tapped tensor.
    HeadlessChromium.assumeInstalled();
    String dom = HeadlessChromium.dumpDom(out.resolve("report.html"), tmp.resolve("profile"));
    assertEquals(16, count(dom, "<tr class=\"candidate"), "candidate rows");
    assertEquals(1, count(dom, " chosen"), "one chosen row");
    assertTrue(dom.contains("<section id=\"sqnr\">"), "SQNR bars");
    JsonNode calibration = new ObjectMapper().readTree(out.resolve("calibration.json").toFile());
    assertEquals(calibration.get("tensors").size(), count(dom, "<figure class=\"tensor\">"));
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  @Test
  void budgetThatNoCandidateMeetsExitsThreeWithOutputsWrittenAndMarkedFailed() throws Exception {
    Path out = tmp.resolve("failed");
    // No int8 model reaches 200 dB of output SQNR: every candidate and the one fallback step
    // fail the gate.
    Cli run = Cli.run("tune", "--model", TestPaths.model("cnn.onnx"), "--calib-data",
        TestPaths.slice(), "--limit", "300", "--val-data", TestPaths.slice(), "--val-limit",
        "200", "--methods", "minmax,percentile", "--choose", "minmax", "--metric", "sqnr",
        "--min-sqnr", "200", "--max-float-tensors", "1", "--out", out.toString());
    assertEquals(ExitCode.GATE_FAILED, run.exitCode(), run.err());
    assertTrue(run.err().contains("accuracy gate failed"), run.err());
    JsonNode tune = new ObjectMapper().readTree(out.resolve("tune.json").toFile());
    assertEquals("failed", tune.get("status").asText());
    assertEquals(1, tune.get("fallbackSteps").size(), tune.toString());
    assertTrue(Files.isRegularFile(out.resolve("model.int8.onnx")));
    assertTrue(Files.readString(out.resolve("report.html")).contains("FAILED"));
  }
}
