package org.qcal.jobs.data;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.qcal.QcalException;

/**
 * Turns one partition's rows into batches, lazily, in bounded memory: one reusable buffer per
 * input of {@code batchSize * elementsPerSample} values, and the same {@link Batch} object
 * returned by every {@link #next()}.
 *
 * <p>A batch is always rectangular. When an input has a dynamic sample dim and a row's length
 * differs from the rows already in the batch, the batch ends early and that row starts the next
 * one; so ragged data gives smaller batches rather than an error, and sorted data loses nothing.
 *
 * <p>Row numbers in messages count from 0 within the partition (the partition is named when the
 * batcher runs in a Spark task); the row's file is named when the data has an origin column.
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

  // The row read but not yet placed in a batch, with its decoded cell values and lengths.
  private Row pending;
  private long pendingIndex;
  private final Object[] values;
  private final int[] counts;
  private long rowsRead;

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
  }

  @Override
  public boolean hasNext() {
    return pending != null || rows.hasNext();
  }

  @Override
  public Batch next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more rows in this partition of " + plan.source());
    }
    batch.rows = 0;
    while (batch.rows < batchSize) {
      if (pending == null) {
        if (!rows.hasNext()) {
          break;
        }
        read(rows.next(), rowsRead++);
      }
      if (batch.rows > 0 && !sameLengths()) {
        break; // keep the pending row for the next batch
      }
      place();
      pending = null;
    }
    return batch;
  }

  /** Reads one row's cells and checks every length against the model's shape. */
  private void read(Row row, long index) {
    pending = row;
    pendingIndex = index;
    for (int i = 0; i < bindings.size(); i++) {
      InputBinding b = bindings.get(i);
      int col = plan.columnIndex(i);
      Object value = b.columnType().read(row, col);
      if (value == null) {
        throw fail(b, "is null; input " + b.input().describe() + " needs " + b.needs()
            + " values");
      }
      int count;
      try {
        count = b.columnType().count(value);
      } catch (IllegalArgumentException e) {
        throw fail(b, e.getMessage() + "; input " + b.input().describe() + " needs " + b.needs()
            + " values");
      }
      if (!b.accepts(count)) {
        throw fail(b, "has " + count + " values, input " + b.input().describe() + " needs "
            + b.needs());
      }
      values[i] = value;
      counts[i] = count;
    }
  }

  private boolean sameLengths() {
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] != batch.counts[i]) {
        return false;
      }
    }
    return true;
  }

  /** Decodes the pending row into the batch's buffers at position {@code batch.rows}. */
  private void place() {
    int r = batch.rows;
    for (int i = 0; i < bindings.size(); i++) {
      InputBinding b = bindings.get(i);
      int n = counts[i];
      if (r == 0) {
        batch.counts[i] = n;
        ensureCapacity(i, b, n);
      }
      try {
        if (b.elementType() == ElementType.INT64) {
          b.columnType().toLongs(values[i], batch.longs[i], r * n);
        } else {
          b.columnType().toFloats(values[i], batch.floats[i], r * n);
        }
      } catch (IllegalArgumentException e) {
        throw fail(b, e.getMessage() + "; input " + b.input().describe() + " needs numbers");
      }
      values[i] = null;
    }
    if (batch.labels != null) {
      placeLabel(r);
    }
    batch.rows = r + 1;
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

  private void placeLabel(int r) {
    if (batch.labels.length < batchSize) {
      batch.labels = new long[batchSize];
    }
    int col = plan.labelIndex();
    if (pending.isNullAt(col)) {
      throw new QcalException("label column '" + plan.labelColumn() + "' of " + plan.source()
          + ": " + where() + " is null");
    }
    batch.labels[r] = ((Number) pending.get(col)).longValue();
  }

  private QcalException fail(InputBinding b, String what) {
    return new QcalException(
        "column '" + b.column() + "' of " + plan.source() + ": " + where() + " " + what);
  }

  /** {@code row 17 of partition 3 (file:/data/x.npy)}. */
  private String where() {
    StringBuilder sb = new StringBuilder("row ").append(pendingIndex);
    if (partition >= 0) {
      sb.append(" of partition ").append(partition);
    }
    int origin = plan.originIndex();
    if (origin >= 0 && !pending.isNullAt(origin)) {
      sb.append(" (").append(pending.getString(origin)).append(')');
    }
    return sb.toString();
  }
}
