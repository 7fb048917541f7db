package org.qcal.jobs.data;

import java.io.Serializable;
import org.qcal.QcalException;

/**
 * A model input bound to a data column: which column feeds it, how that column decodes, and the
 * shape of one sample (the model shape without its batch dim).
 *
 * <p>Shapes. The batch dim must be dynamic (rows are then batched) or 1 (one row at a time); a
 * static batch larger than 1 is refused because the last batch of a partition could not be
 * filled without inventing samples. Besides the batch dim, at most one dim may be dynamic (a
 * sequence length, say): it is taken from each row's element count, which must then be a
 * positive multiple of the static dims' product. Two or more dynamic sample dims cannot be told
 * apart from a flat column and are refused; fix them in the model or pass a concrete shape.
 */
public final class InputBinding implements Serializable {
  private static final long serialVersionUID = 1L;

  private final ModelInput input;
  private final String column;
  private final TensorColumn columnType;
  private final long[] sampleShape;
  private final int staticElements;
  private final int dynamicAxis;

  /**
   * Binds {@code input} to {@code column}, whose Spark type decodes as {@code columnType}.
   *
   * @throws QcalException when the shape cannot be fed from rows or the column cannot feed the
   *     input's element type
   */
  public InputBinding(ModelInput input, String column, TensorColumn columnType) {
    this.input = input;
    this.column = column;
    this.columnType = columnType;
    if (input.rank() == 0) {
      throw new QcalException("input " + input.describe()
          + " is a scalar; qcal needs a batch dim as the first dim");
    }
    long batch = input.batchDim();
    if (batch != ModelInput.DYNAMIC && batch != 1) {
      throw new QcalException("input " + input.describe() + " has a static batch dim of "
          + batch + "; qcal needs 1 or dynamic (re-export the model with a dynamic batch axis)");
    }
    if (!columnType.canFeed(input.elementType())) {
      throw new QcalException("column '" + column + "' is " + columnType.typeName()
          + "; int64 input " + input.describe() + " needs array<int> or array<bigint>");
    }
    this.sampleShape = input.sampleShape();
    long product = 1;
    int dynamic = -1;
    for (int i = 0; i < sampleShape.length; i++) {
      if (sampleShape[i] == ModelInput.DYNAMIC) {
        if (dynamic >= 0) {
          throw new QcalException("input " + input.describe() + " has dynamic dims " + (dynamic + 1)
              + " and " + (i + 1) + "; qcal can take only one dim besides the batch from the data");
        }
        dynamic = i;
      } else {
        product *= sampleShape[i];
        if (product > Integer.MAX_VALUE) {
          throw new QcalException("input " + input.describe()
              + " has more than 2^31-1 elements per sample");
        }
      }
    }
    this.staticElements = (int) product;
    this.dynamicAxis = dynamic;
  }

  public ModelInput input() {
    return input;
  }

  public String inputName() {
    return input.name();
  }

  public ElementType elementType() {
    return input.elementType();
  }

  public String column() {
    return column;
  }

  public TensorColumn columnType() {
    return columnType;
  }

  /** The model's sample shape; a dynamic dim is {@link ModelInput#DYNAMIC}. */
  public long[] sampleShape() {
    return sampleShape.clone();
  }

  /** Whether one sample dim is taken from the data. */
  public boolean hasDynamicSampleDim() {
    return dynamicAxis >= 0;
  }

  /** Elements per sample, or -1 when a dynamic dim makes it depend on the row. */
  public int elementsPerSample() {
    return dynamicAxis >= 0 ? -1 : staticElements;
  }

  /** The largest batch the model takes: 1 for a static batch dim of 1, else unbounded. */
  public int maxBatchSize() {
    return input.batchDim() == 1 ? 1 : Integer.MAX_VALUE;
  }

  /** Whether a row of {@code count} elements is a valid sample. */
  public boolean accepts(int count) {
    if (dynamicAxis < 0) {
      return count == staticElements;
    }
    return count > 0 && count % staticElements == 0;
  }

  /** The concrete sample shape for a row of {@code count} elements ({@link #accepts} holds). */
  public long[] sampleShapeFor(int count) {
    long[] shape = sampleShape.clone();
    if (dynamicAxis >= 0) {
      shape[dynamicAxis] = count / staticElements;
    }
    return shape;
  }

  /** What a row must hold, for messages: {@code 784} or {@code a positive multiple of 28}. */
  public String needs() {
    if (dynamicAxis < 0) {
      return Integer.toString(staticElements);
    }
    return staticElements == 1 ? "at least 1" : "a positive multiple of " + staticElements;
  }

  @Override
  public String toString() {
    return "input " + input.describe() + " <- column '" + column + "' (" + columnType.typeName()
        + ")";
  }
}
