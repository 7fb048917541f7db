package org.qcal.jobs.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;
import org.qcal.ElementType;
import org.qcal.QcalException;

/**
 * One input of the model as the data layer needs it: its name, element type ({@link
 * ElementType#FLOAT32} or {@link ElementType#INT64}, the types qcal feeds) and shape. A dim
 * {@code <= 0} is dynamic (ONNX symbolic or unknown dims) and stored as {@code -1}. The first dim
 * is the batch dim.
 */
public final class ModelInput implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The value of a dynamic dim in {@link #shape()}. */
  public static final long DYNAMIC = -1;

  private final String name;
  private final ElementType elementType;
  private final long[] shape;

  public ModelInput(String name, ElementType elementType, long[] shape) {
    if (name == null || elementType == null || shape == null) {
      throw new QcalException("model input needs a name, an element type and a shape, got "
          + name + ", " + elementType + ", " + Arrays.toString(shape));
    }
    if (elementType != ElementType.FLOAT32 && elementType != ElementType.INT64) {
      throw new QcalException("model input '" + name + "' is " + elementType
          + "; qcal feeds float32 and int64 inputs");
    }
    this.name = name;
    this.elementType = elementType;
    this.shape = new long[shape.length];
    for (int i = 0; i < shape.length; i++) {
      this.shape[i] = shape[i] <= 0 ? DYNAMIC : shape[i];
    }
  }

  public String name() {
    return name;
  }

  public ElementType elementType() {
    return elementType;
  }

  /** The full shape, batch dim first; dynamic dims are {@link #DYNAMIC}. */
  public long[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  /** The shape of one sample: the shape without the batch dim. */
  public long[] sampleShape() {
    return shape.length == 0 ? new long[0] : Arrays.copyOfRange(shape, 1, shape.length);
  }

  /** The batch dim, or {@link #DYNAMIC}. */
  public long batchDim() {
    return shape.length == 0 ? DYNAMIC : shape[0];
  }

  /** {@code 'name' [?,28,28]}: the form every data error message uses. */
  public String describe() {
    return "'" + name + "' " + formatShape(shape);
  }

  /** {@code [?,28,28]}: dynamic dims print as {@code ?}. */
  public static String formatShape(long[] shape) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < shape.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(shape[i] <= 0 ? "?" : Long.toString(shape[i]));
    }
    return sb.append(']').toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelInput m && name.equals(m.name) && elementType == m.elementType
        && Arrays.equals(shape, m.shape);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, elementType, Arrays.hashCode(shape));
  }

  @Override
  public String toString() {
    return "input " + describe() + " " + elementType;
  }
}
