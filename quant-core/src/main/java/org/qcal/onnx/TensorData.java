package org.qcal.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.qcal.ElementType;
import org.qcal.QcalException;
import org.qcal.onnx.proto.Onnx.TensorProto;
import org.qcal.quant.QuantType;

/**
 * Reads float tensors and writes the small integer and float tensors of a QDQ model. onnx.proto:
 * {@code raw_data} holds fixed-width little-endian elements; without it floats are in
 * {@code float_data}; 8- and 16-bit integers written here always use {@code raw_data}.
 */
final class TensorData {
  private TensorData() {}

  /** The values of a float32 tensor (external data must have been inlined already). */
  static float[] floats(TensorProto t, String modelName) {
    if (t.getDataType() != ElementType.FLOAT32.code()) {
      throw new QcalException("tensor '" + t.getName() + "' of model " + modelName
          + " must be float32, got " + ElementType.nameOf(t.getDataType()));
    }
    long count = elementCount(t.getDimsList());
    float[] values;
    if (t.hasRawData()) {
      ByteString raw = t.getRawData();
      if (raw.size() != count * 4) {
        throw new QcalException("tensor '" + t.getName() + "' of model " + modelName + " has "
            + raw.size() + " bytes of raw_data, dims " + t.getDimsList() + " need " + count * 4);
      }
      values = new float[(int) count];
      raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
    } else {
      if (t.getFloatDataCount() != count) {
        throw new QcalException("tensor '" + t.getName() + "' of model " + modelName + " has "
            + t.getFloatDataCount() + " float_data values, dims " + t.getDimsList() + " need "
            + count);
      }
      values = new float[(int) count];
      for (int i = 0; i < values.length; i++) {
        values[i] = t.getFloatData(i);
      }
    }
    return values;
  }

  /**
   * The values of an int64 tensor (onnx.proto: {@code raw_data} little-endian, else
   * {@code int64_data}), e.g. a Reshape target shape or Squeeze axes.
   */
  static long[] longs(TensorProto t, String modelName) {
    if (t.getDataType() != ElementType.INT64.code()) {
      throw new QcalException("tensor '" + t.getName() + "' of model " + modelName
          + " must be int64, got " + ElementType.nameOf(t.getDataType()));
    }
    int count = Math.toIntExact(elementCount(t.getDimsList()));
    long[] values = new long[count];
    if (t.hasRawData()) {
      if (t.getRawData().size() != count * 8L) {
        throw new QcalException("tensor '" + t.getName() + "' of model " + modelName + " has "
            + t.getRawData().size() + " bytes of raw_data, dims " + t.getDimsList() + " need "
            + count * 8L);
      }
      t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer()
          .get(values);
    } else {
      if (t.getInt64DataCount() != count) {
        throw new QcalException("tensor '" + t.getName() + "' of model " + modelName + " has "
            + t.getInt64DataCount() + " int64_data values, dims " + t.getDimsList() + " need "
            + count);
      }
      for (int i = 0; i < count; i++) {
        values[i] = t.getInt64Data(i);
      }
    }
    return values;
  }

  /** The product of the dims (1 for a scalar). */
  static long elementCount(List<Long> dims) {
    long n = 1;
    for (long d : dims) {
      if (d < 0) {
        throw new QcalException("tensor dims must be >= 0, got " + dims);
      }
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /** A float32 tensor; empty dims make a scalar. */
  static TensorProto floats(String name, List<Long> dims, float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return raw(name, ElementType.FLOAT32, dims, b.array());
  }

  /** An int64 tensor, e.g. axes or pads that an opset conversion moves into an input. */
  static TensorProto int64s(String name, List<Long> dims, long[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(values);
    return raw(name, ElementType.INT64, dims, b.array());
  }

  /** A float64 tensor; empty dims make a scalar. */
  static TensorProto doubles(String name, List<Long> dims, double[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asDoubleBuffer().put(values);
    return raw(name, ElementType.FLOAT64, dims, b.array());
  }

  /** A tensor of {@code type} holding {@code values} (which must fit the type). */
  static TensorProto integers(String name, QuantType type, List<Long> dims, int[] values) {
    int width = type.elementType().byteSize();
    if (width != 1 && width != 2 && width != 4) {
      throw new QcalException("quantized tensor '" + name + "' must be int8, uint8, int16,"
          + " uint16 or int32, got " + type);
    }
    ByteBuffer b = ByteBuffer.allocate(values.length * width).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      if (width == 1) {
        b.put((byte) v);
      } else if (width == 2) {
        b.putShort((short) v);
      } else {
        b.putInt(v);
      }
    }
    return raw(name, type.elementType(), dims, b.array());
  }

  /** An 8-bit tensor whose bytes are already encoded (signed, or unsigned as low byte). */
  static TensorProto bytes(String name, QuantType type, List<Long> dims, byte[] values) {
    return raw(name, type.elementType(), dims, values);
  }

  private static TensorProto raw(String name, ElementType type, List<Long> dims, byte[] bytes) {
    return TensorProto.newBuilder().setName(name).setDataType(type.code()).addAllDims(dims)
        .setRawData(UnsafeByteOperations.unsafeWrap(bytes)).build();
  }
}
