package org.qcal.jobs.validate;

import java.io.Serializable;
import org.qcal.ElementType;
import org.qcal.quant.QuantParams;
import org.qcal.quant.QuantType;

/**
 * Where a candidate's tap model carries one quantized tensor. Preferably the Q output itself,
 * the 8-bit integers, dequantized on the executor with DequantizeLinear's formula {@code (float)
 * (q - zp) * scale} (bit for bit what the DQ node computes): an extra graph output on a Q node
 * leaves ONNX Runtime's fused int8 graph exactly as deployed and copies a quarter of the bytes,
 * where a DQ output costs an extra float DequantizeLinear per tensor and a float copy. The DQ
 * output is read when the params are not constant 8-bit scalars.
 *
 * @param output the tap model's output
 * @param quantized whether {@code output} is the 8-bit Q output (else the float DQ output)
 * @param scale the Q scale (quantized only)
 * @param zeroPoint the Q zero point (quantized only)
 * @param unsigned uint8 rather than int8 (quantized only)
 */
public record TensorTap(String output, boolean quantized, float scale, int zeroPoint, boolean unsigned)
    implements Serializable {

  /** The tap of a Q/DQ pair: its Q output when the params allow, else its DQ output. */
  static TensorTap of(QdqTensors.Pair pair) {
    QuantParams p = pair.params();
    if (p != null && p.type().bits() == 8 && (p.type() == QuantType.UINT8
        || p.type() == QuantType.INT8) && p.scale() > 0 && Float.isFinite(p.scale())) {
      return new TensorTap(pair.quantized(), true, p.scale(), p.zeroPoint(),
          p.type() == QuantType.UINT8);
    }
    return new TensorTap(pair.dequantized(), false, 0f, 0, false);
  }

  /** The ONNX element type of the output. */
  int onnxType() {
    if (!quantized) {
      return ElementType.FLOAT32.code();
    }
    return unsigned ? ElementType.UINT8.code() : ElementType.INT8.code();
  }
}
