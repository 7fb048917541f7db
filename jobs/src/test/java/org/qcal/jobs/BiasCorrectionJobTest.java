package org.qcal.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.Map;
import org.qcal.calib.CalibrationMethod;
import org.qcal.jobs.api.CalibrationRun;
import org.qcal.jobs.api.TuneSettings;
import org.qcal.jobs.api.ValidateSettings;
import org.qcal.jobs.api.ValidationRun;
import org.qcal.jobs.validate.CandidateResult;
import org.qcal.jobs.validate.ValidationMetric;

/**
 * Bias correction end to end on the shipped CNN: slice rows 0..999 calibrate, rows 1000..1999 are
 * held out (the rows of benchmarks/bias-correction.sh). The shifts are exact sums, so the outputs
 * do not depend on the partitioning; calibration.json stores them, so validate rebuilds the
 * corrected exports byte for byte; and on held-out rows the corrected export's output is at
 * least as close to FP32 as the uncorrected one (measured +0.8 to +1.0 dB per method,
 * docs/BENCHMARKS.md "Bias correction").
 */
class BiasCorrectionJobTest {
  private static SparkSession spark;
  @TempDir static Path tmp;
  private static Dataset<Row> calibration;
  private static Dataset<Row> heldOut;

  @BeforeAll
  static void start() {
    spark = JobsTestSpark.start("BiasCorrectionJobTest", 1);
    calibration = ValidateTestSupport.sliceRange(spark, 0, 1000);
    heldOut = ValidateTestSupport.sliceRange(spark, 1000, 2000);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static CalibrationRun calibrate(Dataset<Row> rows, boolean correct, String out) {
    return TestRuns.calibrate(TestPaths.model("cnn.onnx"), TestPaths.slice(),
        List.of("minmax", "mse"), "minmax", 64).data(rows).biasCorrection(correct)
        .output(tmp.resolve(out).toString()).run(spark);
  }

  @Test
  void outputsAreByteIdenticalWhateverThePartitioning() throws Exception {
    calibrate(calibration.coalesce(1), true, "one");
    calibrate(calibration.repartition(5), true, "five");
    for (String file : List.of("calibration.json", "model.int8.onnx")) {
      assertArrayEquals(Files.readAllBytes(tmp.resolve("one").resolve(file)),
          Files.readAllBytes(tmp.resolve("five").resolve(file)), file);
    }
    JsonNode json = OutputFiles.json(tmp.resolve("one"));
    assertTrue(json.at("/settings/biasCorrection").asBoolean());
    // Two Conv and two Gemm nodes quantized, each corrected.
    assertEquals(4, json.path("biasShifts").size(), json.path("biasShifts").toString());
  }

  @Test
  void correctedExportsAreRebuiltAndCloserToFp32OnHeldOutRows() {
    CalibrationRun off = calibrate(calibration, false, "off");
    CalibrationRun on = calibrate(calibration, true, "on");
    ValidationRun offRun = validate("off");
    ValidationRun onRun = validate("on");
    for (String method : List.of("minmax", "mse")) {
      CandidateResult without = offRun.report().candidate(method);
      CandidateResult with = onRun.report().candidate(method);
      // validate --calibration applies the stored shifts: the same model calibrate exported.
      assertEquals(on.calibration().exports().stream().filter(e -> e.name().equals(method))
          .findFirst().orElseThrow().sha256(), with.sha256(), method);
      double gain = with.primaryOutput().sqnrDb() - without.primaryOutput().sqnrDb();
      assertTrue(gain >= 0, method + ": output SQNR with bias correction "
          + with.primaryOutput().sqnrDb() + " dB, without " + without.primaryOutput().sqnrDb());
    }
    assertTrue(!java.util.Arrays.equals(off.calibration().quantizedModel(),
        on.calibration().quantizedModel()), "the correction changes the exported model");
  }

  /**
   * tune with bias correction, its budget out of reach (output SQNR of 60 dB, the CNN reaches
   * about 41) so that the float fallback adds two steps: every candidate it wrote into
   * calibration.json, fallback steps included, is rebuilt by validate with the same sha256.
   */
  @Test
  void tuneCandidatesWithFloatNodesAreRebuiltTheSame() throws Exception {
    Path out = tmp.resolve("tuned");
    TuneSettings.builder()
        .calibration(b -> b.model(TestPaths.model("cnn.onnx")).data(calibration)
            .methods(CalibrationMethod.MINMAX).biasCorrection(true))
        .validation(b -> b.data(heldOut).metric(ValidationMetric.SQNR).minSqnrDb(60))
        .maxFloatTensors(2).output(out.toString()).run(spark);
    JsonNode json = OutputFiles.json(out);
    Map<String, String> written = new java.util.LinkedHashMap<>();
    json.path("recipes").forEach(r -> written.put(r.get("name").asText(),
        r.get("sha256").asText()));
    assertTrue(written.keySet().stream().anyMatch(n -> n.contains("+float")), written.toString());
    ValidationRun rebuilt = validate("tuned");
    for (CandidateResult c : rebuilt.report().candidates()) {
      assertEquals(written.get(c.name()), c.sha256(), c.name());
    }
    assertEquals(written.size(), rebuilt.report().candidates().size());
  }

  private static ValidationRun validate(String calibrationDir) {
    return ValidateSettings.builder().model(TestPaths.model("cnn.onnx")).data(heldOut)
        .calibration(tmp.resolve(calibrationDir).toString()).label("label").run(spark);
  }
}
