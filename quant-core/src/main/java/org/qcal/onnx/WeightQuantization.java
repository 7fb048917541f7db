package org.qcal.onnx;

import java.io.Serializable;
import java.util.List;
import org.qcal.Check;
import org.qcal.QcalException;
import org.qcal.quant.QuantRule;
import org.qcal.quant.QuantType;

/**
 * How the exporter quantizes constant weights. The default is docs/DESIGN.md's: int8, symmetric (zero
 * point 0, restricted range -127..127), one scale per output channel.
 *
 * @param type one of {@link #TYPES}: the weight kernels of ONNX Runtime and TensorRT take 8 bits
 * @param perChannel one scale per output channel when the op and the opset allow it
 * @param symmetric symmetric range (zero point 0 for int8)
 * @param reduceRange 7-bit range, for x86 CPUs without VNNI
 */
public record WeightQuantization(QuantType type, boolean perChannel, boolean symmetric,
    boolean reduceRange) implements Serializable {

  /** The weight types qcal writes: int8 and uint8. */
  public static final List<QuantType> TYPES = List.of(QuantType.INT8, QuantType.UINT8);

  public static final WeightQuantization DEFAULT =
      new WeightQuantization(QuantType.INT8, true, true, false);

  public WeightQuantization {
    Check.notNull(type, "weight type");
    if (!TYPES.contains(type)) {
      throw new QcalException("weight type must be one of " + TYPES + ", got " + type);
    }
  }

  public QuantRule rule() {
    return QuantRule.of(symmetric, reduceRange);
  }
}
