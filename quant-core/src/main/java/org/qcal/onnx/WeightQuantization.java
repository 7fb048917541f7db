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
 * <p>With a 4-bit type (int4 symmetric, uint4 asymmetric) the weights of MatMul and Gemm become
 * ONNX Runtime's MatMulNBits, block-wise along K ({@link NibbleBlocks}, {@code blockSize}); the
 * other weights (Conv ...) have no 4-bit kernel and stay int8 per {@link #eightBit()}
 * (docs/DESIGN.md "4-bit weights").
 *
 * @param type one of {@link #TYPES}
 * @param perChannel one scale per output channel when the op and the opset allow it (8 bits)
 * @param symmetric symmetric range (zero point 0 for int8)
 * @param reduceRange 7-bit range, for x86 CPUs without VNNI
 * @param blockSize values along K per 4-bit block: a power of two in [16, 256]
 */
public record WeightQuantization(QuantType type, boolean perChannel, boolean symmetric,
    boolean reduceRange, int blockSize) implements Serializable {

  /** The weight types qcal writes: int8 and uint8; int4 and uint4 for MatMul and Gemm. */
  public static final List<QuantType> TYPES =
      List.of(QuantType.INT8, QuantType.UINT8, QuantType.INT4, QuantType.UINT4);

  /** The default 4-bit block size: 32 values along K, MLAS's Q4_0 block. */
  public static final int DEFAULT_BLOCK_SIZE = 32;

  public static final WeightQuantization DEFAULT =
      new WeightQuantization(QuantType.INT8, true, true, false);

  public WeightQuantization {
    Check.notNull(type, "weight type");
    if (!TYPES.contains(type)) {
      throw new QcalException("weight type must be one of " + TYPES + ", got " + type);
    }
    if (!NibbleBlocks.validBlockSize(blockSize)) {
      throw new QcalException("weight block size must be a power of two in [16, 256], got "
          + blockSize);
    }
  }

  /** 8-bit (or 4-bit with the default block size) weights. */
  public WeightQuantization(QuantType type, boolean perChannel, boolean symmetric,
      boolean reduceRange) {
    this(type, perChannel, symmetric, reduceRange, DEFAULT_BLOCK_SIZE);
  }

  /** True for int4 and uint4: MatMul and Gemm weights become MatMulNBits. */
  public boolean fourBit() {
    return type.bits() == 4;
  }

  /**
   * The 8-bit settings of the weights that are not MatMul or Gemm weights: these settings
   * themselves for 8-bit types, int8 symmetric for 4-bit ones.
   */
  public WeightQuantization eightBit() {
    return fourBit() ? new WeightQuantization(QuantType.INT8, perChannel, true, reduceRange)
        : this;
  }

  public QuantRule rule() {
    return QuantRule.of(symmetric, reduceRange);
  }
}
