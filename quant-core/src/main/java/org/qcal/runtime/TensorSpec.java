package org.qcal.runtime;

import java.util.Arrays;
import java.util.Objects;
import org.qcal.ElementType;
import org.qcal.QcalException;

/**
 * Name, element type and shape of a model input or output as the model declares it; a dynamic
 * (symbolic or unknown) dimension is -1. Lets the Spark job check a dataset's columns against
 * the model and fill in the batch dimension before it allocates anything.
 */
public final class TensorSpec {
  /** The value ORT reports for a dimension the model leaves open. */
  public static final long DYNAMIC = -1;

  private final String name;
  private final ElementType type;
  private final long[] shape;

  public TensorSpec(String name, ElementType type, long[] shape) {
    this.name = Objects.requireNonNull(name, "name");
    this.type = Objects.requireNonNull(type, "type");
    this.shape = shape.clone();
  }

  public String name() {
    return name;
  }

  public ElementType type() {
    return type;
  }

  /** The declared shape, -1 for dynamic dimensions (a copy). */
  public long[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  public long dim(int axis) {
    return shape[axis];
  }

  /** Elements in one row (the product of all dimensions after the first); -1 if any is dynamic. */
  public long elementsPerRow() {
    long n = 1;
    for (int i = 1; i < shape.length; i++) {
      if (shape[i] < 0) {
        return DYNAMIC;
      }
      n *= shape[i];
    }
    return n;
  }

  /**
   * The shape of a batch of {@code batch} rows: the first dimension set to {@code batch}. Fails if
   * the first dimension is fixed to another value, or if a later dimension is dynamic (then the
   * caller must know the full shape, e.g. a sequence length, and pass it to the runner itself).
   */
  public long[] shapeForBatch(long batch) {
    if (shape.length == 0) {
      throw new QcalException("tensor '" + name + "' is a scalar: it has no batch dimension");
    }
    if (shape[0] >= 0 && shape[0] != batch) {
      throw new QcalException("tensor '" + name + "' has a fixed batch size " + shape[0]
          + ", got a batch of " + batch);
    }
    if (elementsPerRow() < 0) {
      throw new QcalException("tensor '" + name + "' has dynamic dimensions after the batch "
          + "axis " + Arrays.toString(shape) + ": pass its full shape");
    }
    long[] result = shape.clone();
    result[0] = batch;
    return result;
  }

  /** True if {@code actual} (a concrete shape) fits this declared shape. */
  public boolean accepts(long[] actual) {
    if (actual.length != shape.length) {
      return false;
    }
    for (int i = 0; i < shape.length; i++) {
      if (actual[i] < 0 || (shape[i] >= 0 && shape[i] != actual[i])) {
        return false;
      }
    }
    return true;
  }

  /** "input float32 [-1, 1, 28, 28]". */
  @Override
  public String toString() {
    return name + " " + type + " " + Arrays.toString(shape);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorSpec t && name.equals(t.name) && type == t.type
        && Arrays.equals(shape, t.shape);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, type, Arrays.hashCode(shape));
  }
}
