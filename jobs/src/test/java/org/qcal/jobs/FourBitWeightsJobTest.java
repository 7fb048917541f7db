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
import org.qcal.jobs.cli.ExitCode;
import org.qcal.jobs.io.CalibrationOutputs;
import org.qcal.onnx.OnnxModel;
import org.qcal.onnx.proto.Onnx.AttributeProto;
import org.qcal.onnx.proto.Onnx.GraphProto;
import org.qcal.onnx.proto.Onnx.NodeProto;

/**
 * {@code --weight-type uint4 --weight-block-size 64} on the shipped CNN (Conv x2, Gemm
 * 1568->128 and 128->10; docs/DESIGN.md "Quantization types"): both Gemms become MatMulNBits,
 * the Convs keep int8 weights, ONNX Runtime runs the MatMulNBits kernels, calibration.json
 * records the block size, and validate --calibration rebuilds the same bytes.
 */
class FourBitWeightsJobTest {
  private static SparkSession spark;
  @TempDir static Path tmp;
  private static Path out;
  private static String cnn;

  @BeforeAll
  static void calibrate() {
    spark = JobsTestSpark.start("FourBitWeightsJobTest", 1);
    cnn = TestPaths.model("cnn.onnx");
    out = tmp.resolve("out");
    assertEquals(ExitCode.OK, TestRuns.calibrateCli(cnn, 64, out,
        new PrintWriter(System.err, true), "--methods", "minmax", "--choose", "minmax",
        "--weight-type", "uint4", "--weight-block-size", "64"));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static long attribute(NodeProto n, String name) {
    return n.getAttributeList().stream().filter(a -> a.getName().equals(name))
        .mapToLong(AttributeProto::getI).findFirst().orElseThrow();
  }

  @Test
  void gemmsBecomeMatMulNBitsAndConvsKeepInt8() throws Exception {
    GraphProto g = OnnxModel.load(out.resolve(CalibrationOutputs.QDQ_MODEL)).graph();
    List<NodeProto> nbits = g.getNodeList().stream()
        .filter(n -> n.getOpType().equals("MatMulNBits")).toList();

    assertEquals(List.of("/fc1/Gemm", "/fc2/Gemm"), nbits.stream().map(NodeProto::getName)
        .toList());
    NodeProto fc1 = nbits.get(0);
    assertEquals(1568, attribute(fc1, "K"));
    assertEquals(128, attribute(fc1, "N"));
    assertEquals(64, attribute(fc1, "block_size"));
    // uint4 is asymmetric: zero points are input 3; fc1's bias (Gemm's C) is input 5.
    assertTrue(!fc1.getInput(3).isEmpty() && !fc1.getInput(5).isEmpty(), fc1.toString());
    // ceil(1568 / 64) = 25 blocks per column (the last one padded), two values per byte.
    NodeProto fc1Weight = fc1;
    var blob = g.getInitializerList().stream()
        .filter(t -> t.getName().equals(fc1Weight.getInput(1))).findFirst().orElseThrow();
    assertEquals(List.of(128L, 25L, 32L), blob.getDimsList());
    assertEquals(2, g.getNodeList().stream().filter(n -> n.getOpType().equals("Conv")).count());
    assertTrue(g.getInitializerList().stream().anyMatch(t -> t.getName()
        .startsWith("conv1.weight_quantized")), "Conv weights stay int8");
  }

  @Test
  void onnxRuntimeRunsTheMatMulNBitsKernelsAndTheRecipeKeepsTheBlockSize() {
    JsonNode root = OutputFiles.json(out);
    assertEquals(2, root.path("int8Kernels").path("ops").path("MatMulNBits").asInt());
    assertEquals(64, root.path("settings").path("recipe").path("weightBlockSize").asInt());
    assertEquals("uint4", root.path("settings").path("recipe").path("weightType").asText());
  }

  @Test
  void validateRebuildsTheExportedModelFromCalibrationJson() {
    OutputFiles.assertRebuiltExport(out, cnn, "minmax");
  }
}
