package org.qcal.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.qcal.onnx.GraphBuilder.constantValue;
import static org.qcal.onnx.GraphBuilder.floatAttr;
import static org.qcal.onnx.GraphBuilder.intAttr;
import static org.qcal.onnx.GraphBuilder.intsAttr;
import static org.qcal.onnx.GraphBuilder.values;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.qcal.ElementType;
import org.qcal.onnx.proto.Onnx.GraphProto;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.onnx.proto.Onnx.TensorProto;

/**
 * BatchNormalization folded into the Conv before it: the folded graph has no BatchNormalization
 * and ONNX Runtime computes the same outputs from it; what must not be folded stays untouched.
 */
class BatchNormFoldingTest {
  private static final int BATCH = 2;
  private static final int SIDE = 5;

  /** BatchNormalization statistics of {@code c} channels: var > 0, scales of both signs. */
  private static float[] scale(int c) {
    return values(c, 21, 1.5f);
  }

  private static float[] shift(int c) {
    return values(c, 22, 0.5f);
  }

  private static float[] mean(int c) {
    return values(c, 23, 0.3f);
  }

  private static float[] variance(int c) {
    float[] v = values(c, 24, 2f);
    for (int i = 0; i < c; i++) {
      v[i] = Math.abs(v[i]) + 0.05f;
    }
    return v;
  }

  /**
   * x [N,3,5,5] -> ... -> y [N,4,5,5] with W [4,3,3,3] and the statistics s, b, m, v of 4
   * channels as initializers; the nodes are the caller's.
   */
  private static GraphBuilder threeToFourChannels(long opset) {
    return new GraphBuilder().opset(opset)
        .input("x", ElementType.FLOAT32, -1, 3, SIDE, SIDE)
        .output("y", ElementType.FLOAT32, -1, 4, SIDE, SIDE)
        .floatInit("W", values(108, 1, 0.5f), 4, 3, 3, 3)
        .floatInit("s", scale(4), 4).floatInit("b", shift(4), 4)
        .floatInit("m", mean(4), 4).floatInit("v", variance(4), 4);
  }

  /** A 3x3 Conv that keeps the 5x5 size. */
  private static GraphBuilder conv(GraphBuilder b, String name, List<String> inputs,
      String output) {
    return b.node("Conv", name, inputs, List.of(output), intsAttr("pads", 1, 1, 1, 1),
        intsAttr("kernel_shape", 3, 3));
  }

  private static float[] input(int channels) {
    return values(BATCH * channels * SIDE * SIDE, 42, 1f);
  }

  /**
   * x [N,3,5,5] -> Conv(W [4,3,3,3] and B [4] initializers, pad 1) -> BatchNormalization
   * (epsilon 1e-3, initializers) -> y, the graph output: opset 13, as torch.onnx writes it with
   * do_constant_folding=False.
   */
  private static OnnxModel initializerConvBn() {
    GraphBuilder b = threeToFourChannels(13)
        .floatInit("B", new float[] {0.1f, -0.2f, 0.3f, 0f}, 4);
    return conv(b, "conv", List.of("x", "W", "B"), "conv_out")
        .node("BatchNormalization", "bn", List.of("conv_out", "s", "b", "m", "v"),
            List.of("y"), floatAttr("epsilon", 1e-3f))
        .model("torch_unfolded.onnx");
  }

  /**
   * As paddle2onnx writes it, opset 11: W, B and the BatchNormalization inputs in Constant
   * nodes, W read through an Identity, the default epsilon, then Relu -> y.
   */
  private static OnnxModel constantNodeConvBn() {
    GraphBuilder b = new GraphBuilder().opset(11)
        .input("x", ElementType.FLOAT32, -1, 3, SIDE, SIDE)
        .output("y", ElementType.FLOAT32, -1, 4, SIDE, SIDE)
        .node("Constant", "W_c", List.of(), List.of("W"),
            constantValue(values(108, 1, 0.5f), 4, 3, 3, 3))
        .node("Identity", "W_id", List.of("W"), List.of("W_view"))
        .node("Constant", "B_c", List.of(), List.of("B"),
            constantValue(new float[] {0.1f, -0.2f, 0.3f, 0f}, 4))
        .node("Constant", "s_c", List.of(), List.of("s"), constantValue(scale(4), 4))
        .node("Constant", "b_c", List.of(), List.of("b"), constantValue(shift(4), 4))
        .node("Constant", "m_c", List.of(), List.of("m"), constantValue(mean(4), 4))
        .node("Constant", "v_c", List.of(), List.of("v"), constantValue(variance(4), 4));
    return conv(b, "conv", List.of("x", "W_view", "B"), "conv_out")
        .node("BatchNormalization", "bn", List.of("conv_out", "s", "b", "m", "v"),
            List.of("bn_out"))
        .node("Relu", "relu", List.of("bn_out"), List.of("y"))
        .model("paddle_conv_bn.onnx");
  }

  /** x [N,4,5,5] -> depthwise Conv (group 4, W [4,1,3,3], no bias) -> BatchNormalization -> y. */
  private static OnnxModel depthwiseConvBn() {
    return new GraphBuilder()
        .input("x", ElementType.FLOAT32, -1, 4, SIDE, SIDE)
        .output("y", ElementType.FLOAT32, -1, 4, SIDE, SIDE)
        .floatInit("W", values(36, 3, 0.8f), 4, 1, 3, 3)
        .floatInit("s", scale(4), 4).floatInit("b", shift(4), 4)
        .floatInit("m", mean(4), 4).floatInit("v", variance(4), 4)
        .node("Conv", "dw", List.of("x", "W"), List.of("conv_out"), intAttr("group", 4),
            intsAttr("pads", 1, 1, 1, 1), intsAttr("kernel_shape", 3, 3))
        .node("BatchNormalization", "bn", List.of("conv_out", "s", "b", "m", "v"),
            List.of("y"))
        .model("depthwise.onnx");
  }

  /** The Conv output also feeds an Add (a residual around the BatchNormalization). */
  private static OnnxModel secondConsumer() {
    return conv(threeToFourChannels(13), "conv", List.of("x", "W"), "conv_out")
        .node("BatchNormalization", "bn", List.of("conv_out", "s", "b", "m", "v"),
            List.of("bn_out"))
        .node("Add", "residual", List.of("conv_out", "bn_out"), List.of("y"))
        .model("residual.onnx");
  }

  private static long count(GraphProto g, String op) {
    return g.getNodeList().stream().filter(n -> n.getOpType().equals(op)).count();
  }

  private static NodeProto node(GraphProto g, String name) {
    return g.getNodeList().stream().filter(n -> n.getName().equals(name)).findFirst()
        .orElseThrow();
  }

  private static List<String> initializers(GraphProto g) {
    return g.getInitializerList().stream().map(TensorProto::getName).toList();
  }

  /**
   * ONNX Runtime's outputs of both models on the same input agree to float rounding. The
   * folded Conv multiplies W by s before summing, the original model scales the sum: each
   * rounds 27 products and sums, and the BatchNormalization about 4 more operations, each
   * within 2^-24 relative of values of magnitude |y| or below 2 here; 1e-5 relative plus 1e-6
   * absolute allows over 15 such roundings of a value of 1 (the worst seen: 6 % of the bound).
   */
  private static void assertSameOutputs(OnnxModel original, OnnxModel folded, int channels,
      String output) {
    float[] x = input(channels);
    long[] shape = {BATCH, channels, SIDE, SIDE};
    float[] expected = OrtSupport.run(original.toByteArray(), "x", x, shape).floats(output);
    float[] actual = OrtSupport.run(folded.toByteArray(), "x", x, shape).floats(output);
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      double bound = 1e-5 * Math.abs(expected[i]) + 1e-6;
      assertTrue(Math.abs(expected[i] - actual[i]) <= bound,
          output + "[" + i + "]: folded " + actual[i] + " vs " + expected[i] + ", bound " + bound);
    }
  }

  @Test
  void initializerWeightsFoldAndTheOutputsStayTheSame() {
    OnnxModel original = initializerConvBn();

    BatchNormFolding.Result result = BatchNormFolding.fold(original);
    GraphProto g = result.model().graph();

    assertEquals(List.of("bn"), result.foldedNodes());
    assertEquals(0, count(g, "BatchNormalization"));
    NodeProto conv = node(g, "conv");
    assertEquals(List.of("x", "W_folded", "B_folded"), conv.getInputList());
    assertEquals(List.of("y"), conv.getOutputList(), "the Conv writes the BN's output");
    assertEquals(List.of("W_folded", "B_folded"), initializers(g),
        "W, B and the statistics are read by nothing else and go");
    assertSameOutputs(original, result.model(), 3, "y");
  }

  @Test
  void foldedValuesFollowTheFormula() {
    // One channel: W = [2], b = 1, scale 3, B 0.5, mean 0.25, var 3.99, eps 0.01:
    // s = 3 / sqrt(4) = 1.5, W' = 3, b' = (1 - 0.25) * 1.5 + 0.5 = 1.625.
    FoldedConvWeights f = FoldedConvWeights.of(new float[] {2f}, new float[] {1f},
        new float[] {3f}, new float[] {0.5f}, new float[] {0.25f}, new float[] {3.99f}, 0.01);

    assertEquals(3f, f.weight()[0], 1e-6f);
    assertEquals(1.625f, f.bias()[0], 1e-6f);
    assertEquals(null, FoldedConvWeights.of(new float[] {2f}, null, new float[] {3f},
        new float[] {0f}, new float[] {0f}, new float[] {-1f}, 1e-5), "negative variance");
  }

  @Test
  void constantNodeWeightsBehindIdentityFold() {
    OnnxModel original = constantNodeConvBn();

    BatchNormFolding.Result result = BatchNormFolding.fold(original);
    GraphProto g = result.model().graph();

    assertEquals(1, result.folded());
    assertEquals(0, count(g, "BatchNormalization"));
    assertEquals(0, count(g, "Constant"), "W, B and the statistics were read by nothing else");
    assertEquals(0, count(g, "Identity"));
    assertEquals(List.of("x", "W_view_folded", "B_folded"), node(g, "conv").getInputList());
    assertEquals(List.of("bn_out"), node(g, "conv").getOutputList());
    assertSameOutputs(original, result.model(), 3, "y");
  }

  @Test
  void theFoldedModelCalibratesThePostBnTensorAndTheFoldedWeight() {
    OnnxModel folded = BatchNormFolding.fold(constantNodeConvBn()).model();

    CalibrationPlan plan = GraphAnalyzer.analyze(folded);

    // The Conv writes bn_out and its Relu is folded into it: x and y are tapped, never the
    // pre-BN conv_out; the weight is the folded one, per output channel.
    assertEquals(List.of("x", "y"), plan.tappedTensors());
    assertEquals(List.of("W_view_folded"), plan.weights().stream()
        .map(WeightSpec::initializer).toList());
    assertEquals(0, plan.weights().get(0).axis());
  }

  @Test
  void depthwiseConvWithoutBiasGetsOne() {
    OnnxModel original = depthwiseConvBn();

    BatchNormFolding.Result result = BatchNormFolding.fold(original);
    GraphProto g = result.model().graph();

    assertEquals(0, count(g, "BatchNormalization"));
    assertEquals(List.of("x", "W_folded", "W_bias_folded"), node(g, "dw").getInputList());
    assertSameOutputs(original, result.model(), 4, "y");
  }

  @Test
  void aConvOutputWithASecondReaderIsLeftAlone() {
    OnnxModel original = secondConsumer();

    BatchNormFolding.Result result = BatchNormFolding.fold(original);

    assertEquals(0, result.folded());
    assertSame(original, result.model());
  }

  @Test
  void aConvOutputThatIsAGraphOutputIsLeftAlone() {
    OnnxModel withOutput = OnnxModel.of("out.onnx", initializerConvBn().proto().toBuilder()
        .setGraph(initializerConvBn().graph().toBuilder().addOutput(
            GraphBuilder.valueInfo("conv_out", ElementType.FLOAT32, -1, 4, SIDE, SIDE))).build());

    assertEquals(0, BatchNormFolding.fold(withOutput).folded());
  }

  @Test
  void trainingModeIsLeftAlone() {
    // Opset 15: with training_mode 1 it normalizes with the batch's own statistics.
    OnnxModel training = conv(threeToFourChannels(15), "conv", List.of("x", "W"), "conv_out")
        .node("BatchNormalization", "bn", List.of("conv_out", "s", "b", "m", "v"),
            List.of("y", "running_mean", "running_var"), intAttr("training_mode", 1))
        .model("training.onnx");

    assertEquals(0, BatchNormFolding.fold(training).folded());
  }

  @Test
  void aWeightAnotherConvReadsIsNotChanged() {
    // Two Convs share W; only the first is followed by a BatchNormalization.
    GraphBuilder b = conv(threeToFourChannels(13), "conv1", List.of("x", "W"), "c1")
        .node("BatchNormalization", "bn", List.of("c1", "s", "b", "m", "v"), List.of("n1"));
    OnnxModel original = conv(b, "conv2", List.of("x", "W"), "c2")
        .node("Add", "sum", List.of("n1", "c2"), List.of("y"))
        .model("shared.onnx");

    BatchNormFolding.Result result = BatchNormFolding.fold(original);
    GraphProto g = result.model().graph();

    assertEquals(1, result.folded());
    assertEquals(List.of("x", "W_folded", "W_bias_folded"), node(g, "conv1").getInputList());
    assertEquals(List.of("x", "W"), node(g, "conv2").getInputList());
    assertTrue(initializers(g).contains("W"));
    assertSameOutputs(original, result.model(), 3, "y");
  }
}
