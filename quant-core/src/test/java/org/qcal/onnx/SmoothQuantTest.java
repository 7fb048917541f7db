package org.qcal.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.qcal.ElementType;
import org.qcal.QcalException;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.onnx.proto.Onnx.TensorProto;
import org.qcal.runtime.ModelOutputs;

/**
 * SmoothQuant on graphs small enough to follow by hand. The scales are those of the paper's eq. 4,
 * {@code s_j = max|X_j|^alpha / max|W_j|^(1 - alpha)}; with activation maxima {@code [4, 0.25]},
 * weight row maxima {@code [1, 4]} and alpha 0.5 they are {@code [sqrt(4 / 1), sqrt(0.25 / 4)] =
 * [2, 0.25]}, exact in float, so every transformed constant below is exact too.
 */
class SmoothQuantTest {
  private static final float[] S = {2f, 0.25f};
  /** Q: MatMul weight [K=2, N=2], rows [1, 2] and [3, 4]. */
  private static final float[] WQ = {1, 2, 3, 4};
  /** K: Gemm transB weight [N=2, K=2]; its columns are input channels: [1, -4] and [0.5, 2]. */
  private static final float[] WK = {1, 0.5f, -4, 2};
  private static final float[] GAMMA = {1, 2};
  private static final float[] BETA = {0.5f, -1};
  /** Three rows of two channels, [3, 2]. */
  private static final float[] X = {1, 3, -2, 0.5f, 4, -1};
  /** Float rounding of the reordered products; the outputs are of order 10. */
  private static final float TOLERANCE = 1e-5f;

  @Test
  void scalesFollowThePaperAndKeepSilentChannels() {
    // [2, 0.25] as in the class comment; a channel whose max is 0 keeps 1.
    assertArrayEquals(new float[] {2f, 0.25f, 1f},
        SmoothQuant.scales(new float[] {4, 0.25f, 0}, new float[] {1, 4, 3}, 0.5), 0f);
    // alpha 1 moves everything: s = max|X_j|.
    assertArrayEquals(new float[] {4f, 0.25f},
        SmoothQuant.scales(new float[] {4, 0.25f}, new float[] {1, 4}, 1.0), 0f);
    // A zero weight row is clamped to 1e-5 (the reference's clamp): s = 1 / sqrt(1e-5).
    assertEquals((float) (1 / Math.sqrt(1e-5)),
        SmoothQuant.scales(new float[] {1}, new float[] {0}, 0.5)[0], 0f);
    assertThrows(QcalException.class,
        () -> SmoothQuant.scales(new float[] {1}, new float[] {1}, 0));
  }

  @Test
  void layerNormFeedingTwoProjectionsAndAResidualIsOneSite() {
    OnnxModel model = layerNormModel();
    List<SmoothingSites.Site> sites = SmoothingSites.find(model, GraphAnalyzer.analyze(model));
    assertEquals(List.of(new SmoothingSites.Site("h", 2, List.of(1, 2))), sites);
    // Per input channel the largest |W_j| of both projections: Q's rows [1, 2] and [3, 4], K's
    // columns [1, -4] and [0.5, 2]: channel 0 max(2, 4) = 4, channel 1 max(4, 2) = 4.
    assertArrayEquals(new float[] {4, 4}, SmoothQuant.weightMax(model, sites.get(0)), 0f);
  }

  @Test
  void foldsIntoLayerNormalizationAndKeepsTheFunction() {
    OnnxModel model = layerNormModel();
    OnnxModel smoothed = SmoothQuant.apply(model,
        List.of(new SmoothQuant.Smoothing("h", List.of(1, 2), S)));
    NodeProto ln = node(smoothed, "ln");
    assertArrayEquals(new float[] {1 / 2f, 2 / 0.25f}, value(smoothed, ln.getInput(1)), 0f);
    assertArrayEquals(new float[] {0.5f / 2f, -1 / 0.25f}, value(smoothed, ln.getInput(2)), 0f);
    // diag(s) W: row j of the MatMul weight times s_j, column j of the transposed Gemm weight.
    assertArrayEquals(new float[] {2, 4, 0.75f, 1},
        value(smoothed, node(smoothed, "q").getInput(1)), 0f);
    assertArrayEquals(new float[] {2, 0.125f, -8, 0.5f},
        value(smoothed, node(smoothed, "k").getInput(1)), 0f);
    // The residual reads X' * s through one Mul; the old constants are gone.
    assertEquals("Mul", producerOf(smoothed, node(smoothed, "residual").getInput(0)).getOpType());
    assertEquals(List.of("x"), smoothed.graph().getInputList().stream()
        .map(v -> v.getName()).toList());
    assertSameOutputs(model, smoothed, "q_out", "k_out", "r_out");
  }

  @Test
  void foldsIntoTheMulAndAddOfADecomposedLayerNorm() {
    OnnxModel model = new GraphBuilder().opset(13)
        .input("x", ElementType.FLOAT32, -1, 2).output("q_out", ElementType.FLOAT32, -1, 2)
        .floatInit("gamma", GAMMA, 2).floatInit("beta", BETA, 2).floatInit("WQ", WQ, 2, 2)
        .node("Mul", "scale", List.of("x", "gamma"), List.of("g"))
        .node("Add", "shift", List.of("beta", "g"), List.of("h"))
        .node("MatMul", "q", List.of("h", "WQ"), List.of("q_out"))
        .model("decomposed");
    List<SmoothingSites.Site> sites = SmoothingSites.find(model, GraphAnalyzer.analyze(model));
    assertEquals(List.of(new SmoothingSites.Site("h", 2, List.of(2))), sites);

    OnnxModel smoothed = SmoothQuant.apply(model,
        List.of(new SmoothQuant.Smoothing("h", List.of(2), S)));
    assertArrayEquals(new float[] {0.5f, 8}, value(smoothed, node(smoothed, "scale").getInput(1)),
        0f);
    assertArrayEquals(new float[] {0.25f, -4}, value(smoothed, node(smoothed, "shift").getInput(0)),
        0f);
    assertEquals(3, smoothed.graph().getNodeCount()); // no Mul: nothing else reads h
    assertSameOutputs(model, smoothed, "q_out");
  }

  @Test
  void aProjectionAfterAnythingButALayerNormIsNoSite() {
    OnnxModel model = new GraphBuilder().opset(13)
        .input("x", ElementType.FLOAT32, -1, 2).output("q_out", ElementType.FLOAT32, -1, 2)
        .floatInit("WQ", WQ, 2, 2)
        .node("Relu", "relu", List.of("x"), List.of("h"))
        .node("MatMul", "q", List.of("h", "WQ"), List.of("q_out"))
        .model("relu");
    assertEquals(List.of(), SmoothingSites.find(model, GraphAnalyzer.analyze(model)));
    QcalException e = assertThrows(QcalException.class, () -> SmoothQuant.apply(model,
        List.of(new SmoothQuant.Smoothing("h", List.of(1), S))));
    assertEquals("SmoothQuant scales for tensor 'h' do not fit model relu: it is not written by a"
        + " LayerNorm of 2 channels", e.getMessage());
  }

  /**
   * x -> LayerNormalization(gamma, beta) -> h; h -> MatMul(WQ) -> q_out, h -> Gemm(WK, transB)
   * -> k_out, Add(h, x) -> r_out (a residual), Shape(h) -> h_shape.
   */
  private static OnnxModel layerNormModel() {
    return new GraphBuilder().opset(17)
        .input("x", ElementType.FLOAT32, -1, 2)
        .output("q_out", ElementType.FLOAT32, -1, 2).output("k_out", ElementType.FLOAT32, -1, 2)
        .output("r_out", ElementType.FLOAT32, -1, 2).output("h_shape", ElementType.INT64, 2)
        .floatInit("gamma", GAMMA, 2).floatInit("beta", BETA, 2)
        .floatInit("WQ", WQ, 2, 2).floatInit("WK", WK, 2, 2)
        .node("LayerNormalization", "ln", List.of("x", "gamma", "beta"), List.of("h"),
            GraphBuilder.intAttr("axis", -1))
        .node("MatMul", "q", List.of("h", "WQ"), List.of("q_out"))
        .node("Gemm", "k", List.of("h", "WK"), List.of("k_out"),
            GraphBuilder.intAttr("transB", 1))
        .node("Add", "residual", List.of("h", "x"), List.of("r_out"))
        .node("Shape", "shape", List.of("h"), List.of("h_shape"))
        .model("layernorm");
  }

  private static void assertSameOutputs(OnnxModel a, OnnxModel b, String... outputs) {
    ModelOutputs before = OrtSupport.run(a.toByteArray(), "x", X, 3, 2);
    ModelOutputs after = OrtSupport.run(b.toByteArray(), "x", X, 3, 2);
    for (String out : outputs) {
      assertArrayEquals(before.floats(out), after.floats(out), TOLERANCE, out);
    }
  }

  private static NodeProto node(OnnxModel model, String name) {
    return model.graph().getNodeList().stream().filter(n -> n.getName().equals(name))
        .findFirst().orElseThrow();
  }

  private static NodeProto producerOf(OnnxModel model, String tensor) {
    return model.graph().getNodeList().stream().filter(n -> n.getOutputList().contains(tensor))
        .findFirst().orElseThrow();
  }

  private static float[] value(OnnxModel model, String initializer) {
    TensorProto t = model.graph().getInitializerList().stream()
        .filter(i -> i.getName().equals(initializer)).findFirst().orElseThrow();
    return TensorData.floats(t, model.name());
  }
}
