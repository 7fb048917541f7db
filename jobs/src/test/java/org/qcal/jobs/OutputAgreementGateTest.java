package org.qcal.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qcal.jobs.cli.ExitCode;
import org.qcal.jobs.cli.Main;

/**
 * Agreement with FP32 for outputs that are not [batch, classes]: per-step classes and dense
 * maps, with the default metric chosen from the output's shape. The "candidate" adds a constant
 * to the FP32 output, so every count below is derived by hand from the two rows.
 */
class OutputAgreementGateTest {
  private static SparkSession spark;
  @TempDir static Path tmp;

  @BeforeAll
  static void start() {
    spark = JobsTestSpark.start("OutputAgreementGateTest", 1);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** x [batch, n] -> Reshape(shape) [-> Add(add)] -> y. */
  private static Path model(String file, int n, long[] shape, float[] add) throws IOException {
    TinyModels m = new TinyModels().input("x", -1, n).output("y", shape).longs("shape", shape);
    if (add == null) {
      m.node("Reshape", List.of("x", "shape"), "y");
    } else {
      m.node("Reshape", List.of("x", "shape"), "r").weight("c", add, add.length)
          .node("Add", List.of("r", "c"), "y");
    }
    return Path.of(m.write(tmp.resolve(file)));
  }

  private static String data(String name, float[]... rows) {
    List<Row> list = new ArrayList<>();
    for (float[] r : rows) {
      Float[] boxed = new Float[r.length];
      for (int i = 0; i < r.length; i++) {
        boxed[i] = r[i];
      }
      list.add(RowFactory.create((Object) Arrays.asList(boxed)));
    }
    StructType schema = new StructType()
        .add("x", DataTypes.createArrayType(DataTypes.FloatType, false), false);
    String path = tmp.resolve(name).toString();
    spark.createDataFrame(list, schema).coalesce(1).write().parquet(path);
    return path;
  }

  private static JsonNode validate(Path fp32, Path candidate, String data, String out,
      String... more) throws IOException {
    List<String> args = new ArrayList<>(List.of("validate", "--model", fp32.toString(),
        "--quantized", candidate.toString(), "--data", data, "--out", tmp.resolve(out)
            .toString()));
    args.addAll(List.of(more));
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true),
        args.toArray(String[]::new));
    assertTrue(exit == ExitCode.OK || exit == ExitCode.GATE_FAILED, err.toString());
    return new ObjectMapper().readTree(tmp.resolve(out).resolve("validation.json").toFile());
  }

  /**
   * Rows of [2 steps, 3 classes]; the candidate adds 0.5 to class 2. Row 0: FP32 argmaxes
   * (0, 1), candidate (0, 2) as 0.8 + 0.5 > 1. Row 1: (1, 0) both. So 3 of 4 steps agree and 1
   * of 2 rows has the same sequence.
   */
  @Test
  void perStepClassesAreGatedByStepAgreementByDefault() throws IOException {
    long[] shape = {-1, 2, 3};
    Path fp32 = model("seq.onnx", 6, shape, null);
    Path cand = model("seq-cand.onnx", 6, shape, new float[] {0, 0, 0.5f});
    String data = data("seq.parquet", new float[] {1, 0, 0, 0, 1, 0.8f},
        new float[] {0, 3, 0, 2, 0, 0});

    JsonNode byDefault = validate(fp32, cand, data, "seq-default");
    assertEquals("step-agreement", byDefault.at("/gate/metric").asText());
    JsonNode c = byDefault.at("/candidates/0");
    assertEquals(75.0, c.at("/value").asDouble());
    assertEquals(25.0, c.at("/drop").asDouble());
    assertEquals(4, c.at("/outputAgreement/positions").asLong());
    assertEquals(3, c.at("/outputAgreement/positionsEqual").asLong());

    JsonNode sequence = validate(fp32, cand, data, "seq-sequence", "--metric",
        "sequence-agreement", "--max-drop", "50");
    assertEquals(50.0, sequence.at("/candidates/0/value").asDouble());
    assertTrue(sequence.at("/gate/passed").asBoolean(), "a drop of 50 is within 50");
  }

  /**
   * Maps [1, 2, 2], threshold 0.5; the candidate adds 0.3. Row 0 [0.1, 0.3, 0.6, 0.9] becomes
   * [0.4, 0.6, 0.9, 1.2]: positives {2, 3} and {1, 2, 3}. Row 1 [0.7, 0, 0.1, 0.2] becomes
   * [1.0, 0.3, 0.4, 0.5]: {0} and {0} (0.5 is not above 0.5). Same side 7 of 8; intersection
   * 2 + 1 = 3, union 3 + 1 = 4: IoU 75 %.
   */
  @Test
  void mapsAreGatedByIouByDefault() throws IOException {
    long[] shape = {-1, 1, 2, 2};
    Path fp32 = model("map.onnx", 4, shape, null);
    Path cand = model("map-cand.onnx", 4, shape, new float[] {0.3f});
    String data = data("map.parquet", new float[] {0.1f, 0.3f, 0.6f, 0.9f},
        new float[] {0.7f, 0, 0.1f, 0.2f});

    JsonNode byDefault = validate(fp32, cand, data, "map-default");
    assertEquals("iou", byDefault.at("/gate/metric").asText());
    assertEquals(75.0, byDefault.at("/candidates/0/value").asDouble());
    assertTrue(!byDefault.at("/gate/passed").asBoolean(), "a drop of 25 is over 1 point");

    JsonNode sides = validate(fp32, cand, data, "map-sides", "--metric", "map-agreement");
    assertEquals(87.5, sides.at("/candidates/0/value").asDouble());
    assertEquals(3, sides.at("/candidates/0/outputAgreement/intersection").asLong());
    assertEquals(4, sides.at("/candidates/0/outputAgreement/union").asLong());
  }

  @Test
  void aSequenceMetricOnAMapOutputIsOneClearLine() throws IOException {
    Path fp32 = model("map2.onnx", 4, new long[] {-1, 4}, null);
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true),
        "validate", "--model", fp32.toString(), "--quantized", fp32.toString(), "--data",
        data("x.parquet", new float[] {1, 2, 3, 4}), "--metric", "sequence-agreement", "--out",
        tmp.resolve("bad").toString());
    assertEquals(ExitCode.BAD_INPUT, exit, err.toString());
    assertTrue(err.toString().contains("--metric sequence-agreement cannot be measured on"
        + " output 'y'"), err.toString());
  }
}
