package org.qcal.onnx;

import org.qcal.QcalException;
import org.qcal.quant.QuantParams;

/**
 * Quantizes a bias to int32 with zero point 0 and {@code scale[c] = s_input * s_weight[c]}
 * ({@link QuantParams#forBias}): the scale of the int32 accumulator of QLinearConv/QGemm, so the
 * runtime adds the bias without rescaling. Values are rounded half to even and saturated.
 */
final class BiasQuantizer {
  /** The int32 values and their params. */
  record Quantized(int[] values, QuantParams params) {}

  private BiasQuantizer() {}

  static Quantized quantize(String name, float[] bias, float inputScale, QuantParams weight) {
    QuantParams params = QuantParams.forBias(inputScale, weight);
    if (params.isPerChannel() && params.channels() != bias.length) {
      throw new QcalException("bias '" + name + "' has " + bias.length + " values, its weight "
          + params.channels() + " channels");
    }
    int[] q = new int[bias.length];
    for (int c = 0; c < bias.length; c++) {
      if (!Float.isFinite(bias[c])) {
        throw new QcalException("bias '" + name + "' holds a non-finite value at " + c);
      }
      double scale = params.isPerChannel() ? params.scale(c) : params.scale();
      double v = Math.rint(bias[c] / scale);
      q[c] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
    }
    return new Quantized(q, params);
  }
}
