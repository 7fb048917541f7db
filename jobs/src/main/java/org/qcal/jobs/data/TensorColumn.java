package org.qcal.jobs.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.qcal.ElementType;

/**
 * The kinds of column that hold a tensor per row, and how each decodes into a flat buffer.
 * Decoding never rounds to the model's type silently except double to float (the model is
 * float32 anyway). NaN and infinities pass through: the statistics count them.
 *
 * <p>Decoders throw {@link IllegalArgumentException} with the reason only; the caller knows the
 * row and the column and turns it into a {@link org.qcal.QcalException} naming both.
 */
public enum TensorColumn {
  FLOAT_ARRAY("array<float>", false),
  DOUBLE_ARRAY("array<double>", false),
  INT_ARRAY("array<int>", true),
  LONG_ARRAY("array<bigint>", true),
  VECTOR("vector", false) {
    @Override
    Object read(Row row, int index) {
      return row.get(index);
    }

    @Override
    int count(Object value) {
      return ((Vector) value).size();
    }

    @Override
    void toFloats(Object value, float[] dst, int off) {
      if (value instanceof DenseVector dense) {
        double[] v = dense.values();
        for (int i = 0; i < v.length; i++) {
          dst[off + i] = (float) v[i];
        }
      } else {
        SparseVector sparse = (SparseVector) value;
        Arrays.fill(dst, off, off + sparse.size(), 0f);
        int[] idx = sparse.indices();
        double[] v = sparse.values();
        for (int i = 0; i < idx.length; i++) {
          dst[off + idx[i]] = (float) v[i];
        }
      }
    }
  },
  BINARY_FLOAT32("binary (float32 little-endian)", false) {
    @Override
    Object read(Row row, int index) {
      return row.get(index);
    }

    @Override
    int count(Object value) {
      int bytes = ((byte[]) value).length;
      if (bytes % Float.BYTES != 0) {
        throw new IllegalArgumentException(
            "has " + bytes + " bytes, not a multiple of 4 (raw float32)");
      }
      return bytes / Float.BYTES;
    }

    @Override
    void toFloats(Object value, float[] dst, int off) {
      byte[] bytes = (byte[]) value;
      ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
          .get(dst, off, bytes.length / Float.BYTES);
    }
  };

  /** Every accepted column type, for error messages. */
  public static final String ACCEPTED =
      "array<float|double|int|bigint>, vector or binary (raw float32 little-endian)";

  private final String typeName;
  private final boolean integer;

  TensorColumn(String typeName, boolean integer) {
    this.typeName = typeName;
    this.integer = integer;
  }

  /** The column kind of a Spark type, or null when the type holds no tensor. */
  public static TensorColumn of(DataType type) {
    if (type instanceof ArrayType array) {
      DataType e = array.elementType();
      if (e.equals(DataTypes.FloatType)) {
        return FLOAT_ARRAY;
      } else if (e.equals(DataTypes.DoubleType)) {
        return DOUBLE_ARRAY;
      } else if (e.equals(DataTypes.IntegerType)) {
        return INT_ARRAY;
      } else if (e.equals(DataTypes.LongType)) {
        return LONG_ARRAY;
      }
      return null;
    }
    if (type.equals(DataTypes.BinaryType)) {
      return BINARY_FLOAT32;
    }
    return type.equals(SQLDataTypes.VectorType()) ? VECTOR : null;
  }

  /** Whether the column holds integers, so that it can feed an int64 input exactly. */
  public boolean isInteger() {
    return integer;
  }

  /** Whether the column can feed an input of the given element type. */
  public boolean canFeed(ElementType type) {
    return type == ElementType.FLOAT32 || integer;
  }

  public String typeName() {
    return typeName;
  }

  /** The row's value in the form the decoder takes, or null when the cell is null. */
  Object read(Row row, int index) {
    return row.isNullAt(index) ? null : row.getList(index);
  }

  /** The number of elements of a non-null value. */
  int count(Object value) {
    return ((List<?>) value).size();
  }

  /** Writes the {@link #count} elements of the value to {@code dst[off...]} as float32. */
  void toFloats(Object value, float[] dst, int off) {
    List<?> list = (List<?>) value;
    int n = list.size();
    for (int i = 0; i < n; i++) {
      dst[off + i] = element(list, i).floatValue();
    }
  }

  /** Writes the elements of an integer column to {@code dst[off...]} as int64. */
  void toLongs(Object value, long[] dst, int off) {
    if (!integer) {
      throw new IllegalStateException(typeName + " cannot feed an int64 input");
    }
    List<?> list = (List<?>) value;
    int n = list.size();
    for (int i = 0; i < n; i++) {
      dst[off + i] = element(list, i).longValue();
    }
  }

  private static Number element(List<?> list, int i) {
    Object e = list.get(i);
    if (e == null) {
      throw new IllegalArgumentException("has a null at element " + i);
    }
    return (Number) e;
  }
}
