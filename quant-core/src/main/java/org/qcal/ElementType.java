package org.qcal;

import ai.onnxruntime.TensorInfo.OnnxTensorType;
import java.util.Locale;

/**
 * The element type of a tensor: ONNX's {@code TensorProto.DataType} (onnx.proto), with its
 * number, its width in bytes and the name qcal prints. qcal's one element-type enum:
 *
 * <ul>
 *   <li>the ONNX layer reads and writes {@link #code()}: {@code TensorProto.data_type} and {@code
 *       TypeProto.Tensor.elem_type} are int32 fields (a type newer than this enum must still read
 *       and write back unchanged), and {@link #of(int)} names the type of such a number;
 *   <li>the runtime layer maps ONNX Runtime's {@code OnnxTensorType} with {@link
 *       #of(OnnxTensorType)}, and feeds and copies out {@link #FLOAT32} and {@link #INT64};
 *   <li>the data layer fills {@link #FLOAT32} and {@link #INT64} model inputs;
 *   <li>{@link org.qcal.quant.QuantType} takes the element type of each integer type it
 *       quantizes to from here.
 * </ul>
 *
 * <p>The constants carry ONNX's names except {@link #FLOAT32} and {@link #FLOAT64} (ONNX's
 * {@code FLOAT} and {@code DOUBLE}), whose names say their width as qcal's messages do.
 */
public enum ElementType {
  /** ONNX's UNDEFINED, and the type of a number this enum does not name ({@link #of(int)}). */
  UNDEFINED(0, -1),
  FLOAT32(1, 4),
  UINT8(2, 1),
  INT8(3, 1),
  UINT16(4, 2),
  INT16(5, 2),
  INT32(6, 4),
  INT64(7, 8),
  STRING(8, -1),
  BOOL(9, 1),
  FLOAT16(10, 2),
  FLOAT64(11, 8),
  UINT32(12, 4),
  UINT64(13, 8),
  COMPLEX64(14, 8),
  COMPLEX128(15, 16),
  BFLOAT16(16, 2),
  FLOAT8E4M3FN(17, 1),
  FLOAT8E4M3FNUZ(18, 1),
  FLOAT8E5M2(19, 1),
  FLOAT8E5M2FNUZ(20, 1),
  UINT4(21, -1),
  INT4(22, -1),
  FLOAT4E2M1(23, -1),
  FLOAT8E8M0(24, 1);

  private static final String ORT_PREFIX = "ONNX_TENSOR_ELEMENT_DATA_TYPE_";
  private static final ElementType[] BY_CODE = new ElementType[values().length];

  static {
    for (ElementType t : values()) {
      BY_CODE[t.code] = t;
    }
  }

  private final int code;
  private final int bytes;

  ElementType(int code, int bytes) {
    this.code = code;
    this.bytes = bytes;
  }

  /** The onnx.proto {@code TensorProto.DataType} number. */
  public int code() {
    return code;
  }

  /** Bytes per element (in {@code raw_data} and in memory), -1 for strings and sub-byte types. */
  public int byteSize() {
    return bytes;
  }

  /** The type of an onnx.proto number; {@link #UNDEFINED} for a number this enum does not name. */
  public static ElementType of(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : UNDEFINED;
  }

  /**
   * The type of an ONNX Runtime tensor type, by name: ONNX Runtime's Java {@code value} numbers
   * its types in an order of its own, not onnx.proto's. {@link #UNDEFINED} for one this enum
   * does not name.
   */
  public static ElementType of(OnnxTensorType type) {
    String name = type.name().substring(ORT_PREFIX.length());
    switch (name) {
      case "FLOAT": return FLOAT32;
      case "DOUBLE": return FLOAT64;
      default:
        for (ElementType t : values()) {
          if (t.name().equals(name)) {
            return t;
          }
        }
        return UNDEFINED;
    }
  }

  /** The name of the type of an onnx.proto number, e.g. {@code "float32"}, or {@code "type 42"}. */
  public static String nameOf(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code].toString() : "type " + code;
  }

  /** The lower-case name, e.g. {@code "float32"} or {@code "int8"}. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
