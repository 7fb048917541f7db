package org.qcal.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.qcal.quant.QuantParams;

/**
 * The project's trained test models through the whole ONNX layer: read-write round trip, tap
 * model, QDQ export that ONNX Runtime runs with integer kernels.
 */
class ShippedModelsTest {
  @TempDir Path dir;

  private static OnnxModel load(String file) {
    byte[] bytes = OrtSupport.shippedModel(file);
    assertNotNull(bytes, file + " is missing from the test resources");
    return OnnxModel.fromBytes(file, bytes);
  }

  private static float[] run(byte[] model, String file) {
    return OrtSupport.run(model, "input", OrtSupport.twoImages(), OrtSupport.imageShape(file, 2))
        .floats("logits");
  }

  private static int argmax(float[] v, int row, int n) {
    int best = 0;
    for (int i = 1; i < n; i++) {
      if (v[row * n + i] > v[row * n + best]) {
        best = i;
      }
    }
    return best;
  }

  @ParameterizedTest
  @ValueSource(strings = {"cnn.onnx", "mlp.onnx", "residual.onnx"})
  void roundTripThroughAFileGivesTheSameOutputs(String file) throws Exception {
    byte[] original = OrtSupport.shippedModel(file);
    Path copy = dir.resolve(file);
    Files.write(copy, load(file).toByteArray());

    byte[] written = OnnxModel.load(copy).toByteArray();

    assertArrayEquals(run(original, file), run(written, file), 0f);
  }

  @ParameterizedTest
  @ValueSource(strings = {"cnn.onnx", "mlp.onnx", "residual.onnx"})
  void tapModelKeepsTheLogitsAndAddsEveryTappedTensor(String file) {
    OnnxModel model = load(file);
    CalibrationPlan plan = GraphAnalyzer.analyze(model);
    TapModel tap = TapAugmenter.augment(model, plan);

    var out = OrtSupport.run(tap.toByteArray(), "input", OrtSupport.twoImages(),
        OrtSupport.imageShape(file, 2));

    assertArrayEquals(run(model.toByteArray(), file), out.floats("logits"), 0f);
    for (String t : plan.tappedTensors()) {
      assertEquals(2, out.shape(tap.tapOutputs().get(t))[0], t + " has the batch axis");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"cnn.onnx", "mlp.onnx", "residual.onnx"})
  void qdqExportRunsCloseToFloatWithIntegerKernels(String file) {
    OnnxModel model = load(file);
    CalibrationPlan plan = GraphAnalyzer.analyze(model);
    Map<String, QuantParams> params = MinMaxParams.measure(model, plan, "input",
        OrtSupport.twoImages(), OrtSupport.imageShape(file, 2));

    QdqModel q = QdqExporter.export(model, plan, params, WeightQuantization.DEFAULT);
    float[] fp32 = run(model.toByteArray(), file);
    float[] int8 = run(q.toByteArray(), file);
    List<String> ops = OrtSupport.optimizedOpTypes(q.toByteArray());

    assertTrue(q.notes().isEmpty(), q.notes().toString());
    for (int row = 0; row < 2; row++) {
      assertEquals(argmax(fp32, row, 10), argmax(int8, row, 10), "top-1 of image " + row);
    }
    assertArrayEquals(fp32, int8, 0.25f);
    assertTrue(ops.stream().anyMatch(op -> List.of("QLinearConv", "QGemm", "QLinearMatMul",
        "MatMulInteger", "MatMulIntegerToFloat", "DynamicQuantizeMatMul").contains(op)),
        "integer kernels in " + ops);
    for (String floatOp : List.of("Conv", "Gemm", "MatMul", "FusedConv", "FusedGemm",
        "FusedMatMul")) {
      assertFalse(ops.contains(floatOp), floatOp + " left in float: " + ops);
    }
  }
}
