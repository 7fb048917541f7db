package org.qcal.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qcal.calib.CalibrationMethod;
import org.qcal.jobs.api.CalibrationRun;
import org.qcal.jobs.api.ValidateSettings;
import org.qcal.jobs.api.ValidationRun;
import org.qcal.jobs.cli.ExitCode;
import org.qcal.jobs.validate.CandidateResult;
import org.qcal.jobs.validate.ValidationReport;
import org.qcal.runtime.ModelDigest;
import org.qcal.runtime.ModelSource;

/**
 * validate end to end on the shipped CNN and the first 500 slice rows, with candidates from a
 * calibrate run and a deliberately bad one: counts equal single-machine ONNX Runtime counts, the
 * bad candidate ranks last and fails, the gate exits 3 with outputs written, and the report does
 * not depend on the partitioning.
 */
class ValidateJobTest {
  private static final int ROWS = 500;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  private static SparkSession spark;
  private static Path calibration;
  private static Path bad;

  @BeforeAll
  static void start() throws Exception {
    spark = JobsTestSpark.start("ValidateJobTest", 1);
    calibration = tmp.resolve("calibration");
    CalibrationRun cal = ValidateTestSupport.calibrate(spark, calibration, ROWS,
        List.of("minmax", "percentile", "entropy"), "percentile");
    bad = ValidateTestSupport.writeBadCandidate(cal.calibration(), CalibrationMethod.ENTROPY,
        tmp.resolve("bad.onnx"));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void countsEqualSingleMachineOrtAndTheBadCandidateRanksLastAndFails() throws Exception {
    Path out = tmp.resolve("validation");
    Cli run = Cli.run("validate", "--model", TestPaths.model("cnn.onnx"),
        "--calibration", calibration.toString(), "--quantized", bad.toString(),
        "--data", TestPaths.slice(), "--label", "label", "--limit", String.valueOf(ROWS),
        "--out", out.toString());
    assertEquals(ExitCode.OK, run.exitCode(), run.err());
    JsonNode json = JSON.readTree(out.resolve("validation.json").toFile());
    assertEquals("qcal.validation/1", json.get("schema").asText());
    assertEquals(ROWS, json.get("samples").asLong());
    assertTrue(json.get("passed").asBoolean());

    List<Row> rows = ValidateTestSupport.sliceRows(spark, ROWS);
    String model = TestPaths.model("cnn.onnx");
    int fp32 = ValidateTestSupport.top1Correct(ModelSource.read(Path.of(model)), rows);
    assertEquals(fp32, json.at("/reference/counts/top1").asLong(), "FP32 top-1 count");
    assertEquals(100.0 * fp32 / ROWS, json.at("/reference/top1").asDouble());

    JsonNode candidates = json.get("candidates");
    List<String> names = new ArrayList<>();
    candidates.forEach(c -> names.add(c.get("name").asText()));
    assertEquals(4, names.size(), names.toString());
    assertTrue(names.containsAll(List.of("minmax", "percentile", "entropy", "bad.onnx")));
    JsonNode last = candidates.get(3);
    assertEquals("bad.onnx", last.get("name").asText(), "the bad candidate ranks last");
    assertEquals(4, last.get("rank").asInt());
    assertFalse(last.get("passed").asBoolean());
    assertTrue(last.get("drop").asDouble() > 10, "drop " + last.get("drop"));

    // The percentile candidate rebuilt from calibration.json is calibrate's own model.int8.onnx
    // (--choose percentile), byte for byte, and its top-1 is what ORT gives for that file on one
    // machine.
    byte[] exported = Files.readAllBytes(calibration.resolve("model.int8.onnx"));
    JsonNode percentile = find(candidates, "percentile");
    assertEquals(ModelDigest.sha256Hex(exported), percentile.get("sha256").asText());
    int int8 = ValidateTestSupport.top1Correct(ModelSource.of("model.int8.onnx", exported), rows);
    assertEquals(int8, percentile.at("/metrics/counts/top1").asLong(), "int8 top-1 count");
    assertEquals(100.0 * (fp32 - int8) / ROWS, percentile.get("drop").asDouble());
    assertEquals(ROWS, percentile.at("/metrics/counts/compared").asLong());
    assertTrue(percentile.get("passed").asBoolean(), json.toPrettyString());

    // Per-output and per-tensor SQNR: the bad candidate is far worse at the logits.
    double good = percentile.at("/outputs/0/sqnrDb").asDouble();
    assertTrue(good > 20, "percentile logits SQNR " + good + " in " + json.toPrettyString());
    assertTrue(last.at("/outputs/0/sqnrDb").asDouble() < good - 10);
    List<String> tensors = new ArrayList<>();
    percentile.get("tensors").forEach(t -> tensors.add(t.get("name").asText()));
    assertEquals(List.of("input", "/Relu_output_0", "/MaxPool_output_0", "/Relu_1_output_0",
        "/MaxPool_1_output_0", "/flatten/Flatten_output_0", "/Relu_2_output_0", "logits"),
        tensors);
    assertTrue(percentile.at("/tensors/0/sqnrDb").asDouble() > 30, "input quantization SQNR");
  }

  @Test
  void theGateExitsThreeWithOutputsWrittenAndMarkedFailed() throws Exception {
    Path out = tmp.resolve("gate");
    Cli run = Cli.run("validate", "--model", TestPaths.model("cnn.onnx"),
        "--quantized", bad.toString(), "--data", TestPaths.slice(), "--label", "label",
        "--limit", "200", "--max-drop", "1.0", "--no-tensor-errors", "--out", out.toString());
    assertEquals(ExitCode.GATE_FAILED, run.exitCode(), run.err());
    JsonNode json = JSON.readTree(out.resolve("validation.json").toFile());
    assertFalse(json.get("passed").asBoolean());
    assertFalse(json.at("/gate/passed").asBoolean());
    assertTrue(json.at("/gate/best").isNull());
    assertEquals(1.0, json.at("/gate/maxDrop").asDouble());
    assertEquals(0, json.at("/candidates/0/tensors").size(), "--no-tensor-errors");
  }

  @Test
  void theReportIsTheSameForOneAndThreePartitions() throws Exception {
    java.util.function.IntFunction<ValidateSettings.Builder> settings = partitions ->
        ValidateSettings.builder().model(TestPaths.model("cnn.onnx")).data(TestPaths.slice())
            .quantized(List.of(calibration.resolve("model.int8.onnx").toString(), bad.toString()))
            .label("label").limit(300).batchSize(32).partitions(partitions);
    ValidationRun one = settings.apply(1).output(tmp.resolve("one").toString()).run(spark);
    ValidationRun three = settings.apply(3).output(tmp.resolve("three").toString()).run(spark);
    byte[] a = Files.readAllBytes(tmp.resolve("one").resolve("validation.json"));
    byte[] b = Files.readAllBytes(tmp.resolve("three").resolve("validation.json"));
    assertArrayEquals(a, b, new String(b));
    ValidationReport report = three.report();
    CandidateResult best = report.best();
    assertNotNull(best, new String(b));
    assertEquals("model.int8.onnx", best.name());
    assertEquals(one.report().candidates().get(0).primaryOutput(), best.primaryOutput(),
        "exact sums equal");
    assertEquals("input", best.tensorsByWorstSqnr().get(best.tensors().size() - 1),
        "the input, quantized first, has the best SQNR");
  }

  private static JsonNode find(JsonNode candidates, String name) {
    for (JsonNode c : candidates) {
      if (c.get("name").asText().equals(name)) {
        return c;
      }
    }
    throw new AssertionError("no candidate " + name);
  }
}
