package org.qcal.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.qcal.ElementType;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.onnx.proto.Onnx.TensorProto;
import org.qcal.runtime.ModelOutputs;

/**
 * Bias correction on nodes small enough to compute by hand. The weight rows are the same in both
 * models: output channel 0 is {@code [0.3, 1.0]}, channel 1 {@code [0.5, -2.0]}. Symmetric int8
 * per channel (scale {@code amax / 127}): 1.0 and -2.0 are exact; 0.3 becomes
 * {@code round(38.1) / 127 = 38 / 127}, an error of {@code -0.1 / 127}; 0.5 becomes
 * {@code round(31.75) * 2 / 127 = 64 / 127}, an error of {@code +0.5 / 127}. Only input 0 meets
 * an error, and its mean over the rows is 2, so the shifts are {@code 2 * -0.1 / 127} and
 * {@code 2 * 0.5 / 127}.
 */
class BiasShiftModelTest {
  private static final float[] WEIGHT = {0.3f, 1.0f, 0.5f, -2.0f};
  private static final double SHIFT_0 = 2 * -0.1 / 127;
  private static final double SHIFT_1 = 2 * 0.5 / 127;
  /** Float rounding of the weight error and of ONNX Runtime's sums, far below the shifts. */
  private static final double TOLERANCE = 1e-6;

  /** A Gemm of the weights above, transB 1, bias [0.1, -0.2], at {@code opset}. */
  private static OnnxModel gemm(long opset) {
    return new GraphBuilder().opset(opset)
        .input("x", ElementType.FLOAT32, -1, 2).output("y", ElementType.FLOAT32, -1, 2)
        .floatInit("W", WEIGHT, 2, 2).floatInit("b", new float[] {0.1f, -0.2f}, 2)
        .node("Gemm", "fc", List.of("x", "W", "b"), List.of("y"),
            GraphBuilder.intAttr("transB", 1))
        .model("gemm" + opset);
  }

  /** Two rows whose input 0 is 1 and 3 (mean 2); input 1 is anything, its weights are exact. */
  private static float[] gemmShifts(OnnxModel model) {
    float[] shifts = measure(model, new float[] {1, 7, 3, -5}, 2, 2);
    assertEquals(SHIFT_0, shifts[0], TOLERANCE);
    assertEquals(SHIFT_1, shifts[1], TOLERANCE);
    return shifts;
  }

  @Test
  void gemmShiftIsTheWeightErrorTimesTheMeanInput() {
    OnnxModel model = gemm(13);
    float[] shifts = gemmShifts(model);

    OnnxModel corrected = BiasCorrection.apply(model, Map.of(0, shifts), new ArrayList<>());
    assertArrayEquals(new float[] {0.1f - shifts[0], -0.2f - shifts[1]},
        biasOf(corrected, "fc"), 0f);
  }

  @Test
  void convWithoutBiasGetsOneOfMinusTheShift() {
    // A 1x1 Conv of 2 input channels: the same weights as the Gemm, one pixel per position.
    OnnxModel model = new GraphBuilder().opset(13)
        .input("x", ElementType.FLOAT32, -1, 2, 2, 1).output("y", ElementType.FLOAT32)
        .floatInit("W", WEIGHT, 2, 2, 1, 1)
        .node("Conv", "conv", List.of("x", "W"), List.of("y"))
        .model("conv");
    // One row, [1, 2, 2, 1]: channel 0 holds 1 and 3 (mean 2), channel 1 anything.
    float[] shifts = measure(model, new float[] {1, 3, 7, -5}, 1, 2, 2, 1);
    assertEquals(SHIFT_0, shifts[0], TOLERANCE);
    assertEquals(SHIFT_1, shifts[1], TOLERANCE);

    OnnxModel corrected = BiasCorrection.apply(model, Map.of(0, shifts), new ArrayList<>());
    assertArrayEquals(new float[] {-shifts[0], -shifts[1]}, biasOf(corrected, "conv"), 0f);
    // Still one Conv reading x and W: only the bias was added.
    NodeProto conv = corrected.graph().getNode(0);
    assertEquals(List.of("x", "W"), conv.getInputList().subList(0, 2));
  }

  @Test
  void gemmOfOpset9WhoseCInputIsRequiredIsMeasured() {
    // Gemm-9 requires C: the shift node gets a zero one, and the shifts are those above.
    gemmShifts(gemm(9));
  }

  @Test
  void gemmBiasTakesTheShiftDividedByBeta() {
    // Gemm adds beta * C, so C moves by shift / beta: [1, 1] - [0.2, -0.4] / 2 = [0.9, 1.2].
    OnnxModel model = new GraphBuilder().opset(13)
        .input("x", ElementType.FLOAT32, -1, 2).output("y", ElementType.FLOAT32, -1, 2)
        .floatInit("W", WEIGHT, 2, 2).floatInit("C", new float[] {1f, 1f}, 1, 2)
        .node("Gemm", "fc", List.of("x", "W", "C"), List.of("y"),
            GraphBuilder.intAttr("transB", 1), GraphBuilder.floatAttr("beta", 2f))
        .model("gemm-beta");
    OnnxModel corrected = BiasCorrection.apply(model,
        Map.of(0, new float[] {0.2f, -0.4f}), new ArrayList<>());
    assertArrayEquals(new float[] {1f - 0.2f / 2f, 1f + 0.4f / 2f}, biasOf(corrected, "fc"), 0f);
  }

  @Test
  void matMulHasNoBiasToCorrect() {
    OnnxModel model = new GraphBuilder().opset(13)
        .input("x", ElementType.FLOAT32, -1, 2).output("y", ElementType.FLOAT32, -1, 2)
        .floatInit("W", WEIGHT, 2, 2)
        .node("MatMul", "mm", List.of("x", "W"), List.of("y"))
        .model("matmul");
    BiasShiftModel shiftModel = BiasShiftModel.build(model, GraphAnalyzer.analyze(model),
        WeightQuantization.DEFAULT);
    assertEquals(List.of(), shiftModel.sites());
    assertEquals(List.of(), shiftModel.outputs());
  }

  /** Runs the shift model over {@code x} and averages each channel output, as the pass does. */
  private static float[] measure(OnnxModel model, float[] x, long... shape) {
    CalibrationPlan plan = GraphAnalyzer.analyze(model);
    BiasShiftModel shiftModel = BiasShiftModel.build(model, plan, WeightQuantization.DEFAULT);
    assertEquals(1, shiftModel.sites().size());
    ModelOutputs out = OrtSupport.run(shiftModel.model().toByteArray(), "x", x, shape);
    BiasShiftModel.Site site = shiftModel.sites().get(0);
    float[] shifts = new float[site.channels()];
    for (int c = 0; c < shifts.length; c++) {
      float[] values = out.floats(site.channelOutputs().get(c));
      double sum = 0;
      for (float v : values) {
        sum += v;
      }
      shifts[c] = (float) (sum / values.length);
    }
    return shifts;
  }

  private static float[] biasOf(OnnxModel model, String node) {
    NodeProto n = model.graph().getNodeList().stream().filter(m -> m.getName().equals(node))
        .findFirst().orElseThrow();
    String bias = n.getInput(2);
    TensorProto t = model.graph().getInitializerList().stream()
        .filter(i -> i.getName().equals(bias)).findFirst().orElseThrow();
    return TensorData.floats(t, model.name());
  }
}
