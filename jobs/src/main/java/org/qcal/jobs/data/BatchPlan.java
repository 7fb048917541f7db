package org.qcal.jobs.data;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.qcal.QcalException;

/**
 * Everything an executor needs to turn rows into batches, built and checked once on the driver
 * and shipped in the task closure: the bindings, the column positions in the dataset's schema,
 * the effective batch size and the optional label column.
 *
 * <p>The batch size is the requested one, or 1 when any input has a static batch dim of 1.
 */
public final class BatchPlan implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The column the image and .npy sources fill with the file each row came from. */
  public static final String ORIGIN_COLUMN = "origin";

  private final List<InputBinding> bindings;
  private final int[] columnIndex;
  private final int labelIndex;
  private final String labelColumn;
  private final int originIndex;
  private final int batchSize;
  private final String source;

  /**
   * @param bindings from {@link InputBinder#bind}
   * @param schema the schema of the rows that will be batched
   * @param batchSize rows per batch wanted (at least 1)
   * @param labelColumn an int or long column to carry along for validation, or null
   * @param source the dataset path, for messages
   */
  public BatchPlan(List<InputBinding> bindings, StructType schema, int batchSize,
      String labelColumn, String source) {
    if (bindings == null || bindings.isEmpty()) {
      throw new QcalException("no model input is bound to a column of " + source);
    }
    if (batchSize < 1) {
      throw new QcalException("batch size must be >= 1, got " + batchSize);
    }
    this.bindings = List.copyOf(bindings);
    this.source = source;
    this.columnIndex = new int[bindings.size()];
    int size = batchSize;
    for (int i = 0; i < bindings.size(); i++) {
      InputBinding b = bindings.get(i);
      // Re-resolving checks that the schema still matches what the binding was made from.
      InputBinding again = InputBinder.bindTo(b.input(), b.column(), schema, source);
      if (again.columnType() != b.columnType()) {
        throw new QcalException("column '" + b.column() + "' of " + source + " is now "
            + again.columnType().typeName() + ", was bound as " + b.columnType().typeName());
      }
      columnIndex[i] = schema.fieldIndex(b.column());
      size = Math.min(size, b.maxBatchSize());
    }
    this.batchSize = size;
    this.labelColumn = labelColumn;
    this.labelIndex = labelColumn == null ? -1 : labelIndex(schema, labelColumn, source);
    StructField origin = InputBinder.field(schema, ORIGIN_COLUMN);
    this.originIndex = origin != null && origin.dataType().equals(DataTypes.StringType)
        ? schema.fieldIndex(ORIGIN_COLUMN) : -1;
  }

  /** A lazy iterator of batches over one partition's rows. */
  public RowBatcher batches(Iterator<Row> rows) {
    return new RowBatcher(this, rows);
  }

  public List<InputBinding> bindings() {
    return bindings;
  }

  /** The batch size used: the requested one, or 1 for models with a static batch of 1. */
  public int batchSize() {
    return batchSize;
  }

  public String source() {
    return source;
  }

  public boolean hasLabels() {
    return labelIndex >= 0;
  }

  public String labelColumn() {
    return labelColumn;
  }

  int columnIndex(int input) {
    return columnIndex[input];
  }

  int labelIndex() {
    return labelIndex;
  }

  int originIndex() {
    return originIndex;
  }

  private static int labelIndex(StructType schema, String column, String source) {
    StructField f = InputBinder.field(schema, column);
    if (f == null) {
      throw new QcalException("label column '" + column + "' not found in " + source
          + " (columns: " + InputBinder.describeColumns(schema) + ")");
    }
    DataType t = f.dataType();
    if (!(t.equals(DataTypes.IntegerType) || t.equals(DataTypes.LongType)
        || t.equals(DataTypes.ShortType) || t.equals(DataTypes.ByteType))) {
      throw new QcalException("label column '" + column + "' of " + source + " is "
          + t.simpleString() + "; a label must be int or bigint");
    }
    return schema.fieldIndex(column);
  }
}
