package org.qcal.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qcal.jobs.api.CalibrationRun;
import org.qcal.jobs.calibrate.TapGroups;

/**
 * Taps split into groups under a small {@code --tap-memory-mb}: x [?, 4096] -> a = Relu(x) ->
 * o = a * x. Each of the three taps takes 4096 * 4 = 16 KiB per row, 1 MiB per batch of 64, so
 * a budget of 1 MiB runs three forwards per batch, one per tap; the outputs must not change.
 */
class TapGroupingTest {
  private static final int WIDTH = 4096;
  private static SparkSession spark;
  @TempDir static Path tmp;
  private static String model;
  private static String data;

  @BeforeAll
  static void start() throws Exception {
    spark = JobsTestSpark.start("TapGroupingTest", 1);
    model = new TinyModels()
        .input("x", -1, WIDTH)
        .node("Relu", List.of("x"), "a")
        .node("Mul", List.of("a", "x"), "o")
        .output("o", -1, WIDTH)
        .write(tmp.resolve("wide.onnx"));
    List<org.apache.spark.sql.Row> rows = new ArrayList<>();
    for (int i = 0; i < 160; i++) {
      List<Float> x = new ArrayList<>();
      for (int k = 0; k < WIDTH; k++) {
        x.add(((i * 31 + k * 17) % 101 - 50) / 10f);
      }
      rows.add(RowFactory.create(x));
    }
    data = tmp.resolve("wide.parquet").toString();
    spark.createDataFrame(rows, new StructType().add("x",
        DataTypes.createArrayType(DataTypes.FloatType, false), false))
        .write().mode(SaveMode.Overwrite).parquet(data);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static Map<String, byte[]> calibrate(int tapMemoryMb, String run) throws Exception {
    Path out = tmp.resolve("out-" + run);
    CalibrationRun result = TestRuns.calibrate(model, data, CalibrateJobTest.METHODS, "entropy",
        64).tapMemoryMb(tapMemoryMb).output(out.toString()).run(spark);
    assertEquals(160, result.samples());
    return Map.of(org.qcal.jobs.io.CalibrationOutputs.CALIBRATION_JSON,
        Files.readAllBytes(out.resolve(org.qcal.jobs.io.CalibrationOutputs.CALIBRATION_JSON)),
        org.qcal.jobs.io.CalibrationOutputs.QDQ_MODEL, Files.readAllBytes(out.resolve(org.qcal.jobs.io.CalibrationOutputs.QDQ_MODEL)));
  }

  @Test
  void groupedTapsGiveByteIdenticalOutputsToOneTapModel() throws Exception {
    Map<String, byte[]> whole = calibrate(256, "whole");
    Map<String, byte[]> grouped = calibrate(1, "grouped");
    for (String file : whole.keySet()) {
      assertArrayEquals(whole.get(file), grouped.get(file), file);
    }
  }

  @Test
  void tapGroupsFollowTheBudget() {
    // 16 KiB per row and tap; 1 MiB holds 64 rows of one tap: three groups of one.
    long row = WIDTH * 4L;
    TapGroups g = TapGroups.plan(new long[] {row, row, row}, 64, 1L << 20);
    assertEquals(64, g.batchSize());
    assertEquals(3, g.groups().size());
  }
}
