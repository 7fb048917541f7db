package org.qcal.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.qcal.jobs.api.CalibrationRun;

/**
 * docs/DESIGN.md: counts merge by addition, so the result is bit-identical whatever the partitioning,
 * order or retries. The whole slice (2000 rows) is rewritten to the same path in 1, 3 and 8
 * Parquet files (one partition each) and calibrated with every method in batches of 64; every
 * output (calibration.json, calibration.cache, model.int8.onnx, report.html) must be the same
 * bytes, and so must a second run.
 *
 * <p>The batches differ on purpose: 1 file is spread to 2 partitions of 1000 rows (15 batches of
 * 64 and one of 40), 3 files hold 667/667/666 rows (10 of 64, then 27 or 26), 8 files 250 rows
 * each (3 of 64, then 58). A forward whose per-row outputs depended on the batch's size or
 * companions would show here.
 */
class CalibrateDeterminismTest {
  private static SparkSession spark;
  @TempDir static Path tmp;
  private static Path data;
  private static Map<String, byte[]> reference;

  @BeforeAll
  static void start() {
    // Each small file its own partition: opening a file costs as much as a whole split.
    spark = JobsTestSpark.start("CalibrateDeterminismTest", 1,
        "spark.sql.files.openCostInBytes", String.valueOf(128L << 20),
        "spark.sql.files.maxPartitionBytes", String.valueOf(128L << 20));
    data = tmp.resolve("data.parquet");
    reference = calibrate(1, "reference");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /**
   * Writes the slice in {@code partitions} files to the one data path (the path is part of
   * calibration.json, so it must not change), calibrates, and returns the outputs' bytes.
   */
  private static Map<String, byte[]> calibrate(int partitions, String run) {
    spark.read().parquet(TestPaths.slice()).repartition(partitions)
        .write().mode(SaveMode.Overwrite).parquet(data.toString());
    assertEquals(partitions, spark.read().parquet(data.toString()).rdd().getNumPartitions(),
        "partitions of the rewritten slice");
    Path out = tmp.resolve("out-" + run);
    CalibrationRun result = TestRuns.calibrate(TestPaths.model("cnn.onnx"), data.toString(),
        CalibrateJobTest.METHODS, "entropy", 64).output(out.toString()).run(spark);
    assertEquals(2000, result.samples());
    Map<String, byte[]> bytes = new LinkedHashMap<>();
    for (String file : OutputFiles.FILES) {
      bytes.put(file, OutputFiles.bytes(out.resolve(file)));
    }
    return bytes;
  }

  private static void assertSameOutputs(Map<String, byte[]> actual, String what) {
    for (String file : OutputFiles.FILES) {
      byte[] expected = reference.get(file);
      byte[] got = actual.get(file);
      if (!Arrays.equals(expected, got) && !file.endsWith(".onnx")) {
        // Show the first differing line: which tensor and which field moved.
        List<String> a = new String(expected, StandardCharsets.UTF_8).lines().toList();
        List<String> b = new String(got, StandardCharsets.UTF_8).lines().toList();
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
          assertEquals(a.get(i), b.get(i), file + " line " + (i + 1) + " " + what);
        }
      }
      assertArrayEquals(expected, got, file + " " + what);
    }
  }

  @ParameterizedTest(name = "{0} partitions")
  @ValueSource(ints = {3, 8})
  void outputsAreByteIdenticalWhateverThePartitioning(int partitions) {
    assertSameOutputs(calibrate(partitions, "p" + partitions),
        "with " + partitions + " partitions vs 1");
  }

  /**
   * The premise of the above: ONNX Runtime computes a row the same, bit for bit, whatever batch
   * it is in. The first 64 slice rows as one batch and in batches of 1, 7 (9 batches, the last
   * of 1) and 40 + 24 must give the same logits bits; for the heaviest model too.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"cnn.onnx", "residual.onnx"})
  void onnxRuntimeRowOutputsDoNotDependOnTheBatch(String name) throws Exception {
    OutputFiles.Slice rows = OutputFiles.slice(spark, 64);
    byte[] model = java.nio.file.Files.readAllBytes(Path.of(TestPaths.model(name)));
    float[] whole = logits(name, model, rows.pixels(), new int[] {64});
    for (int[] split : new int[][] {repeat(1, 64), {7, 7, 7, 7, 7, 7, 7, 7, 7, 1}, {40, 24}}) {
      float[] parts = logits(name, model, rows.pixels(), split);
      for (int i = 0; i < whole.length; i++) {
        assertEquals(Float.floatToRawIntBits(whole[i]), Float.floatToRawIntBits(parts[i]),
            name + " row " + i / 10 + " logit " + i % 10 + " in batches " + Arrays.toString(split));
      }
    }
  }

  private static int[] repeat(int value, int times) {
    int[] a = new int[times];
    Arrays.fill(a, value);
    return a;
  }

  /** The logits of the rows fed in consecutive batches of the given sizes. */
  private static float[] logits(String name, byte[] model, float[] pixels, int[] batches) {
    float[] all = new float[Arrays.stream(batches).sum() * 10];
    try (org.qcal.runtime.ModelRunner runner = org.qcal.runtime.ModelRunner.open(
        org.qcal.runtime.ModelSource.of(name, model), org.qcal.runtime.RuntimeOptions.DEFAULTS)) {
      int row = 0;
      for (int n : batches) {
        runner.setFloatSlice("input", pixels, row * 784, new long[] {n, 1, 28, 28});
        System.arraycopy(runner.run().floats("logits"), 0, all, row * 10, n * 10);
        row += n;
      }
    }
    return all;
  }

  @Test
  void secondRunGivesByteIdenticalOutputs() {
    assertSameOutputs(calibrate(1, "again"), "in a second run");
  }
}
