package org.qcal.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.qcal.onnx.GraphBuilder.intAttr;
import static org.qcal.onnx.GraphBuilder.intsAttr;
import static org.qcal.onnx.GraphBuilder.values;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.qcal.ElementType;
import org.qcal.QcalException;

class GraphAnalyzerTest {

  @Test
  void convNetTapsTheInputThePoolAfterTheFoldedReluAndTheOutput() {
    CalibrationPlan plan = GraphAnalyzer.analyze(TestGraphs.convNet().model("convnet.onnx"));

    // The Relu's only reader is the MaxPool, which shares its params: measured at the pool.
    assertEquals(List.of("input", "pool_out", "logits"), plan.tappedTensors());
    assertEquals(List.of("input", "relu_out", "pool_out", "flat", "logits"),
        plan.quantizedTensors());
  }

  @Test
  void convNetReluMaxPoolAndFlattenShareThePoolParams() {
    CalibrationPlan plan = GraphAnalyzer.analyze(TestGraphs.convNet().model("convnet.onnx"));

    assertEquals(List.of("pool_out", "relu_out", "flat"), plan.aliasGroups().get("pool_out"));
    assertEquals("pool_out", plan.paramsSource("relu_out"));
    assertEquals("pool_out", plan.paramsSource("flat"));
    assertEquals("logits", plan.paramsSource("logits"));
  }

  @Test
  void convNetFoldsThePreActivationIntoTheRelu() {
    CalibrationPlan plan = GraphAnalyzer.analyze(TestGraphs.convNet().model("convnet.onnx"));

    // The fused Conv+Relu writes the Relu output with the params measured at the pool.
    assertEquals(Map.of("conv_out", "pool_out"), plan.foldedTensors());
    assertEquals("pool_out", plan.paramsSource("conv_out"));
    assertTrue(!plan.quantizedTensors().contains("conv_out"));
  }

  @Test
  void convNetWeightsHaveTheirOutputChannelAxes() {
    CalibrationPlan plan = GraphAnalyzer.analyze(TestGraphs.convNet().model("convnet.onnx"));

    assertEquals(2, plan.weights().size());
    WeightSpec conv = plan.weights().get(0);
    assertEquals("W", conv.initializer());
    assertEquals(0, conv.axis());
    assertEquals(2, conv.channels());
    WeightSpec fc = plan.weights().get(1);
    assertEquals("fcW", fc.initializer());
    assertEquals(0, fc.axis(), "Gemm with transB=1 has B as [N, K]");
    assertEquals(3, fc.channels());
  }

  @Test
  void convNetBiasesPointAtTheirActivationAndWeight() {
    CalibrationPlan plan = GraphAnalyzer.analyze(TestGraphs.convNet().model("convnet.onnx"));

    assertEquals(List.of(
        new BiasSpec("B", 0, "conv", 2, "input", "W"),
        new BiasSpec("fcB", 4, "fc", 2, "flat", "fcW")), plan.biases());
    assertEquals(List.of("conv", "fc"), plan.quantizedNodes());
  }

  @Test
  void withoutFoldingTheConvOutputIsQuantizedAndTheReluStandsAlone() {
    CalibrationPlan plan = GraphAnalyzer.analyze(TestGraphs.convNet().model("convnet.onnx"),
        NodeSelection.ALL, false);

    assertEquals(List.of("input", "conv_out", "pool_out", "logits"), plan.tappedTensors());
    assertTrue(plan.foldedTensors().isEmpty());
    assertEquals(List.of("conv", "relu", "fc"), plan.quantizedNodes());
  }

  @Test
  void gemmWithoutTransposeUsesAxisOneAndMatMulItsLastAxis() {
    OnnxModel model = new GraphBuilder()
        .input("x", ElementType.FLOAT32, -1, 4).output("z", ElementType.FLOAT32, -1, 5)
        .floatInit("B", values(12, 3, 1), 4, 3).floatInit("C", values(3, 4, 1), 3)
        .floatInit("M", values(15, 5, 1), 3, 5)
        .node("Gemm", "gemm", List.of("x", "B", "C"), List.of("y"))
        .node("MatMul", "mm", List.of("y", "M"), List.of("z"))
        .model("gemm.onnx");

    CalibrationPlan plan = GraphAnalyzer.analyze(model);

    assertEquals(1, plan.weights().get(0).axis());
    assertEquals(3, plan.weights().get(0).channels());
    assertEquals("C", plan.biases().get(0).initializer());
    assertEquals(1, plan.weights().get(1).axis());
    assertEquals(5, plan.weights().get(1).channels());
    assertEquals(List.of("x", "y", "z"), plan.tappedTensors());
  }

  @Test
  void convTransposeWeightsUseAxisOne() {
    OnnxModel model = new GraphBuilder()
        .input("x", ElementType.FLOAT32, 1, 2, 3, 3).output("y", ElementType.FLOAT32, 1, 4, 5, 5)
        .floatInit("W", values(72, 6, 1), 2, 4, 3, 3).floatInit("B", values(4, 7, 1), 4)
        .node("ConvTranspose", "deconv", List.of("x", "W", "B"), List.of("y"))
        .model("deconv.onnx");

    CalibrationPlan plan = GraphAnalyzer.analyze(model);

    assertEquals(1, plan.weights().get(0).axis());
    assertEquals(4, plan.weights().get(0).channels());
    assertEquals(1, plan.biases().size());
  }

  @Test
  void matMulBiasAddAndReluFoldIntoOneGroup() {
    OnnxModel model = new GraphBuilder()
        .input("x", ElementType.FLOAT32, -1, 4).output("r", ElementType.FLOAT32, -1, 3)
        .floatInit("W", values(12, 8, 1), 4, 3).floatInit("b", values(3, 9, 1), 3)
        .node("MatMul", "mm", List.of("x", "W"), List.of("h"))
        .node("Add", "add", List.of("h", "b"), List.of("a"))
        .node("Relu", "relu", List.of("a"), List.of("r"))
        .model("mlp.onnx");

    CalibrationPlan plan = GraphAnalyzer.analyze(model);

    assertEquals(List.of("x", "r"), plan.tappedTensors());
    assertEquals(Map.of("h", "r", "a", "r"), plan.foldedTensors());
  }

  @Test
  void aReluWithASecondReaderOfItsInputIsNotFolded() {
    OnnxModel model = new GraphBuilder()
        .input("x", ElementType.FLOAT32, -1, 4).output("s", ElementType.FLOAT32, -1, 3)
        .floatInit("W", values(12, 8, 1), 4, 3)
        .node("MatMul", "mm", List.of("x", "W"), List.of("h"))
        .node("Relu", "relu", List.of("h"), List.of("r"))
        .node("Add", "skip", List.of("h", "r"), List.of("s"))
        .model("skip.onnx");

    CalibrationPlan plan = GraphAnalyzer.analyze(model);

    assertTrue(plan.foldedTensors().isEmpty());
    assertEquals(List.of("x", "h", "r", "s"), plan.tappedTensors());
  }

  @Test
  void chainedMaxPoolsAreMeasuredAtTheLastOne() {
    OnnxModel model = pools(false, false);

    CalibrationPlan plan = GraphAnalyzer.analyze(model);

    assertEquals(List.of("input", "p2", "logits"), plan.tappedTensors());
    assertEquals(List.of("p2", "relu_out", "p1", "flat"), plan.aliasGroups().get("p2"));
    assertEquals("p2", plan.paramsSource("conv_out"));
  }

  @Test
  void aReluWithAnotherReaderBesidesTheMaxPoolIsMeasuredItself() {
    // relu_out is also a graph output: the QDQ model's output carries values the pools drop.
    CalibrationPlan plan = GraphAnalyzer.analyze(pools(true, false));

    assertEquals(List.of("input", "relu_out", "logits"), plan.tappedTensors());
    assertEquals(List.of("relu_out", "p1", "p2", "flat"), plan.aliasGroups().get("relu_out"));
  }

  @Test
  void aMaxPoolWritingItsIndicesIsNotMeasuredThrough() {
    CalibrationPlan plan = GraphAnalyzer.analyze(pools(false, true));

    assertEquals(List.of("input", "relu_out", "logits"), plan.tappedTensors());
  }

  /**
   * input [N,1,4,4] -> Conv(pad 1) -> Relu -> MaxPool(2) -> p1 [N,2,2,2] -> MaxPool(2) -> p2
   * [N,2,1,1] -> Flatten -> Gemm -> logits [N,3]; optionally relu_out is a graph output too, or
   * the first MaxPool also writes its Indices.
   */
  private static OnnxModel pools(boolean reluIsOutput, boolean indices) {
    GraphBuilder b = new GraphBuilder()
        .input("input", ElementType.FLOAT32, -1, 1, 4, 4)
        .output("logits", ElementType.FLOAT32, -1, 3)
        .floatInit("W", values(18, 1, 0.5f), 2, 1, 3, 3)
        .floatInit("B", new float[] {0.1f, -0.2f}, 2)
        .floatInit("fcW", values(6, 2, 0.4f), 3, 2)
        .node("Conv", "conv", List.of("input", "W", "B"), List.of("conv_out"),
            intsAttr("pads", 1, 1, 1, 1), intsAttr("kernel_shape", 3, 3))
        .node("Relu", "relu", List.of("conv_out"), List.of("relu_out"))
        .node("MaxPool", "pool1", List.of("relu_out"),
            indices ? List.of("p1", "p1_indices") : List.of("p1"),
            intsAttr("kernel_shape", 2, 2), intsAttr("strides", 2, 2))
        .node("MaxPool", "pool2", List.of("p1"), List.of("p2"),
            intsAttr("kernel_shape", 2, 2), intsAttr("strides", 2, 2))
        .node("Flatten", "flatten", List.of("p2"), List.of("flat"), intAttr("axis", 1))
        .node("Gemm", "fc", List.of("flat", "fcW"), List.of("logits"), intAttr("transB", 1));
    if (reluIsOutput) {
      b.output("relu_out", ElementType.FLOAT32, -1, 2, 4, 4);
    }
    if (indices) {
      b.output("p1_indices", ElementType.INT64, -1, 2, 2, 2);
    }
    return b.model("pools.onnx");
  }

  @Test
  void excludedOpTypesAndNodesStayFloat() {
    OnnxModel model = TestGraphs.convNet().model("convnet.onnx");

    CalibrationPlan noGemm = GraphAnalyzer.analyze(model,
        NodeSelection.ALL.excludeOpTypes(List.of("Gemm")), true);
    CalibrationPlan noConv = GraphAnalyzer.analyze(model,
        NodeSelection.ALL.excludeNodes(List.of("conv")), true);

    assertEquals(List.of("input", "pool_out"), noGemm.tappedTensors());
    assertEquals(List.of("conv"), noGemm.quantizedNodes());
    assertEquals(1, noGemm.weights().size());
    // Without the Conv the Relu is quantized on its own, and the Gemm as before.
    assertEquals(List.of("conv_out", "pool_out", "logits"), noConv.tappedTensors());
    assertEquals(List.of("relu", "fc"), noConv.quantizedNodes());
    assertEquals("fcW", noConv.weights().get(0).initializer());
  }

  @Test
  void rejectsSelectionNamesThatMatchNoNodeOrOp() {
    OnnxModel model = TestGraphs.convNet().model("convnet.onnx");
    QcalException e = assertThrows(QcalException.class, () -> GraphAnalyzer.analyze(model,
        NodeSelection.ALL.excludeNodes(List.of("conv7")), true));
    assertTrue(e.getMessage().contains("conv7") && e.getMessage().contains("convnet.onnx"),
        e.getMessage());
    assertThrows(QcalException.class, () -> NodeSelection.ALL.excludeOpTypes(List.of("LSTM")));
  }

  @Test
  void aModelWithNoFloatTensorsToCalibrateIsRefusedNamingIt() {
    OnnxModel ints = new GraphBuilder()
        .input("a", ElementType.INT32, 4).input("b", ElementType.INT32, 4)
        .output("c", ElementType.INT32, 4)
        .node("Add", "add", List.of("a", "b"), List.of("c"))
        .model("ints.onnx");

    QcalException e = assertThrows(QcalException.class, () -> GraphAnalyzer.analyze(ints));

    assertTrue(e.getMessage().contains("ints.onnx"), e.getMessage());
    assertTrue(e.getMessage().contains("no float tensors to calibrate"), e.getMessage());
  }

  @Test
  void integerShapeArithmeticIsNotQuantized() {
    // torch-style dynamic reshape: Shape -> Gather -> Concat(int64) -> Reshape, no value_info.
    OnnxModel model = new GraphBuilder()
        .input("x", ElementType.FLOAT32, -1, 2, 3).output("y", ElementType.FLOAT32, -1, 6)
        .int64Init("zero", new long[] {0}, 1).int64Init("minus1", new long[] {-1}, 1)
        .node("Shape", "shape", List.of("x"), List.of("s"))
        .node("Gather", "batch", List.of("s", "zero"), List.of("n"), intAttr("axis", 0))
        .node("Concat", "cat", List.of("n", "minus1"), List.of("newshape"), intAttr("axis", 0))
        .node("Reshape", "reshape", List.of("x", "newshape"), List.of("r"))
        .node("Relu", "relu", List.of("r"), List.of("y"))
        .model("reshape.onnx");

    CalibrationPlan plan = GraphAnalyzer.analyze(model);

    assertEquals(List.of("x", "y"), plan.tappedTensors());
    assertEquals(List.of("x", "r", "y"), plan.quantizedTensors());
    assertEquals("x", plan.paramsSource("r"), "the Reshape output shares its input's params");
    assertNull(plan.paramsSource("newshape"));
    assertEquals(List.of("relu"), plan.quantizedNodes());
  }

  @Test
  void residualAddQuantizesBothBranchesAndFoldsItsRelu() {
    OnnxModel model = new GraphBuilder()
        .input("x", ElementType.FLOAT32, 1, 2, 4, 4).output("out", ElementType.FLOAT32, 1, 2, 4, 4)
        .floatInit("W", values(8, 10, 1), 2, 2, 1, 1)
        .node("Conv", "conv", List.of("x", "W"), List.of("c"))
        .node("Add", "add", List.of("c", "x"), List.of("s"))
        .node("Relu", "relu", List.of("s"), List.of("out"))
        .model("res.onnx");

    CalibrationPlan plan = GraphAnalyzer.analyze(model);

    assertEquals(List.of("x", "c", "out"), plan.tappedTensors());
    assertEquals(Map.of("s", "out"), plan.foldedTensors());
    assertEquals(List.of("conv", "add"), plan.quantizedNodes());
    assertTrue(plan.biases().isEmpty());
  }

  @Test
  void matMulOnThreeDimensionalInputKeepsItsOutputAndQuantizesTheAddOperand() {
    OnnxModel model = new GraphBuilder()
        .input("x", ElementType.FLOAT32, 2, 3, 4).output("r", ElementType.FLOAT32, 2, 3, 3)
        .floatInit("W", values(12, 8, 1), 4, 3).floatInit("b", values(3, 9, 1), 3)
        .node("MatMul", "mm", List.of("x", "W"), List.of("h"))
        .node("Add", "add", List.of("h", "b"), List.of("a"))
        .node("Relu", "relu", List.of("a"), List.of("r"))
        .model("projection.onnx");

    CalibrationPlan plan = GraphAnalyzer.analyze(model);

    assertEquals(List.of("x", "h", "r"), plan.tappedTensors());
    assertEquals(Map.of("a", "r"), plan.foldedTensors());
    assertEquals(List.of(new OperandSpec("b", 1, "add", 1, "r")), plan.operands());
    assertEquals(1, plan.weights().get(0).axis(), "MatMul B [4, 3]: its last axis");
  }
}
