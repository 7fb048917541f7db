package org.qcal.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.qcal.ElementType;
import org.qcal.onnx.proto.Onnx.ModelProto;
import org.qcal.runtime.HostTensor;
import org.qcal.runtime.ModelOutputs;

/**
 * Runs a model as it is and as {@link OpsetUpgrade} raised it to opset 13, in ONNX Runtime, on
 * the same input, and compares every output: same names, shapes and types, integer outputs
 * equal, float outputs as their largest absolute difference.
 */
final class OpsetAgreement {
  /** The upgrade and the largest absolute difference over all float outputs. */
  record Result(OpsetUpgrade.Result upgrade, double maxAbsDiff) {}

  private OpsetAgreement() {}

  /** Upgrades {@code model} (which must succeed) and compares it with the original. */
  static Result check(ModelProto model, String input, float[] data, long... shape) {
    long opset = OnnxModel.opsetVersion(model, OnnxModel.ONNX_DOMAIN);
    OpsetUpgrade.Result up = OpsetUpgrade.upgrade(model, opset, "test.onnx");
    assertTrue(up.ok(), up.refusals().toString());
    assertEquals(13, OnnxModel.opsetVersion(up.model(), OnnxModel.ONNX_DOMAIN));
    return new Result(up, maxAbsDiff(model.toByteArray(), up.model().toByteArray(), input, data,
        shape));
  }

  /** The largest absolute difference of the float outputs of two models on one input. */
  static double maxAbsDiff(byte[] original, byte[] upgraded, String input, float[] data,
      long... shape) {
    ModelOutputs a = OrtSupport.run(original, input, data, shape);
    ModelOutputs b = OrtSupport.run(upgraded, input, data, shape);
    assertEquals(a.names(), b.names());
    double max = 0;
    for (String name : a.names()) {
      HostTensor x = a.get(name);
      HostTensor y = b.get(name);
      assertArrayEquals(x.shape(), y.shape(), name);
      assertEquals(x.type(), y.type(), name);
      if (x.type() == ElementType.FLOAT32) {
        float[] fx = x.floats();
        float[] fy = y.floats();
        for (int i = 0; i < fx.length; i++) {
          if (Float.compare(fx[i], fy[i]) != 0) {
            assertTrue(Float.isFinite(fx[i]) && Float.isFinite(fy[i]),
                name + "[" + i + "]: " + fx[i] + " before, " + fy[i] + " after");
            max = Math.max(max, Math.abs((double) fx[i] - fy[i]));
          }
        }
      } else if (x.type() == ElementType.INT64) {
        assertArrayEquals(x.longs(), y.longs(), name);
      } else {
        assertArrayEquals(x.bytes(), y.bytes(), name);
      }
    }
    return max;
  }
}
