package org.qcal.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.qcal.onnx.GraphBuilder.constantValue;
import static org.qcal.onnx.GraphBuilder.intsAttr;
import static org.qcal.onnx.GraphBuilder.values;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.qcal.ElementType;
import org.qcal.onnx.proto.Onnx.GraphProto;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.quant.QuantParams;
import org.qcal.runtime.ModelOutputs;

/**
 * Graphs in the styles exporters other than torch's default write: weights in Constant nodes
 * and an unfolded BatchNormalization (paddle2onnx, do_constant_folding=False), weights behind
 * Identity and a LayerNorm decomposed into ReduceMean/Sub/Pow/Sqrt/Div (torch.onnx, opset < 17).
 * Only activations may be tapped, and the weights must still be quantized as weights.
 */
class ExporterStylesTest {

  /**
   * x [N,1,4,4] -> Conv(W, B from Constant nodes, pad 1) -> BatchNormalization(Constant scale,
   * bias, mean, var) -> Relu -> y [N,2,4,4], opset 11.
   */
  private static OnnxModel constantNodeConv() {
    return new GraphBuilder().opset(11)
        .input("x", ElementType.FLOAT32, -1, 1, 4, 4)
        .output("y", ElementType.FLOAT32, -1, 2, 4, 4)
        .node("Constant", "W_c", List.of(), List.of("W"),
            constantValue(values(18, 7, 0.5f), 2, 1, 3, 3))
        .node("Constant", "B_c", List.of(), List.of("B"),
            constantValue(new float[] {0.1f, -0.1f}, 2))
        .node("Constant", "s_c", List.of(), List.of("s"),
            constantValue(new float[] {1.5f, 0.5f}, 2))
        .node("Constant", "b_c", List.of(), List.of("b"), constantValue(new float[] {0f, 0.2f}, 2))
        .node("Constant", "m_c", List.of(), List.of("m"), constantValue(new float[] {0.05f, 0f}, 2))
        .node("Constant", "v_c", List.of(), List.of("v"), constantValue(new float[] {1f, 2f}, 2))
        .node("Conv", "conv", List.of("x", "W", "B"), List.of("conv_out"),
            intsAttr("pads", 1, 1, 1, 1), intsAttr("kernel_shape", 3, 3))
        .node("BatchNormalization", "bn", List.of("conv_out", "s", "b", "m", "v"),
            List.of("bn_out"))
        .node("Relu", "relu", List.of("bn_out"), List.of("y"))
        .model("paddle_conv.onnx");
  }

  /**
   * x [N,4] -> MatMul(Identity(W)) -> h; LayerNorm decomposed over the last axis: mu =
   * ReduceMean(h), d = h - mu, var = ReduceMean(d ^ Constant 2), n = d / Sqrt(var + Constant
   * eps), y = n * Identity(gamma) + beta. Opset 14, as torch.onnx writes nn.LayerNorm there.
   */
  private static OnnxModel decomposedLayerNorm() {
    return new GraphBuilder().opset(14)
        .input("x", ElementType.FLOAT32, -1, 4)
        .output("y", ElementType.FLOAT32, -1, 4)
        .floatInit("W", values(16, 3, 0.8f), 4, 4)
        .floatInit("gamma", new float[] {1f, 0.5f, 2f, 1f}, 4)
        .floatInit("beta", new float[] {0f, 0.1f, -0.1f, 0.2f}, 4)
        .node("Identity", "W_id", List.of("W"), List.of("W_view"))
        .node("Identity", "gamma_id", List.of("gamma"), List.of("gamma_view"))
        .node("Constant", "two_c", List.of(), List.of("two"), constantValue(new float[] {2f}))
        .node("Constant", "eps_c", List.of(), List.of("eps"), constantValue(new float[] {1e-5f}))
        .node("MatMul", "mm", List.of("x", "W_view"), List.of("h"))
        .node("ReduceMean", "mean", List.of("h"), List.of("mu"), intsAttr("axes", -1))
        .node("Sub", "center", List.of("h", "mu"), List.of("d"))
        .node("Pow", "square", List.of("d", "two"), List.of("d2"))
        .node("ReduceMean", "variance", List.of("d2"), List.of("var"), intsAttr("axes", -1))
        .node("Add", "add_eps", List.of("var", "eps"), List.of("ve"))
        .node("Sqrt", "std", List.of("ve"), List.of("sd"))
        .node("Div", "normalize", List.of("d", "sd"), List.of("n"))
        .node("Mul", "scale", List.of("n", "gamma_view"), List.of("sc"))
        .node("Add", "shift", List.of("sc", "beta"), List.of("y"))
        .model("decomposed_ln.onnx");
  }

  private static long count(GraphProto g, String op) {
    return g.getNodeList().stream().filter(n -> n.getOpType().equals(op)).count();
  }

  private static boolean produced(GraphProto g, String tensor) {
    return g.getNodeList().stream().anyMatch(n -> n.getOutputList().contains(tensor));
  }

  @Test
  void constantNodeWeightsAreQuantizedAsWeightsAndNeverTapped() {
    CalibrationPlan plan = GraphAnalyzer.analyze(constantNodeConv());

    // Conv is read by BatchNormalization (not foldable), BatchNormalization is not quantized,
    // Relu is: its input and output get params.
    assertEquals(List.of("x", "conv_out", "bn_out", "y"), plan.tappedTensors());
    assertEquals(1, plan.weights().size());
    WeightSpec w = plan.weights().get(0);
    assertEquals("W", w.initializer());
    assertEquals(0, w.axis());
    assertEquals(List.of(2L, 1L, 3L, 3L), w.dims());
    assertEquals(List.of(new BiasSpec("B", 6, "conv", 2, "x", "W")), plan.biases());
  }

  @Test
  void constantNodeWeightsExportAsInt8InitializersAndTheFloatConstantsGo() {
    OnnxModel model = constantNodeConv();
    CalibrationPlan plan = GraphAnalyzer.analyze(model);
    float[] x = TestGraphs.convNetInput(3);
    Map<String, QuantParams> params = MinMaxParams.measure(model, plan, "x", x, 3, 1, 4, 4);

    QdqModel qdq = QdqExporter.export(model, plan, params, WeightQuantization.DEFAULT);
    GraphProto g = qdq.model().graph();

    assertTrue(!produced(g, "W") && !produced(g, "B"), "the float weight and bias are dropped");
    assertEquals(4, count(g, "Constant"), "the BatchNormalization constants stay");
    NodeProto conv = g.getNodeList().stream().filter(n -> n.getOpType().equals("Conv"))
        .findFirst().orElseThrow();
    assertEquals(List.of("x_dequantized", "W_dequantized", "B_dequantized"),
        conv.getInputList());
    assertEquals(2, qdq.weightParams().get("W").channels(), "per output channel");
    assertClose(OrtSupport.run(model.toByteArray(), "x", x, 3, 1, 4, 4),
        OrtSupport.run(qdq.model().toByteArray(), "x", x, 3, 1, 4, 4), "y", 0.05f);
  }

  @Test
  void decomposedLayerNormTapsOnlyActivations() {
    CalibrationPlan plan = GraphAnalyzer.analyze(decomposedLayerNorm());

    // MatMul (its weight through Identity), Add(var, eps), Mul and the final Add are
    // quantized; Sub, Pow, ReduceMean, Sqrt and Div are not. eps, two, gamma and its Identity
    // are constants: with a tapped [4] gamma, pass 1 failed ("batch length must be a multiple
    // of samples").
    assertEquals(List.of("x", "h", "var", "ve", "n", "sc", "y"), plan.tappedTensors());
    assertEquals(List.of("W_view"), plan.weights().stream().map(WeightSpec::initializer)
        .toList());
    assertEquals(1, plan.weights().get(0).axis(), "MatMul B [K, N]: N is the last axis");
    assertEquals(List.of("eps", "gamma_view", "beta"), plan.operands().stream()
        .map(OperandSpec::initializer).toList());
  }

  @Test
  void decomposedLayerNormExportRunsAndStaysCloseToFloat() {
    OnnxModel model = decomposedLayerNorm();
    CalibrationPlan plan = GraphAnalyzer.analyze(model);
    float[] x = values(4 * 8, 11, 1f);
    Map<String, QuantParams> params = MinMaxParams.measure(model, plan, "x", x, 8, 4);

    QdqModel qdq = QdqExporter.export(model, plan, params, WeightQuantization.DEFAULT);
    GraphProto g = qdq.model().graph();

    assertEquals(0, count(g, "Identity"), "both Identity views of weights are gone");
    assertEquals(1, count(g, "Constant"), "only Pow's exponent stays a float Constant");
    assertClose(OrtSupport.run(model.toByteArray(), "x", x, 8, 4),
        OrtSupport.run(qdq.model().toByteArray(), "x", x, 8, 4), "y", 0.1f);
  }

  /** Every value within {@code tolerance} of the range of the float output. */
  private static void assertClose(ModelOutputs expected, ModelOutputs actual, String output,
      float tolerance) {
    float[] e = expected.floats(output);
    float[] a = actual.floats(output);
    assertEquals(e.length, a.length);
    float lo = Float.POSITIVE_INFINITY;
    float hi = Float.NEGATIVE_INFINITY;
    for (float v : e) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    float bound = tolerance * (hi - lo);
    for (int i = 0; i < e.length; i++) {
      assertTrue(Math.abs(e[i] - a[i]) <= bound,
          output + "[" + i + "]: " + a[i] + " vs float " + e[i] + ", bound " + bound);
    }
  }
}
