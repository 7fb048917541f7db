package org.qcal.jobs.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.qcal.calib.CalibrationMethod;
import org.qcal.jobs.validate.CandidateResult;
import org.qcal.jobs.validate.ValidationMetric;

/**
 * What a notebook does: calibrate, validate and tune through the builders, on a {@code
 * Dataset<Row>} made in the session, with the model as bytes, and no output folder: every
 * result is an object, nothing is written.
 */
class JavaApiTest {
  private static SparkSession spark;
  private static byte[] cnn;
  private static Dataset<Row> calibrationRows;
  private static Dataset<Row> validationRows;

  @BeforeAll
  static void start() throws Exception {
    spark = SparkSession.builder().master("local[2]").appName("JavaApiTest")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .getOrCreate();
    cnn = Files.readAllBytes(Path.of(org.qcal.jobs.TestPaths.model("cnn.onnx")));
    calibrationRows = images(160, 1);
    validationRows = images(96, 2);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /**
   * {@code count} 28x28 images in [0, 1]: strokes whose slope and offset vary per row, a
   * deterministic stand-in for digits (the CNN's int8 error does not need real classes here).
   */
  private static Dataset<Row> images(int count, int seed) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      List<Float> pixels = new ArrayList<>(784);
      double slope = 0.2 + ((i * 7 + seed) % 13) / 6.0;
      double offset = (i * 3 + seed) % 28;
      for (int y = 0; y < 28; y++) {
        for (int x = 0; x < 28; x++) {
          double d = Math.abs(y - slope * x - offset + 14) / 3.0;
          pixels.add((float) Math.max(0, 1 - d));
        }
      }
      rows.add(RowFactory.create(pixels));
    }
    StructType schema = new StructType().add("pixels",
        DataTypes.createArrayType(DataTypes.FloatType, false), false);
    return spark.createDataFrame(rows, schema);
  }

  @Test
  void calibrateValidateAndTuneOnDatasetsWithoutFiles() {
    CalibrationRun calibrated = CalibrateSettings.builder()
        .model("cnn.onnx", cnn)
        .data(calibrationRows)
        .methods(CalibrationMethod.MINMAX, CalibrationMethod.MSE)
        .choose(ExportChoice.of(CalibrationMethod.MSE))
        .run(spark);
    CalibrationResult c = calibrated.calibration();
    assertNull(calibrated.outputDir(), "no output folder was asked for");
    assertEquals(160, c.samples());
    assertEquals(List.of("minmax", "mse"), c.exports().stream().map(QuantizedExport::name)
        .toList());
    assertEquals("mse", c.chosen().name());
    assertEquals(CalibrationMethod.MSE, c.recipe().method());
    for (TensorCalibration t : c.tensors()) {
      assertTrue(t.stats().count() > 0, t.name());
      assertEquals(2, t.ranges().size(), t.name() + ": a range per method");
    }

    ValidationRun validated = ValidateSettings.builder()
        .model("cnn.onnx", cnn)
        .data(validationRows)
        .candidates(c)
        .metric(ValidationMetric.SQNR).minSqnrDb(10)
        .run(spark);
    assertNull(validated.outputDir());
    assertEquals(96, validated.report().samples());
    Map<String, String> sha = new LinkedHashMap<>();
    validated.report().candidates().forEach(r -> sha.put(r.name(), r.sha256()));
    Map<String, String> exported = new LinkedHashMap<>();
    c.exports().forEach(e -> exported.put(e.name(), e.sha256()));
    assertEquals(new java.util.TreeMap<>(exported), new java.util.TreeMap<>(sha),
        "the candidates are the calibration's exports, byte for byte");
    assertTrue(validated.passed(), validated.report().candidates().toString());

    TuneRun tuned = TuneSettings.builder()
        .calibration(b -> b.model("cnn.onnx", cnn).data(calibrationRows)
            .methods(CalibrationMethod.MINMAX, CalibrationMethod.MSE))
        .validation(b -> b.data(validationRows).metric(ValidationMetric.SQNR).minSqnrDb(10))
        .run(spark);
    assertNull(tuned.outputDir());
    CandidateResult chosen = tuned.chosen();
    assertTrue(tuned.passed());
    assertEquals(chosen.name(), tuned.calibration().chosen().name(),
        "the result's chosen export is the chosen candidate");
    assertEquals(chosen.sha256(), tuned.calibration().chosen().sha256());
    assertEquals(8, tuned.calibration().exports().size(),
        "2 methods x asym/sym x without/with bias correction");
    assertTrue(tuned.calibration().parameters().biasCorrection(), "the shifts were measured");

    TuneRun plain = TuneSettings.builder()
        .calibration(b -> b.model("cnn.onnx", cnn).data(calibrationRows)
            .methods(CalibrationMethod.MINMAX, CalibrationMethod.MSE))
        .validation(b -> b.data(validationRows).metric(ValidationMetric.SQNR).minSqnrDb(10))
        .biasVariants(false).run(spark);
    assertEquals(List.of("minmax-asym", "mse-asym", "minmax-sym", "mse-sym"),
        plain.calibration().exports().stream().map(QuantizedExport::name).toList(),
        "without bias variants: 2 methods x asym/sym, as the calibration (no correction) says");
    assertTrue(plain.calibration().exports().stream().noneMatch(e -> e.recipe().biasCorrection()));
  }

  @Test
  void settingsOutOfTheirDomainNameTheSetting() {
    BadArgument batch = assertThrows(BadArgument.class,
        () -> CalibrateSettings.builder().batchSize(0));
    assertEquals("batchSize", batch.argument());
    assertEquals("batchSize must be >= 1, got 0", batch.getMessage());
    BadArgument data = assertThrows(BadArgument.class,
        () -> CalibrateSettings.builder().model("cnn.onnx", cnn).build());
    assertEquals("data", data.argument());
    BadArgument percentile = assertThrows(BadArgument.class,
        () -> Recipe.builder().percentile(0));
    assertEquals("percentile", percentile.argument());
    BadArgument target = assertThrows(BadArgument.class,
        () -> TuneSettings.builder().targetDrop(-0.1));
    assertEquals("targetDrop must be a finite number of points >= 0, got -0.1",
        target.getMessage());
  }
}
