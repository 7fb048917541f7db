package org.qcal.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CalibrateJobTest {
  private static SparkSession spark;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    spark = JobsTestSpark.start("CalibrateJobTest", 1);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static CalibrateSettings settings(String model, String out) {
    CalibrationParameters p = CalibrationParameters.of(
        List.of("minmax", "percentile", "entropy", "mse"), 99.999, 2048, "uint8", "int8", false,
        true, "entropy", 64);
    return new CalibrateSettings(model, TestPaths.slice(), null, null, Map.of(), p, null, out,
        false);
  }

  @Test
  void calibratesTheShippedCnnEndToEnd() throws Exception {
    Path out = tmp.resolve("out");
    CalibrateJob.Result result = CalibrateJob.run(spark,
        settings(TestPaths.model("cnn.onnx"), out.toString()));
    assertEquals(2000, result.samples());
    assertTrue(Files.isRegularFile(out.resolve("calibration.json")));
    assertTrue(Files.isRegularFile(out.resolve("calibration.cache")));
    assertTrue(Files.isRegularFile(out.resolve("model.int8.onnx")));
    JsonNode json = new ObjectMapper().readTree(out.resolve("calibration.json").toFile());
    assertEquals("qcal.calibration/1", json.get("schema").asText());
    assertEquals(2000, json.get("samples").asLong());
    System.out.println(Files.readString(out.resolve("calibration.cache")));
  }
}
