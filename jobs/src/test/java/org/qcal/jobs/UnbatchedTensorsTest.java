package org.qcal.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tapped tensors whose first dim is not the batch: a Transpose ({@code [3, batch]}) and a scalar
 * per batch. One task slot, so that a file is a partition and batches follow file order.
 *
 * <p>Data: 12 rows, row i = {@code [i, -i, i-5, 0]}. The model: y = x W with W the 4x3 matrix
 * keeping the first three columns, t = Transpose(y) ({@code [3, B]}), r = Relu(t), z =
 * Transpose(r); and m = ReduceMax(x) (a scalar per batch), o = x * m.
 */
class UnbatchedTensorsTest {
  private static SparkSession spark;
  @TempDir static Path tmp;
  private static String model;

  @BeforeAll
  static void start() throws Exception {
    spark = JobsTestSpark.startWith("UnbatchedTensorsTest", "local[1]",
        "spark.sql.files.openCostInBytes", String.valueOf(128L << 20),
        "spark.sql.files.maxPartitionBytes", String.valueOf(128L << 20));
    model = new TinyModels()
        .input("x", -1, 4)
        .weight("W", new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0}, 4, 3)
        .node("MatMul", List.of("x", "W"), "y")
        .node("Transpose", List.of("y"), "t", TinyModels.ints("perm", 1, 0))
        .node("Relu", List.of("t"), "r")
        .node("Transpose", List.of("r"), "z", TinyModels.ints("perm", 1, 0))
        .node("ReduceMax", List.of("x"), "m", TinyModels.intValue("keepdims", 0))
        .node("Mul", List.of("x", "m"), "o")
        .output("z", -1, 3)
        .output("o", -1, 4)
        .write(tmp.resolve("unbatched.onnx"));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** The 12 rows in {@code files} Parquet files (one partition each) at one path. */
  private static String data(int files) {
    List<org.apache.spark.sql.Row> rows = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      rows.add(RowFactory.create(List.of((float) i, (float) -i, (float) (i - 5), 0f)));
    }
    StructType schema = new StructType().add("x",
        DataTypes.createArrayType(DataTypes.FloatType, false), false);
    String path = tmp.resolve("data.parquet").toString();
    spark.createDataFrame(rows, schema).coalesce(1).repartition(files)
        .sortWithinPartitions("x").write().mode(SaveMode.Overwrite).parquet(path);
    return path;
  }

  private static byte[] calibrate(String data, int batch, String run) throws Exception {
    return calibrate(data, batch, run, org.qcal.jobs.api.Defaults.TAP_MEMORY_MB);
  }

  private static byte[] calibrate(String data, int batch, String run, int tapMemoryMb)
      throws Exception {
    Path out = tmp.resolve("out-" + run);
    TestRuns.calibrate(model, data, List.of("minmax", "averageminmax", "entropy"), "minmax",
        batch).tapMemoryMb(tapMemoryMb).output(out.toString()).run(spark);
    return Files.readAllBytes(out.resolve(org.qcal.jobs.io.CalibrationOutputs.CALIBRATION_JSON));
  }

  private static JsonNode stats(byte[] json, String tensor) throws Exception {
    JsonNode root = new ObjectMapper().readTree(json);
    for (JsonNode t : root.get("tensors")) {
      if (t.get("name").asText().equals(tensor)) {
        return t.get("stats");
      }
    }
    throw new AssertionError(tensor + " not in " + root.get("tensors"));
  }

  private static void assertStats(JsonNode stats, long samples, long count, double min,
      double max) {
    assertEquals(samples, stats.get("samples").asLong(), "samples");
    assertEquals(count, stats.get("count").asLong(), "count");
    assertEquals(min, stats.get("min").asDouble(), "min");
    assertEquals(max, stats.get("max").asDouble(), "max");
  }

  @Test
  void transposedTensorCountsRowsAsSamplesAndHasNoPerSampleExtremes() throws Exception {
    byte[] json = calibrate(data(1), 5, "transposed");
    JsonNode r = stats(json, "r");
    // r = relu of {i, -i, i-5}: 36 values, max 11, min 0; 12 rows fed.
    assertStats(r, 12, 36, 0, 11);
    // Unbatched: AverageMinMax is the global range, whatever the batches were.
    assertEquals(0.0, r.get("meanSampleMin").asDouble());
    assertEquals(11.0, r.get("meanSampleMax").asDouble());
    // x is batch-first: per-row maxima i (mean 5.5), minima -5,-4,-3,-3,-4,-5..-11 (sum -75).
    JsonNode x = stats(json, "x");
    assertEquals(5.5, x.get("meanSampleMax").asDouble());
    assertEquals(-6.25, x.get("meanSampleMin").asDouble());
  }

  @Test
  void calibrationJsonCountsTapsWeightsAndFloatNodes() throws Exception {
    JsonNode root = new ObjectMapper().readTree(calibrate(data(1), 5, "graph"));
    JsonNode graph = root.get("graph");
    // Six nodes; W is the one weight; ReduceMax is no op qcal quantizes.
    assertEquals(6, graph.get("nodes").asInt());
    assertEquals(1, graph.get("weights").asInt());
    assertEquals(0, graph.get("biases").asInt());
    assertEquals(root.get("tensors").size(), graph.get("tappedTensors").asInt());
    assertEquals(1, graph.get("floatNodes").get("ReduceMax").asInt());
  }

  @Test
  void scalarPerBatchIsOneValueForTheRowsOfItsBatch() throws Exception {
    byte[] json = calibrate(data(1), 4, "scalar");
    JsonNode m = stats(json, "m");
    // Batches {0..3}, {4..7}, {8..11}: m = 3, 7, 11; three values standing for 12 rows.
    assertStats(m, 12, 3, 3, 11);
    assertEquals(7.0, m.get("mean").asDouble());
  }

  @Test
  void transposedStatisticsAreByteIdenticalWhateverThePartitioning() throws Exception {
    // Batches of 5: one file gives 5+5+2 rows, three files 4+4+4 (other rows share batches).
    byte[] one = calibrate(data(1), 5, "p1");
    byte[] three = calibrate(data(3), 5, "p3");
    String r1 = stats(one, "r").toString();
    assertEquals(r1, stats(three, "r").toString());
    assertEquals(stats(one, "x").toString(), stats(three, "x").toString());
    assertTrue(r1.contains("\"samples\":12"), r1);
  }
}
