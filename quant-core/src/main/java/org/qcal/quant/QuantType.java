package org.qcal.quant;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.qcal.ElementType;
import org.qcal.QcalException;

/**
 * The integer types qcal quantizes to, with their three integer ranges.
 *
 * <ul>
 *   <li><b>full</b>: every value of the type, e.g. int8 -128..127, uint8 0..255. ONNX
 *       QuantizeLinear always saturates to this range.
 *   <li><b>symmetric</b>: signed types drop their most negative value so that the range is
 *       symmetric around 0 (int8 -127..127, {@code -(2^(b-1) - 1)..2^(b-1) - 1}); unsigned types keep
 *       their full range and put the zero point at its midpoint (see {@link QuantParams}).
 *   <li><b>reduced</b> ({@code reduce_range}): one bit less of magnitude, so that products summed in
 *       pairs cannot overflow 16-bit intermediates on x86 (VPMADDUBSW). docs/DESIGN.md fixes int8
 *       -64..64 and uint8 0..127, the values of ONNX Runtime's {@code ONNX_INT_TYPE_REDUCED_RANGE}
 *       (quant_utils.py). qcal applies the same rule to every width: signed {@code -2^(b-2)..2^(b-2)},
 *       unsigned {@code 0..2^(b-1) - 1}; so int16 -16384..16384 and uint16 0..32767 (as in ONNX
 *       Runtime), uint4 0..7 (as in ONNX Runtime) and int4 -4..4 (ONNX Runtime uses -4..3).
 *       Reduced range takes precedence over the symmetric restriction, as in ONNX Runtime's
 *       {@code get_qmin_qmax_for_qType}.
 * </ul>
 *
 * <p>Each type's ONNX element type is {@link #elementType()}. {@link #INT32} exists for biases
 * only (docs/DESIGN.md: bias int32, zero point 0); it is not a calibration target.
 */
public enum QuantType {
  INT8(8, true, ElementType.INT8),
  UINT8(8, false, ElementType.UINT8),
  INT16(16, true, ElementType.INT16),
  UINT16(16, false, ElementType.UINT16),
  INT4(4, true, ElementType.INT4),
  UINT4(4, false, ElementType.UINT4),
  INT32(32, true, ElementType.INT32);

  private final int bits;
  private final boolean signed;
  private final ElementType elementType;

  QuantType(int bits, boolean signed, ElementType elementType) {
    this.bits = bits;
    this.signed = signed;
    this.elementType = elementType;
  }

  public int bits() {
    return bits;
  }

  public boolean isSigned() {
    return signed;
  }

  /** The ONNX element type of tensors of this type. */
  public ElementType elementType() {
    return elementType;
  }

  /** Lowest value of the full range: {@code -2^(b-1)} or 0. */
  public long fullMin() {
    return signed ? -(1L << (bits - 1)) : 0;
  }

  /** Highest value of the full range: {@code 2^(b-1) - 1} or {@code 2^b - 1}. */
  public long fullMax() {
    return signed ? (1L << (bits - 1)) - 1 : (1L << bits) - 1;
  }

  /** Lowest integer a range maps to under {@code rule}. */
  public long qmin(QuantRule rule) {
    if (rule.reduceRange()) {
      return signed ? -(1L << (bits - 2)) : 0;
    }
    return signed && rule.symmetric() ? -fullMax() : fullMin();
  }

  /** Highest integer a range maps to under {@code rule}. */
  public long qmax(QuantRule rule) {
    if (rule.reduceRange()) {
      return signed ? 1L << (bits - 2) : (1L << (bits - 1)) - 1;
    }
    return fullMax();
  }

  /** The type whose {@link #elementType()} has the onnx.proto number {@code onnxType}. */
  public static QuantType fromOnnxType(int onnxType) {
    for (QuantType t : values()) {
      if (t.elementType.code() == onnxType) {
        return t;
      }
    }
    throw new QcalException("ONNX data type must be one of " + names() + ", got "
        + ElementType.nameOf(onnxType));
  }

  /** Parses a name such as {@code "int8"} or {@code "UINT8"}, ignoring case. */
  public static QuantType parse(String name) {
    return parse(name, List.of(values()), "quantization type");
  }

  /**
   * Parses a name, ignoring case, into one of the {@code accepted} types; fails naming {@code
   * what} (e.g. an option) and the accepted types.
   */
  public static QuantType parse(String name, List<QuantType> accepted, String what) {
    if (name != null) {
      for (QuantType t : accepted) {
        if (t.name().equalsIgnoreCase(name.trim())) {
          return t;
        }
      }
    }
    throw new QcalException(what + " must be one of " + accepted + ", got " + name);
  }

  /** The lower-case name, e.g. {@code "int8"}, as parsed by {@link #parse}. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }

  private static String names() {
    return Arrays.toString(values());
  }
}
