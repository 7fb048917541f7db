package org.qcal.onnx;

import static org.qcal.onnx.GraphBuilder.intAttr;
import static org.qcal.onnx.GraphBuilder.intsAttr;
import static org.qcal.onnx.GraphBuilder.values;

import java.util.List;
import org.qcal.ElementType;

/** Hand-built graphs shared by the analysis, tap and export tests. */
final class TestGraphs {
  private TestGraphs() {}

  /**
   * input [N,1,4,4] -> Conv(W [2,1,3,3], B [2], pad 1) -> Relu -> MaxPool(2) -> Flatten ->
   * Gemm(fcW [3,8] transB=1, fcB [3]) -> logits [N,3]. No value_info: intermediate types must be
   * inferred, as for torch exports.
   */
  static GraphBuilder convNet() {
    return new GraphBuilder()
        .input("input", ElementType.FLOAT32, -1, 1, 4, 4)
        .output("logits", ElementType.FLOAT32, -1, 3)
        .floatInit("W", values(18, 1, 0.5f), 2, 1, 3, 3)
        .floatInit("B", new float[] {0.1f, -0.2f}, 2)
        .floatInit("fcW", values(24, 2, 0.4f), 3, 8)
        .floatInit("fcB", new float[] {0.05f, 0f, -0.05f}, 3)
        .node("Conv", "conv", List.of("input", "W", "B"), List.of("conv_out"),
            intsAttr("pads", 1, 1, 1, 1), intsAttr("kernel_shape", 3, 3))
        .node("Relu", "relu", List.of("conv_out"), List.of("relu_out"))
        .node("MaxPool", "pool", List.of("relu_out"), List.of("pool_out"),
            intsAttr("kernel_shape", 2, 2), intsAttr("strides", 2, 2))
        .node("Flatten", "flatten", List.of("pool_out"), List.of("flat"), intAttr("axis", 1))
        .node("Gemm", "fc", List.of("flat", "fcW", "fcB"), List.of("logits"),
            intAttr("transB", 1));
  }

  /** Input values for {@link #convNet()}: a batch of {@code n} images of 16 pixels. */
  static float[] convNetInput(int n) {
    float[] x = values(16 * n, 42, 1f);
    for (int i = 0; i < x.length; i++) {
      x[i] = Math.abs(x[i]);
    }
    return x;
  }
}
