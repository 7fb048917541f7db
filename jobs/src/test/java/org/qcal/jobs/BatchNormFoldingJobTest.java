package org.qcal.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qcal.ElementType;
import org.qcal.jobs.cli.ExitCode;
import org.qcal.jobs.cli.Main;
import org.qcal.jobs.io.LoadedInputModel;
import org.qcal.jobs.tune.TuneJob;
import org.qcal.jobs.validate.CalibrationCandidates;
import org.qcal.jobs.validate.Candidate;
import org.qcal.onnx.OnnxModel;
import org.qcal.onnx.proto.Onnx.GraphProto;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.onnx.proto.Onnx.TensorProto;

/**
 * calibrate on a model with unfolded BatchNormalization (torch.onnx with
 * do_constant_folding=False): the export is built from the folded graph, so it has no
 * BatchNormalization and each Conv reads its folded weight dequantized per output channel;
 * validate --calibration rebuilds exactly that export, tune and its float fallback work on the
 * folded graph, and the outputs are the same run to run.
 */
class BatchNormFoldingJobTest {
  private static final int ROWS = 24;
  private static final int PIXELS = 3 * 6 * 6;

  private static SparkSession spark;
  @TempDir static Path tmp;
  private static String model;
  private static String data;
  private static Path out;

  @BeforeAll
  static void calibrate() throws Exception {
    spark = JobsTestSpark.start("BatchNormFoldingJobTest", 1);
    model = convBnModel().write(tmp.resolve("unfolded.onnx"));
    data = data();
    out = tmp.resolve("out");
    calibrateInto(out);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /**
   * x [N,3,6,6] -> Conv(W1 [4,3,3,3], B1, pad 1) -> BatchNormalization -> Relu -> depthwise
   * Conv(W2 [4,1,3,3], group 4, no bias) -> BatchNormalization -> y [N,4,6,6].
   */
  private static TinyModels convBnModel() {
    TinyModels m = new TinyModels().input("x", -1, 3, 6, 6).output("y", -1, 4, 6, 6)
        .weight("W1", values(108, 1, 0.5f), 4, 3, 3, 3)
        .weight("B1", new float[] {0.1f, -0.2f, 0.3f, 0f}, 4)
        .weight("W2", values(36, 2, 0.8f), 4, 1, 3, 3);
    for (String bn : List.of("1", "2")) {
      m.weight("s" + bn, new float[] {1.5f, -0.5f, 0.8f, 2f}, 4)
          .weight("b" + bn, new float[] {0.2f, 0f, -0.1f, 0.4f}, 4)
          .weight("m" + bn, new float[] {0.05f, -0.3f, 0.1f, 0f}, 4)
          .weight("v" + bn, new float[] {1f, 0.25f, 2f, 0.5f}, 4);
    }
    return m
        .node("Conv", List.of("x", "W1", "B1"), "c1", TinyModels.ints("pads", 1, 1, 1, 1))
        .node("BatchNormalization", List.of("c1", "s1", "b1", "m1", "v1"), "n1")
        .node("Relu", List.of("n1"), "r1")
        .node("Conv", List.of("r1", "W2"), "c2", TinyModels.ints("pads", 1, 1, 1, 1),
            TinyModels.intValue("group", 4))
        .node("BatchNormalization", List.of("c2", "s2", "b2", "m2", "v2"), "y");
  }

  private static float[] values(int n, long seed, float scale) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (r.nextFloat() * 2 - 1) * scale;
    }
    return v;
  }

  /** {@value #ROWS} rows of random pixels in [-1, 1], in 3 Parquet files. */
  private static String data() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      Float[] boxed = new Float[PIXELS];
      float[] v = values(PIXELS, 100 + i, 1f);
      for (int k = 0; k < PIXELS; k++) {
        boxed[k] = v[k];
      }
      rows.add(RowFactory.create((Object) Arrays.asList(boxed)));
    }
    StructType schema = new StructType()
        .add("x", DataTypes.createArrayType(DataTypes.FloatType, false), false);
    String path = tmp.resolve("data.parquet").toString();
    spark.createDataFrame(rows, schema).coalesce(1).repartition(3).write().parquet(path);
    return path;
  }

  /**
   * Excludes a BatchNormalization by name: the user sees it in the model they gave, and
   * qcal accepts the name although the node is gone from the graph it quantizes.
   */
  private static void calibrateInto(Path dir) {
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true),
        "calibrate", "--model", model, "--data", data, "--methods", "minmax,mse",
        "--choose", "mse", "--exclude-nodes", "BatchNormalization_y", "--out", dir.toString());
    assertEquals(ExitCode.OK, exit, err.toString());
  }

  private static GraphProto exported(Path dir) throws Exception {
    return OnnxModel.load(dir.resolve(org.qcal.jobs.io.CalibrationOutputs.QDQ_MODEL)).graph();
  }

  private static NodeProto producer(GraphProto g, String tensor) {
    return g.getNodeList().stream().filter(n -> n.getOutputList().contains(tensor)).findFirst()
        .orElseThrow(() -> new AssertionError("nothing writes " + tensor));
  }

  private static TensorProto initializer(GraphProto g, String name) {
    return g.getInitializerList().stream().filter(t -> t.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no initializer " + name));
  }

  @Test
  void theExportHasNoBatchNormalizationAndPerChannelFoldedWeights() throws Exception {
    GraphProto g = exported(out);

    assertFalse(g.getNodeList().stream()
        .anyMatch(n -> n.getOpType().equals("BatchNormalization")));
    List<NodeProto> convs = g.getNodeList().stream().filter(n -> n.getOpType().equals("Conv"))
        .toList();
    assertEquals(2, convs.size());
    for (NodeProto conv : convs) {
      NodeProto dq = producer(g, conv.getInput(1));
      assertEquals("DequantizeLinear", dq.getOpType(), conv.getName());
      assertEquals(ElementType.INT8.code(), initializer(g, dq.getInput(0)).getDataType());
      assertEquals(List.of(4L), initializer(g, dq.getInput(1)).getDimsList(),
          "one scale per output channel");
      assertTrue(dq.getAttributeList().stream()
          .anyMatch(a -> a.getName().equals("axis") && a.getI() == 0), "axis 0");
      assertEquals(3, conv.getInputCount(), "a bias, also where the Conv had none");
    }
    // The Convs write the BatchNormalization outputs; the pre-BN tensors are gone.
    assertFalse(g.getNodeList().stream().anyMatch(
        n -> n.getOutputList().contains("c1") || n.getOutputList().contains("c2")));
  }

  @Test
  void calibrationJsonTapsThePostBnTensorsAndCountsTheFolds() {
    JsonNode root = OutputFiles.json(out);
    List<String> tensors = new ArrayList<>();
    root.get("tensors").forEach(t -> tensors.add(t.get("name").asText()));

    assertEquals(2, root.at("/graph/foldedBatchNorms").asInt());
    assertFalse(tensors.contains("c1") || tensors.contains("c2"), tensors.toString());
    assertTrue(tensors.contains("y"), tensors.toString());
    assertEquals(2, root.at("/graph/weights").asInt());
  }

  @Test
  void validateRebuildsTheExportFromTheFoldedGraph() throws Exception {
    // What validate --calibration does: read the FP32 model and export every method.
    LoadedInputModel fp32 = LoadedInputModel.load(model, new Configuration());
    List<Candidate> candidates = CalibrationCandidates.candidates(
        org.qcal.jobs.io.CalibrationFile.read(out.toString(), new Configuration()), fp32);
    Candidate mse = candidates.stream().filter(c -> c.name().equals("mse")).findFirst()
        .orElseThrow();
    assertArrayEquals(OutputFiles.bytes(out.resolve(org.qcal.jobs.io.CalibrationOutputs.QDQ_MODEL)),
        mse.bytes());

    // And the command itself, against the unfolded FP32 model with per-tensor errors.
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true),
        "validate", "--model", model, "--calibration", out.toString(), "--data", data,
        "--tensor-errors", "--out", tmp.resolve("validation").toString());
    assertTrue(exit == ExitCode.OK || exit == ExitCode.GATE_FAILED, err.toString());
  }

  @Test
  void theSameInputGivesTheSameBytes() throws Exception {
    Path again = tmp.resolve("again");
    calibrateInto(again);

    for (String file : List.of(org.qcal.jobs.io.CalibrationOutputs.QDQ_MODEL, org.qcal.jobs.io.CalibrationOutputs.CALIBRATION_JSON)) {
      assertArrayEquals(OutputFiles.bytes(out.resolve(file)),
          OutputFiles.bytes(again.resolve(file)), file);
    }
  }

  @Test
  void tuneAndItsFloatFallbackWorkOnTheFoldedGraph() throws Exception {
    // An SQNR no int8 model reaches: one fallback step keeps the worst tensor's Conv in float.
    Path dir = tmp.resolve("tune");
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true),
        "tune", "--model", model, "--calib-data", data, "--val-data", data, "--methods",
        "minmax,mse", "--metric", "sqnr", "--min-sqnr", "200", "--max-float-tensors", "1",
        "--exclude-nodes", "BatchNormalization_y", "--out", dir.toString());

    assertEquals(ExitCode.GATE_FAILED, exit, err.toString());
    JsonNode tune = new ObjectMapper().readTree(dir.resolve(TuneJob.TUNE_JSON).toFile());
    assertEquals(1, tune.get("fallbackSteps").size(), tune.toString());
    assertFalse(exported(dir).getNodeList().stream()
        .anyMatch(n -> n.getOpType().equals("BatchNormalization")));
  }
}
