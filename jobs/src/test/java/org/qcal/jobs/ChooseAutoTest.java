package org.qcal.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qcal.jobs.cli.ExitCode;
import org.qcal.jobs.cli.Main;

/**
 * {@code --choose auto} (the default): every method's export is measured against FP32 on a hash
 * sample of the calibration rows, the highest output SQNR is exported, and calibration.json
 * says how the choice was made.
 */
class ChooseAutoTest {
  private static final String[] METHODS = {"minmax", "percentile", "entropy", "mse"};
  private static SparkSession spark;
  @TempDir static Path tmp;
  private static JsonNode auto;

  @BeforeAll
  static void calibrate() {
    spark = JobsTestSpark.start("ChooseAutoTest", 1);
    calibrate("auto", "--choose", "auto", "--choose-rows", "128");
    auto = OutputFiles.json(tmp.resolve("auto"));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static void calibrate(String out, String... more) {
    List<String> args = new ArrayList<>(List.of("calibrate", "--model",
        TestPaths.model("cnn.onnx"), "--data", TestPaths.slice(), "--limit", "512",
        "--out", tmp.resolve(out).toString()));
    args.addAll(List.of(more));
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true),
        args.toArray(String[]::new));
    assertEquals(ExitCode.OK, exit, err.toString());
  }

  @Test
  void recordsEveryMethodsOutputSqnrAndChoosesTheHighest() {
    JsonNode by = auto.path("chosenBy");
    assertEquals("auto", by.path("rule").asText());
    assertEquals("logits", by.path("output").asText());
    // A hash sample of 128 / 512 of the rows: Binomial(512, 0.25), mean 128, sd 9.8; 4 sd.
    long rows = by.path("rows").asLong();
    assertTrue(rows >= 89 && rows <= 167, "compared on " + rows + " rows");
    String best = null;
    for (String m : METHODS) {
      assertTrue(by.path("outputSqnrDb").path(m).isNumber(), m + " in " + by);
      if (best == null || by.path("outputSqnrDb").path(m).asDouble()
          > by.path("outputSqnrDb").path(best).asDouble()) {
        best = m;
      }
    }
    assertEquals(best, auto.path("chosen").asText());
  }

  @Test
  void exportsExactlyTheModelOfTheChosenMethod() {
    String chosen = auto.path("chosen").asText();
    calibrate("fixed", "--choose", chosen);
    JsonNode fixed = OutputFiles.json(tmp.resolve("fixed"));
    assertEquals("given", fixed.path("chosenBy").path("rule").asText());
    assertArrayEquals(
        OutputFiles.bytes(tmp.resolve("fixed").resolve(org.qcal.jobs.io.CalibrationOutputs.QDQ_MODEL)),
        OutputFiles.bytes(tmp.resolve("auto").resolve(org.qcal.jobs.io.CalibrationOutputs.QDQ_MODEL)));
  }

  @Test
  void aSecondRunMakesTheSameChoiceOnTheSameRows() {
    calibrate("again", "--choose", "auto", "--choose-rows", "128");
    JsonNode again = OutputFiles.json(tmp.resolve("again"));
    assertEquals(auto.path("chosenBy"), again.path("chosenBy"));
    assertArrayEquals(
        OutputFiles.bytes(tmp.resolve("again").resolve(org.qcal.jobs.io.CalibrationOutputs.CALIBRATION_JSON)),
        OutputFiles.bytes(tmp.resolve("auto").resolve(org.qcal.jobs.io.CalibrationOutputs.CALIBRATION_JSON)));
  }
}
