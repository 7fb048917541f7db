package org.qcal.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.qcal.QcalException;
import org.qcal.jobs.api.CalibrateSettings;

/**
 * Calibration of models whose input shape the data alone does not give: several dynamic dims
 * ({@code [?,2,?,?]}, from {@code --input-shape} dims or a shape column) and a fixed batch of 1.
 * The model: a = Relu(x), g = GlobalAveragePool(a), so g holds each row's channel means.
 *
 * <p>Data: 6 rows; row i holds 2 channels of n values each, channel 0 = i, channel 1 = -i (so
 * a = [i, 0] per channel and g = [i, 0] whatever the H and W). Rows 0-2 are [2,2,3] (n = 6),
 * rows 3-5 are [2,1,3] (n = 3).
 */
class InputShapesTest {
  private static SparkSession spark;
  @TempDir static Path tmp;
  private static String data;
  private static String fixedData;

  @BeforeAll
  static void start() throws Exception {
    spark = JobsTestSpark.start("InputShapesTest", 1);
    StructType schema = new StructType()
        .add("x", DataTypes.createArrayType(DataTypes.FloatType, false), false)
        .add("s", DataTypes.createArrayType(DataTypes.IntegerType, false), false);
    List<org.apache.spark.sql.Row> rows = new ArrayList<>();
    List<org.apache.spark.sql.Row> fixed = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      int n = i < 3 ? 6 : 3;
      List<Float> values = new ArrayList<>();
      for (int k = 0; k < 2 * n; k++) {
        values.add(k < n ? (float) i : (float) -i);
      }
      rows.add(RowFactory.create(values, List.of(2, i < 3 ? 2 : 1, 3)));
      List<Float> six = new ArrayList<>();
      for (int k = 0; k < 12; k++) {
        six.add(k < 6 ? (float) i : (float) -i);
      }
      fixed.add(RowFactory.create(six, List.of(2, 2, 3)));
    }
    data = tmp.resolve("ragged.parquet").toString();
    spark.createDataFrame(rows, schema).write().mode(SaveMode.Overwrite).parquet(data);
    fixedData = tmp.resolve("fixed.parquet").toString();
    spark.createDataFrame(fixed, schema).write().mode(SaveMode.Overwrite).parquet(fixedData);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static String model(String name, long batch) throws Exception {
    return new TinyModels()
        .input("x", batch, 2, -1, -1)
        .node("Relu", List.of("x"), "a")
        .node("GlobalAveragePool", List.of("a"), "g")
        .output("g", batch, 2, 1, 1)
        .write(tmp.resolve(name));
  }

  private static JsonNode calibrate(String model, String data, Map<String, String> shapes,
      String run) throws Exception {
    Path out = tmp.resolve("out-" + run);
    CalibrateSettings.Builder b = TestRuns.calibrate(model, data, List.of("minmax"), "minmax", 4)
        .input("x", "x").output(out.toString());
    shapes.forEach(b::inputShape);
    b.run(spark);
    return new ObjectMapper().readTree(
        Files.readAllBytes(out.resolve(org.qcal.jobs.io.CalibrationOutputs.CALIBRATION_JSON)));
  }

  private static JsonNode stats(JsonNode json, String tensor) {
    for (JsonNode t : json.get("tensors")) {
      for (JsonNode name : t.get("sharedBy")) {
        if (name.asText().equals(tensor)) {
          return t.get("stats");
        }
      }
      if (t.get("name").asText().equals(tensor)) {
        return t.get("stats");
      }
    }
    throw new AssertionError(tensor + " not in " + json.get("tensors"));
  }

  @Test
  void inputShapeOptionFeedsSeveralDynamicDims() throws Exception {
    JsonNode json = calibrate(model("dyn.onnx", -1), fixedData, Map.of("x", "2,2,3"), "dims");
    assertEquals(6, json.get("samples").asLong());
    JsonNode x = stats(json, "x");
    // 6 rows of 12 values, in [-5, 5]; g = [i, 0] per row: max 5.
    assertEquals(72, x.get("count").asLong());
    assertEquals(-5.0, x.get("min").asDouble());
    assertEquals(5.0, stats(json, "g").get("max").asDouble());
  }

  @Test
  void shapeColumnFeedsRowsOfDifferentShapes() throws Exception {
    JsonNode json = calibrate(model("col.onnx", -1), data, Map.of("x", "@s"), "column");
    assertEquals(6, json.get("samples").asLong());
    // 3 rows of 12 values and 3 of 6: 54; g has 2 values per row whatever the shape.
    assertEquals(54, stats(json, "x").get("count").asLong());
    assertEquals(12, stats(json, "g").get("count").asLong());
    assertEquals(5.0, stats(json, "g").get("max").asDouble());
  }

  @Test
  void missingShapeIsBadInputNamingTheOption() throws Exception {
    String m = model("none.onnx", -1);
    QcalException e = assertThrows(QcalException.class,
        () -> calibrate(m, fixedData, Map.of(), "none"));
    assertTrue(e.getMessage().contains("--input-shape x=2,A,B"), e.getMessage());
  }

  @Test
  void fixedBatchOfOneIsFedOneRowAtATime() throws Exception {
    JsonNode json = calibrate(model("b1.onnx", 1), fixedData, Map.of("x", "2,2,3"), "b1");
    // --batch-size 4 asked; the model takes 1 row: 6 forwards, 6 samples, per-row extremes of
    // x are [-i, i]: mean max (0+1+...+5)/6 = 2.5.
    assertEquals(6, json.get("samples").asLong());
    assertEquals(6, stats(json, "x").get("samples").asLong());
    assertEquals(2.5, stats(json, "x").get("meanSampleMax").asDouble());
  }
}
