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
 *
 * <p>Position columns ({@link #FILE_COLUMN}, {@link #BLOCK_COLUMN}, {@link #ROW_COLUMN}, added by
 * {@link DatasetLoader#withPositions}) are carried for messages only, never bound to an input.
 */
public final class BatchPlan implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The column the image and .npy sources fill with the file each row came from. */
  public static final String ORIGIN_COLUMN = "origin";
  /** The prefix of the position columns, which are qcal's, not the user's. */
  static final String POSITION_PREFIX = "_qcal_";
  /** The data file of a row (a URI, as Spark's {@code _metadata.file_path}). */
  public static final String FILE_COLUMN = "_qcal_file";
  /** Where Spark's split of that file starts (bytes; 0 unless a text file was split). */
  public static final String BLOCK_COLUMN = "_qcal_block";
  /** The row within the file (within the split when the block is not 0), from 0. */
  public static final String ROW_COLUMN = "_qcal_row";

  private final List<InputBinding> bindings;
  private final int[] columnIndex;
  /** The column of each input's per-row sample dims, or -1. */
  private final int[] shapeIndex;
  private final int labelIndex;
  private final String labelColumn;
  private final int fileIndex;
  private final int blockIndex;
  private final int rowIndex;
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
    this.shapeIndex = new int[bindings.size()];
    int size = batchSize;
    for (int i = 0; i < bindings.size(); i++) {
      InputBinding b = bindings.get(i);
      // Re-resolving checks that the schema still matches what the binding was made from.
      InputBinding again =
          InputBinder.bindTo(b.input(), b.column(), b.inputShape(), schema, source);
      if (again.columnType() != b.columnType()) {
        throw new QcalException("column '" + b.column() + "' of " + source + " is now "
            + again.columnType().typeName() + ", was bound as " + b.columnType().typeName());
      }
      columnIndex[i] = schema.fieldIndex(b.column());
      shapeIndex[i] = b.shapeColumn() == null ? -1 : schema.fieldIndex(b.shapeColumn());
      size = Math.min(size, b.maxBatchSize());
    }
    this.batchSize = size;
    this.labelColumn = labelColumn;
    this.labelIndex = labelColumn == null ? -1 : labelIndex(schema, labelColumn, source);
    boolean positions = has(schema, FILE_COLUMN, DataTypes.StringType)
        && has(schema, BLOCK_COLUMN, DataTypes.LongType)
        && has(schema, ROW_COLUMN, DataTypes.LongType);
    this.fileIndex = positions ? schema.fieldIndex(FILE_COLUMN) : -1;
    this.blockIndex = positions ? schema.fieldIndex(BLOCK_COLUMN) : -1;
    this.rowIndex = positions ? schema.fieldIndex(ROW_COLUMN) : -1;
  }

  private static boolean has(StructType schema, String column, DataType type) {
    StructField f = InputBinder.field(schema, column);
    return f != null && f.dataType().equals(type);
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

  int shapeIndex(int input) {
    return shapeIndex[input];
  }

  int labelIndex() {
    return labelIndex;
  }

  /** The column of the row's data file, or -1 when the rows carry no position columns. */
  int fileIndex() {
    return fileIndex;
  }

  int blockIndex() {
    return blockIndex;
  }

  int rowIndex() {
    return rowIndex;
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
