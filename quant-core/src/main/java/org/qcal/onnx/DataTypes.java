package org.qcal.onnx;

/**
 * ONNX element types by their {@code TensorProto.DataType} number (onnx.proto), with the byte
 * width that {@code raw_data} uses for fixed-width types.
 */
public final class DataTypes {
  public static final int UNDEFINED = 0;
  public static final int FLOAT = 1;
  public static final int UINT8 = 2;
  public static final int INT8 = 3;
  public static final int UINT16 = 4;
  public static final int INT16 = 5;
  public static final int INT32 = 6;
  public static final int INT64 = 7;
  public static final int STRING = 8;
  public static final int BOOL = 9;
  public static final int FLOAT16 = 10;
  public static final int DOUBLE = 11;
  public static final int UINT32 = 12;
  public static final int UINT64 = 13;
  public static final int COMPLEX64 = 14;
  public static final int COMPLEX128 = 15;
  public static final int BFLOAT16 = 16;

  private static final String[] NAMES = {
    "undefined", "float", "uint8", "int8", "uint16", "int16", "int32", "int64", "string", "bool",
    "float16", "double", "uint32", "uint64", "complex64", "complex128", "bfloat16",
    "float8e4m3fn", "float8e4m3fnuz", "float8e5m2", "float8e5m2fnuz", "uint4", "int4",
    "float4e2m1", "float8e8m0"
  };

  private DataTypes() {}

  /** Bytes per element in {@code raw_data}, or -1 for strings, sub-byte and unknown types. */
  public static int byteWidth(int dataType) {
    switch (dataType) {
      case UINT8: case INT8: case BOOL: case 17: case 18: case 19: case 20: case 24:
        return 1;
      case UINT16: case INT16: case FLOAT16: case BFLOAT16:
        return 2;
      case FLOAT: case INT32: case UINT32:
        return 4;
      case INT64: case DOUBLE: case UINT64: case COMPLEX64:
        return 8;
      case COMPLEX128:
        return 16;
      default:
        return -1;
    }
  }

  /** The lower-case name, e.g. {@code "float"}, or {@code "type 42"} for unknown numbers. */
  public static String name(int dataType) {
    return dataType >= 0 && dataType < NAMES.length ? NAMES[dataType] : "type " + dataType;
  }
}
