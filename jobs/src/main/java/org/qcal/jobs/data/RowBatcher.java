package org.qcal.jobs.data;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.qcal.ElementType;
import org.qcal.QcalException;

/**
 * Turns one partition's rows into batches, lazily, in bounded memory: one reusable buffer per
 * input of {@code batchSize * elementsPerSample} values, and the same {@link Batch} object
 * returned by every {@link #next()}.
 *
 * <p>A batch is always rectangular. When an input has a dynamic sample dim and a row's length
 * differs from the rows already in the batch, the batch ends early and that row starts the next
 * one; so ragged data gives smaller batches rather than an error, and sorted data loses nothing.
 * The same holds for a row's sample shape from a shape column ({@code --input-shape NAME=@COL}):
 * a batch never mixes shapes.
 *
 * <p>Every row is checked before a batch holding it is handed out (so before any of its values
 * reaches ONNX Runtime): a null cell or element, a length the input's sample shape does not take,
 * an undecodable value, a null label or one outside {@link #labelsBelow the class range}. A bad
 * row does not throw: the batcher hands out no more batches, checks the remaining rows without
 * decoding them for a model, and {@link #error()} returns the earliest bad row by position (file,
 * then row), which is what makes the job's error independent of how rows fall into partitions.
 */
public final class RowBatcher implements Iterator<Batch> {
  /** The largest Java array the JVMs qcal runs on allocate safely. */
  private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  private final BatchPlan plan;
  private final Iterator<Row> rows;
  private final List<InputBinding> bindings;
  private final int batchSize;
  private final int partition;
  private final Batch batch;

  // The row read but not yet placed in a batch, with its cell values and lengths.
  private Row pending;
  private long pendingIndex;
  private final Object[] values;
  private final int[] counts;
  /** The pending row's sample shape of each input. */
  private final long[][] shapes;
  private long rowsRead;
  /** The rows of the batch being filled and their indices in the partition, for errors. */
  private final Row[] batchRows;
  private final long[] batchIndex;
  private boolean ready;
  private BadRow error;
  private long classes = -1;
  private String classSource;

  RowBatcher(BatchPlan plan, Iterator<Row> rows) {
    this.plan = plan;
    this.rows = rows;
    this.bindings = plan.bindings();
    this.batchSize = plan.batchSize();
    TaskContext task = TaskContext.get();
    this.partition = task == null ? -1 : task.partitionId();
    this.batch = new Batch(bindings, plan.hasLabels());
    this.values = new Object[bindings.size()];
    this.counts = new int[bindings.size()];
    this.shapes = new long[bindings.size()][];
    this.batchRows = new Row[batchSize];
    this.batchIndex = new long[batchSize];
  }

  /**
   * From now on a label must lie in {@code [0, classes)}: the class count of output {@code
   * output}, known once the model declared or produced it.
   */
  public void labelsBelow(long classes, String output) {
    this.classes = classes;
    this.classSource = output;
  }

  @Override
  public boolean hasNext() {
    if (!ready && error == null) {
      fill();
    }
    return ready;
  }

  @Override
  public Batch next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more batches in this partition of " + plan.source());
    }
    ready = false;
    return batch;
  }

  /** The earliest bad row of the partition, once {@link #hasNext()} said false; else null. */
  public BadRow error() {
    return error;
  }

  /** Row {@code r} of the batch last returned, as the partition gave it. */
  public Row row(int r) {
    if (r < 0 || r >= batch.rows) {
      throw new IndexOutOfBoundsException("row " + r + " of a batch of " + batch.rows);
    }
    return batchRows[r];
  }

  /**
   * Row {@code r} of the batch last returned, as a bad row (e.g. a label found outside the
   * class range after the forward that told the class count).
   */
  public BadRow badRow(int r, String what) {
    return RowPosition.bad(plan, batchRows[r], batchIndex[r], partition, what);
  }

  /** Ends the batches with {@code bad}, checking the remaining rows for an earlier one. */
  public void fail(BadRow bad) {
    error = BadRow.earlier(error, bad);
    ready = false;
    pending = null;
    while (rows.hasNext()) {
      long index = rowsRead++;
      BadRow b = read(rows.next(), index);
      if (b == null) {
        batch.rows = 0;
        b = place(); // decodes into the unused batch buffer: only to find bad elements
      }
      error = BadRow.earlier(error, b);
    }
    batch.rows = 0;
  }

  private void fill() {
    batch.rows = 0;
    while (batch.rows < batchSize) {
      if (pending == null) {
        if (!rows.hasNext()) {
          break;
        }
        long index = rowsRead++;
        BadRow bad = read(rows.next(), index);
        if (bad != null) {
          fail(bad);
          return;
        }
      }
      if (batch.rows > 0 && !sameLengths()) {
        break; // keep the pending row for the next batch
      }
      BadRow bad = place();
      if (bad != null) {
        fail(bad);
        return;
      }
      pending = null;
    }
    ready = batch.rows > 0;
  }

  /** Reads one row's cells and checks every length against the model's shape. */
  private BadRow read(Row row, long index) {
    pending = row;
    pendingIndex = index;
    for (int i = 0; i < bindings.size(); i++) {
      InputBinding b = bindings.get(i);
      int col = plan.columnIndex(i);
      Object value = b.columnType().read(row, col);
      if (value == null) {
        return bad(b, "is null; input " + b.input().describe() + " needs " + b.needs()
            + " values");
      }
      int count;
      try {
        count = b.columnType().count(value);
      } catch (IllegalArgumentException | ClassCastException e) {
        return bad(b, e.getMessage() + "; input " + b.input().describe() + " needs " + b.needs()
            + " values");
      }
      if (!b.accepts(count)) {
        return bad(b, "has " + count + " values, input " + b.input().describe() + " needs "
            + b.needs());
      }
      if (b.shapeColumn() != null) {
        BadRow bad = readShape(row, i, b, count);
        if (bad != null) {
          return bad;
        }
      } else {
        shapes[i] = b.sampleShapeFor(count);
      }
      values[i] = value;
      counts[i] = count;
    }
    return null;
  }

  /** The row's sample dims from the input's shape column, into {@code shapes[i]}. */
  private BadRow readShape(Row row, int i, InputBinding b, int count) {
    String column = "shape column '" + b.shapeColumn() + "' ";
    int col = plan.shapeIndex(i);
    List<?> list = row.isNullAt(col) ? null : row.getList(col);
    if (list == null) {
      return RowPosition.bad(plan, pending, pendingIndex, partition, column + "is null; input "
          + b.input().describe() + " needs its dims");
    }
    long[] dims = new long[list.size()];
    for (int d = 0; d < dims.length; d++) {
      Object e = list.get(d);
      if (e == null) {
        return RowPosition.bad(plan, pending, pendingIndex, partition, column
            + "has a null at element " + d + "; input " + b.input().describe()
            + " needs its dims");
      }
      dims[d] = ((Number) e).longValue();
    }
    String why = b.rejectRowShape(dims, count);
    if (why != null) {
      return RowPosition.bad(plan, pending, pendingIndex, partition, column + why);
    }
    shapes[i] = dims;
    return null;
  }

  private boolean sameLengths() {
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] != batch.counts[i] || !Arrays.equals(shapes[i], batch.sampleShapes[i])) {
        return false;
      }
    }
    return true;
  }

  /** Decodes the pending row into the batch's buffers at position {@code batch.rows}. */
  private BadRow place() {
    int r = batch.rows;
    for (int i = 0; i < bindings.size(); i++) {
      InputBinding b = bindings.get(i);
      int n = counts[i];
      if (r == 0) {
        batch.counts[i] = n;
        batch.sampleShapes[i] = shapes[i];
        ensureCapacity(i, b, n);
      }
      try {
        if (b.elementType() == ElementType.INT64) {
          b.columnType().toLongs(values[i], batch.longs[i], r * n);
        } else {
          b.columnType().toFloats(values[i], batch.floats[i], r * n);
        }
      } catch (IllegalArgumentException | ClassCastException e) {
        return bad(b, e.getMessage() + "; input " + b.input().describe() + " needs numbers");
      } finally {
        values[i] = null;
      }
    }
    if (batch.labels != null) {
      BadRow bad = placeLabel(r);
      if (bad != null) {
        return bad;
      }
    }
    batchRows[r] = pending;
    batchIndex[r] = pendingIndex;
    batch.rows = r + 1;
    return null;
  }

  private void ensureCapacity(int i, InputBinding b, int perSample) {
    long needed = (long) batchSize * perSample;
    if (needed > MAX_ARRAY) {
      throw new QcalException("a batch of " + batchSize + " x " + perSample + " values for input "
          + b.input().describe() + " does not fit one Java array; lower --batch-size");
    }
    if (b.elementType() == ElementType.INT64) {
      if (batch.longs[i] == null || batch.longs[i].length < needed) {
        batch.longs[i] = new long[(int) needed];
      }
    } else if (batch.floats[i] == null || batch.floats[i].length < needed) {
      batch.floats[i] = new float[(int) needed];
    }
  }

  private BadRow placeLabel(int r) {
    if (batch.labels.length < batchSize) {
      batch.labels = new long[batchSize];
    }
    int col = plan.labelIndex();
    String column = "label column '" + plan.labelColumn() + "'";
    if (pending.isNullAt(col)) {
      return RowPosition.bad(plan, pending, pendingIndex, partition, column + " is null");
    }
    long label = ((Number) pending.get(col)).longValue();
    if (classes > 0 && (label < 0 || label >= classes)) {
      return RowPosition.bad(plan, pending, pendingIndex, partition,
          outsideClasses(column, label, classes, classSource));
    }
    batch.labels[r] = label;
    return null;
  }

  /** "label column 'y' has value 12, outside the class range [0, 10) of output 'logits'". */
  public static String outsideClasses(String column, long label, long classes, String output) {
    return column + " has value " + label + ", outside the class range [0, " + classes
        + ") of output '" + output + "'";
  }

  private BadRow bad(InputBinding b, String what) {
    return RowPosition.bad(plan, pending, pendingIndex, partition,
        "column '" + b.column() + "' " + what);
  }
}
