package org.qcal.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.qcal.ElementType;
import org.qcal.QcalException;
import org.qcal.onnx.proto.Onnx.ValueInfoProto;
import org.qcal.runtime.ModelOutputs;

class TapAugmenterTest {

  private static List<String> outputNames(OnnxModel m) {
    List<String> names = new ArrayList<>();
    for (ValueInfoProto v : m.graph().getOutputList()) {
      names.add(v.getName());
    }
    return names;
  }

  @Test
  void tapModelHasTheTappedTensorsAsFloatOutputs() {
    OnnxModel model = TestGraphs.convNet().model("convnet.onnx");
    CalibrationPlan plan = GraphAnalyzer.analyze(model);

    TapModel tap = TapAugmenter.augment(model, plan);

    assertEquals(List.of("logits", "input", "pool_out"), outputNames(tap.model()));
    ValueInfoProto pool = tap.model().graph().getOutput(2);
    assertEquals(ElementType.FLOAT32.code(), pool.getType().getTensorType().getElemType());
    assertFalse(pool.getType().getTensorType().hasShape());
    assertEquals(List.of("input", "pool_out", "logits"), List.copyOf(tap.tapOutputs().keySet()));
    assertEquals(List.of("logits"), tap.originalOutputs());
    assertEquals(model.graph().getNodeList(), tap.model().graph().getNodeList());
    assertEquals(List.of("logits"), outputNames(model), "the original is unchanged");
  }

  @Test
  void eachTensorBecomesOneOutputHoweverOftenItIsListed() {
    OnnxModel model = TestGraphs.convNet().model("convnet.onnx");

    TapModel tap = TapAugmenter.augment(model,
        List.of("relu_out", "logits", "relu_out", "pool_out"));

    // logits is an output already: relu_out and pool_out are added, once each, and nothing else.
    assertEquals(List.of("logits", "relu_out", "pool_out"), outputNames(tap.model()));
    assertEquals(List.of("relu_out", "logits", "pool_out"),
        List.copyOf(tap.tapOutputs().keySet()));
    tap.tapOutputs().forEach((tensor, output) -> assertEquals(tensor, output));
  }

  @Test
  void rejectsTensorsNoNodeProduces() {
    OnnxModel model = TestGraphs.convNet().model("convnet.onnx");
    QcalException e = assertThrows(QcalException.class,
        () -> TapAugmenter.augment(model, List.of("W")));
    assertTrue(e.getMessage().contains("'W'") && e.getMessage().contains("convnet.onnx"),
        e.getMessage());
  }

  @Test
  void rejectsAPlanOfAnotherModel() {
    CalibrationPlan plan = GraphAnalyzer.analyze(TestGraphs.convNet().model("convnet.onnx"));
    OnnxModel other = new GraphBuilder().input("x", ElementType.FLOAT32, 2)
        .output("y", ElementType.FLOAT32, 2).node("Relu", "r", List.of("x"), List.of("y"))
        .model("other.onnx");
    assertThrows(QcalException.class, () -> TapAugmenter.augment(other, plan));
  }

  @Test
  void tapOutputsOfTheConvNetRunAndAgreeWithTheGraph() {
    OnnxModel model = TestGraphs.convNet().model("convnet.onnx");
    float[] x = TestGraphs.convNetInput(3);
    TapModel tap = TapAugmenter.augment(model, List.of("conv_out", "relu_out", "pool_out"));

    ModelOutputs out = OrtSupport.run(tap.toByteArray(), "input", x, 3, 1, 4, 4);
    ModelOutputs plain = OrtSupport.run(model.toByteArray(), "input", x, 3, 1, 4, 4);

    float[] conv = out.floats("conv_out");
    float[] relu = out.floats("relu_out");
    for (int i = 0; i < relu.length; i++) {
      assertEquals(Math.max(conv[i], 0f), relu[i], 0f, "relu = max(conv, 0) at " + i);
    }
    assertArrayEquals(plain.floats("logits"), out.floats("logits"), "original output unchanged");
  }

  @Test
  void cnnPoolTapHasTheRangeOfTheReluItIsMeasuredFor() {
    OnnxModel cnn = OnnxModel.fromBytes("cnn.onnx", OrtSupport.shippedModel("cnn.onnx"));
    CalibrationPlan plan = GraphAnalyzer.analyze(cnn);
    assertTrue(plan.tappedTensors().contains("/MaxPool_output_0"));
    assertEquals("/MaxPool_output_0", plan.paramsSource("/Relu_output_0"));
    // Tap the plan's tensors plus, as an independent check, the pre-activation and the Relu.
    List<String> extra = new ArrayList<>(plan.tappedTensors());
    extra.add("/conv1/Conv_output_0");
    extra.add("/Relu_output_0");
    TapModel tap = TapAugmenter.augment(cnn, extra);

    ModelOutputs out = OrtSupport.run(tap.toByteArray(), "input", OrtSupport.twoImages(),
        2, 1, 28, 28);

    float[] relu = out.floats("/Relu_output_0");
    float[] conv = out.floats("/conv1/Conv_output_0");
    float[] pool = out.floats("/MaxPool_output_0");
    assertArrayEquals(new long[] {2, 16, 28, 28}, out.shape("/Relu_output_0"));
    boolean anyPositive = false;
    for (int i = 0; i < relu.length; i++) {
      assertTrue(relu[i] >= 0f, "relu output negative at " + i);
      assertEquals(Math.max(conv[i], 0f), relu[i], 0f);
      anyPositive |= relu[i] > 0f;
    }
    assertTrue(anyPositive);
    // The MaxPool reads the Relu: 2x2 max over it gives the tapped pool output exactly.
    for (int nc = 0; nc < 2 * 16; nc++) {
      for (int y = 0; y < 14; y++) {
        for (int xx = 0; xx < 14; xx++) {
          int base = nc * 784 + 2 * y * 28 + 2 * xx;
          float max = Math.max(Math.max(relu[base], relu[base + 1]),
              Math.max(relu[base + 28], relu[base + 29]));
          assertEquals(max, pool[nc * 196 + y * 14 + xx], 0f);
        }
      }
    }
    // The 2x2 windows with stride 2 tile the 28x28 map, so the pool keeps the Relu's largest
    // value, and both are >= 0 (a range always contains 0): the same minmax range.
    assertEquals(largest(relu), largest(pool), 0f);
  }

  private static float largest(float[] values) {
    float max = Float.NEGATIVE_INFINITY;
    for (float v : values) {
      max = Math.max(max, v);
    }
    return max;
  }

  @Test
  void residualAddTapEqualsTheSumOfItsTappedInputs() {
    OnnxModel res = OnnxModel.fromBytes("residual.onnx",
        OrtSupport.shippedModel("residual.onnx"));
    CalibrationPlan plan = GraphAnalyzer.analyze(res);
    List<String> taps = new ArrayList<>(plan.tappedTensors());
    taps.add("/block1/Add_output_0"); // folded into the Relu after it: tapped here only to check
    TapModel tap = TapAugmenter.augment(res, taps);

    ModelOutputs out = OrtSupport.run(tap.toByteArray(), "input", OrtSupport.twoImages(),
        2, 1, 28, 28);

    float[] a = out.floats("/block1/conv2/Conv_output_0");
    float[] b = out.floats("/Relu_output_0");
    float[] sum = out.floats("/block1/Add_output_0");
    float[] relu = out.floats("/block1/Relu_1_output_0");
    for (int i = 0; i < sum.length; i++) {
      assertEquals(a[i] + b[i], sum[i], 0f);
      assertEquals(Math.max(sum[i], 0f), relu[i], 0f);
    }
  }
}
