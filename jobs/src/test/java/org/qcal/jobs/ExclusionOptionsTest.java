package org.qcal.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qcal.ElementType;
import org.qcal.jobs.cli.ExitCode;
import org.qcal.onnx.OnnxModel;
import org.qcal.onnx.proto.Onnx.GraphProto;
import org.qcal.onnx.proto.Onnx.NodeProto;

/**
 * {@code --exclude-nodes} and {@code --exclude-op-types} keep nodes in float (as ONNX Runtime's
 * {@code nodes_to_exclude} and {@code op_types_to_quantize}), are recorded in calibration.json,
 * and {@code validate --calibration} rebuilds exactly the exported model from that file.
 */
class ExclusionOptionsTest {
  private static SparkSession spark;
  @TempDir static Path tmp;
  private static Path out;
  private static String cnn;

  @BeforeAll
  static void calibrate() {
    spark = JobsTestSpark.start("ExclusionOptionsTest", 1);
    cnn = TestPaths.model("cnn.onnx");
    out = tmp.resolve("out");
    // The shipped CNN: Conv x2, Gemm x2 (quant-core/src/test/resources/models/README.md).
    assertEquals(ExitCode.OK, TestRuns.calibrateCli(cnn, 128, out,
        new PrintWriter(System.err, true), "--methods", "minmax,mse", "--choose", "mse",
        "--exclude-op-types", "Gemm", "--exclude-nodes", "/conv2/Conv"));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static NodeProto node(GraphProto g, String name) {
    return g.getNodeList().stream().filter(n -> n.getName().equals(name)).findFirst()
        .orElseThrow();
  }

  @Test
  void excludedNodesKeepFloatWeightsAndTheOthersAreQuantized() throws Exception {
    GraphProto g = OnnxModel.load(out.resolve(org.qcal.jobs.io.CalibrationOutputs.QDQ_MODEL)).graph();
    for (String name : List.of("/fc1/Gemm", "/fc2/Gemm", "/conv2/Conv")) {
      String weight = node(g, name).getInput(1);
      assertTrue(g.getInitializerList().stream().anyMatch(t -> t.getName().equals(weight)
          && t.getDataType() == ElementType.FLOAT32.code()),
          name + " reads its float weight " + weight);
    }
    String conv1Weight = node(g, "/conv1/Conv").getInput(1);
    assertTrue(g.getNodeList().stream().anyMatch(n -> n.getOpType().equals("DequantizeLinear")
        && n.getOutput(0).equals(conv1Weight)), "conv1's weight is dequantized int8");
  }

  @Test
  void calibrationJsonRecordsTheExclusions() {
    JsonNode recipe = OutputFiles.json(out).path("settings").path("recipe");
    assertEquals("[\"/conv2/Conv\"]", recipe.path("floatNodes").toString());
    assertEquals("[\"Gemm\"]", recipe.path("floatOpTypes").toString());
  }

  @Test
  void validateRebuildsTheExportedModelFromCalibrationJson() {
    OutputFiles.assertRebuiltExport(out, cnn, "mse");
  }
}
