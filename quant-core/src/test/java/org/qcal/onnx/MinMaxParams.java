package org.qcal.onnx;

import java.util.HashMap;
import java.util.Map;
import org.qcal.quant.QuantParams;
import org.qcal.quant.QuantRule;
import org.qcal.quant.QuantType;
import org.qcal.runtime.ModelOutputs;

/** Test helper: uint8 asymmetric params from the min/max of each tapped tensor on one batch. */
final class MinMaxParams {
  private MinMaxParams() {}

  static Map<String, QuantParams> measure(OnnxModel model, CalibrationPlan plan, String input,
      float[] data, long... shape) {
    TapModel tap = TapAugmenter.augment(model, plan);
    ModelOutputs out = OrtSupport.run(tap.toByteArray(), input, data, shape);
    Map<String, QuantParams> params = new HashMap<>();
    for (String t : plan.tappedTensors()) {
      float lo = Float.POSITIVE_INFINITY;
      float hi = Float.NEGATIVE_INFINITY;
      for (float v : out.floats(tap.tapOutputs().get(t))) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      params.put(t, QuantParams.fromRange(lo, hi, QuantType.UINT8, QuantRule.ASYMMETRIC));
    }
    return params;
  }
}
