package org.qcal.jobs.data;

import java.io.Serializable;
import org.qcal.ElementType;
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
 * apart from a flat column: they need an {@link InputShape} ({@code --input-shape}), fixed dims
 * for every row or a column of each row's dims; without one the input is refused with a line
 * that names the option.
 */
public final class InputBinding implements Serializable {
  private static final long serialVersionUID = 1L;

  private final ModelInput input;
  private final String column;
  private final TensorColumn columnType;
  private final long[] sampleShape;
  private final int staticElements;
  private final int dynamicAxis;
  /** The column of each row's sample dims, or null. */
  private final String shapeColumn;
  private final InputShape given;

  /**
   * Binds {@code input} to {@code column}, whose Spark type decodes as {@code columnType}.
   *
   * @throws QcalException when the shape cannot be fed from rows or the column cannot feed the
   *     input's element type
   */
  public InputBinding(ModelInput input, String column, TensorColumn columnType) {
    this(input, column, columnType, null);
  }

  /**
   * As {@link #InputBinding(ModelInput, String, TensorColumn)}, with the sample shape given by
   * {@code shape} (null: from the model, at most one dynamic dim).
   */
  public InputBinding(ModelInput input, String column, TensorColumn columnType,
      InputShape shape) {
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
    this.given = shape;
    this.shapeColumn = shape == null ? null : shape.column();
    this.sampleShape = shape == null || shape.dims() == null ? input.sampleShape()
        : given(input, shape.dims());
    long product = 1;
    int dynamic = -1;
    for (int i = 0; i < sampleShape.length; i++) {
      if (sampleShape[i] == ModelInput.DYNAMIC) {
        if (dynamic >= 0 && shapeColumn == null) {
          throw new QcalException("input " + input.describe() + " has dynamic dims " + (dynamic + 1)
              + " and " + (i + 1) + "; pass its sample shape with " + InputShape.OPTION + " "
              + input.name() + "=" + example(sampleShape) + " or a column of each row's dims with "
              + InputShape.OPTION + " " + input.name() + "=@COLUMN");
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
    this.dynamicAxis = shapeColumn == null ? dynamic : -1;
  }

  /** The given sample dims, checked against the model's static ones. */
  private static long[] given(ModelInput input, long[] dims) {
    long[] model = input.sampleShape();
    String what = InputShape.OPTION + " " + input.name() + "=" + join(dims);
    if (dims.length != model.length) {
      throw new QcalException(what + ": input " + input.describe() + " has " + model.length
          + " dims besides the batch, got " + dims.length);
    }
    for (int i = 0; i < dims.length; i++) {
      if (model[i] != ModelInput.DYNAMIC && model[i] != dims[i]) {
        throw new QcalException(what + ": dim " + (i + 1) + " of input " + input.describe()
            + " is " + model[i] + ", got " + dims[i]);
      }
    }
    return dims.clone();
  }

  /** {@code 3,H,W}: the static dims and a letter for each dynamic one, for messages. */
  private static String example(long[] sample) {
    StringBuilder sb = new StringBuilder();
    char name = 'A';
    for (int i = 0; i < sample.length; i++) {
      sb.append(i > 0 ? "," : "").append(sample[i] == ModelInput.DYNAMIC
          ? String.valueOf(name++) : Long.toString(sample[i]));
    }
    return sb.toString();
  }

  static String join(long[] dims) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < dims.length; i++) {
      sb.append(i > 0 ? "," : "").append(dims[i]);
    }
    return sb.toString();
  }

  /** The {@code --input-shape} this binding was made with, or null. */
  public InputShape inputShape() {
    return given;
  }

  /** The column holding each row's sample dims, or null. */
  public String shapeColumn() {
    return shapeColumn;
  }

  /**
   * Why {@code dims} (a row's shape column value) cannot be this input's sample shape for a row
   * of {@code count} elements, or null when it can.
   */
  String rejectRowShape(long[] dims, int count) {
    long[] model = input.sampleShape();
    if (dims.length != model.length) {
      return "has " + dims.length + " dims, input " + input.describe() + " needs "
          + model.length + " besides the batch";
    }
    long product = 1;
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] < 1 || (model[i] != ModelInput.DYNAMIC && model[i] != dims[i])) {
        return "has dim " + (i + 1) + " = " + dims[i] + ", input " + input.describe()
            + " needs " + (model[i] == ModelInput.DYNAMIC ? "a positive size" : model[i]);
      }
      product *= dims[i];
      if (product > Integer.MAX_VALUE) {
        return "gives more than 2^31-1 elements per sample";
      }
    }
    if (product != count) {
      return "says " + join(dims) + " (" + product + " values), but column '" + column
          + "' has " + count;
    }
    return null;
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

  /** Whether the sample shape is taken from the data (a dynamic dim or a shape column). */
  public boolean hasDynamicSampleDim() {
    return dynamicAxis >= 0 || shapeColumn != null;
  }

  /** Elements per sample, or -1 when the data makes it depend on the row. */
  public int elementsPerSample() {
    return hasDynamicSampleDim() ? -1 : staticElements;
  }

  /** The largest batch the model takes: 1 for a static batch dim of 1, else unbounded. */
  public int maxBatchSize() {
    return input.batchDim() == 1 ? 1 : Integer.MAX_VALUE;
  }

  /** Whether a row of {@code count} elements is a valid sample. */
  public boolean accepts(int count) {
    if (shapeColumn != null) {
      return count > 0; // checked against the row's shape by rejectRowShape
    }
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
    if (shapeColumn != null) {
      return "as many as column '" + shapeColumn + "' says";
    }
    if (dynamicAxis < 0) {
      return Integer.toString(staticElements);
    }
    return staticElements == 1 ? "at least 1" : "a positive multiple of " + staticElements;
  }

  @Override
  public String toString() {
    return "input " + input.describe() + " <- column '" + column + "' (" + columnType.typeName()
        + ")" + (shapeColumn != null ? ", shape from column '" + shapeColumn + "'"
        : dynamicAxis < 0 && !java.util.Arrays.equals(sampleShape, input.sampleShape())
        ? ", sample shape " + ModelInput.formatShape(sampleShape) : "");
  }
}
