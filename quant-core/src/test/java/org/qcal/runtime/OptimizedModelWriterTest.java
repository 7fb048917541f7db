package org.qcal.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.qcal.QcalException;

class OptimizedModelWriterTest {

  @Test
  void qdqConvBecomesQLinearConvInTheOptimizedGraph() {
    ModelSource qdq = TestModels.tiny("qdq_conv.onnx");
    assertFalse(containsOp(qdq.bytes(), "QLinearConv"));
    byte[] optimized = OptimizedModelWriter.optimize(qdq, GraphOptLevel.EXTENDED);
    // Op types are stored as plain strings in the protobuf; the ONNX layer's tests parse it.
    assertTrue(containsOp(optimized, "QLinearConv"));
  }

  @Test
  void optimizedModelRunsWithTheSameOutputs() {
    ModelSource model = TestModels.tiny("add_relu.onnx");
    ModelSource optimized = ModelSource.of("add_relu.optimized.onnx",
        OptimizedModelWriter.optimize(model, GraphOptLevel.ALL));
    float[] a = {1, -2, 3};
    float[] b = {0.5f, 0.5f, 0.5f};
    try (ModelRunner original = ModelRunner.open(model, RuntimeOptions.DEFAULTS);
        ModelRunner rewritten = ModelRunner.open(optimized, RuntimeOptions.DEFAULTS)) {
      assertArrayEquals(original.setFloats("a", a, 1, 3).setFloats("b", b, 1, 3).run().floats("y"),
          rewritten.setFloats("a", a, 1, 3).setFloats("b", b, 1, 3).run().floats("y"));
    }
    SessionCache.evict(optimized.digest());
  }

  @Test
  void badBytesFailNamingTheModel() {
    QcalException e = assertThrows(QcalException.class, () -> OptimizedModelWriter.optimize(
        ModelSource.of("broken.onnx", "not a model".getBytes(StandardCharsets.UTF_8)),
        GraphOptLevel.EXTENDED));
    assertTrue(e.getMessage().contains("'broken.onnx'"), e.getMessage());
  }

  private static boolean containsOp(byte[] model, String op) {
    return new String(model, StandardCharsets.ISO_8859_1).contains(op);
  }
}
