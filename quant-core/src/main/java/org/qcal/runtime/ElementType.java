package org.qcal.runtime;

import ai.onnxruntime.TensorInfo.OnnxTensorType;

/**
 * Element type of a model input or output as ORT reports it. The runner feeds {@link #FLOAT32}
 * and {@link #INT64} (token ids) and copies out those two; the others only appear in metadata
 * (and as raw bytes in {@link ModelOutputs}).
 */
public enum ElementType {
  FLOAT32(4),
  FLOAT64(8),
  FLOAT16(2),
  BFLOAT16(2),
  INT8(1),
  UINT8(1),
  INT16(2),
  UINT16(2),
  INT32(4),
  UINT32(4),
  INT64(8),
  UINT64(8),
  BOOL(1),
  STRING(-1),
  /** A type this enum does not name (complex, the float8 types, unknown). */
  OTHER(-1);

  private final int bytes;

  ElementType(int bytes) {
    this.bytes = bytes;
  }

  /** Bytes per element, -1 where not fixed. */
  public int byteSize() {
    return bytes;
  }

  static ElementType of(OnnxTensorType type) {
    switch (type) {
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT: return FLOAT32;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE: return FLOAT64;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16: return FLOAT16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16: return BFLOAT16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8: return INT8;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8: return UINT8;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16: return INT16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16: return UINT16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32: return INT32;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32: return UINT32;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64: return INT64;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64: return UINT64;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL: return BOOL;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING: return STRING;
      default: return OTHER;
    }
  }
}
