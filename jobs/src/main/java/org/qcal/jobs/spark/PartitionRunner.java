package org.qcal.jobs.spark;

import java.io.Serializable;
import java.nio.LongBuffer;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.apache.spark.util.TaskCompletionListener;
import org.qcal.ElementType;
import org.qcal.QcalException;
import org.qcal.jobs.data.BadRow;
import org.qcal.jobs.data.Batch;
import org.qcal.jobs.data.BatchPlan;
import org.qcal.jobs.data.RowBatcher;
import org.qcal.runtime.ModelOutputs;
import org.qcal.runtime.ModelRunner;
import org.qcal.runtime.RuntimeOptions;

/**
 * Feeds one partition's rows, batch by batch, to a pass's models on an executor; the pass
 * ({@link Batches}) does what it does with each batch's outputs. What every pass shares is here:
 *
 * <ul>
 *   <li>an empty partition opens no model;
 *   <li>one runner per model per task, on the executor JVM's one session per model digest, all
 *       closed when the partition ends and by a task-completion listener even when the task
 *       fails;
 *   <li>the rows become batches by the {@link BatchPlan} ({@link RowBatcher}); a bad row ends
 *       the batches and comes back in {@link Fed#badRow()} instead of failing the task (the
 *       partials' merge keeps the earliest, see {@link BadRow});
 *   <li>a Java {@link OutOfMemoryError} in a forward or in the pass's work on its outputs fails
 *       the task with a {@link TaskOutOfMemory} (an ordinary exception) instead: Spark would
 *       treat the error as fatal and end the executor JVM (exit code 52, which in local mode is
 *       the driver's too);
 *   <li>{@link FaultInjection} of a partition's first attempt.
 * </ul>
 */
final class PartitionRunner implements Serializable {
  private static final long serialVersionUID = 1L;

  /** What a pass does with one task's batches; one instance per task. */
  interface Batches {
    /** Called once before the first batch, with the task's batcher. */
    default void start(RowBatcher batcher) {}

    /**
     * Handles one batch with the task's runners (one per model, in the runner's order). False
     * ends the partition without counting the batch: the pass failed the batcher with a bad row.
     */
    boolean handle(Batch batch, ModelRunner[] runners, RowBatcher batcher);
  }

  /** What a partition came to: the rows of the batches handled, and its bad row or null. */
  record Fed(long rows, BadRow badRow) {}

  private final List<ModelRef> models;
  private final BatchPlan plan;
  private final RuntimeOptions runtime;
  private final FaultInjection faults;
  private final String forward;

  /**
   * @param forward what one forward of the pass is, for the out-of-memory message ("a
   *     calibration forward of 32 rows with ...")
   */
  PartitionRunner(List<ModelRef> models, BatchPlan plan, RuntimeOptions runtime,
      FaultInjection faults, String forward) {
    this.models = List.copyOf(models);
    this.plan = plan;
    this.runtime = runtime;
    this.faults = faults;
    this.forward = forward;
  }

  BatchPlan plan() {
    return plan;
  }

  /** Runs the partition's rows through {@code pass}, batch by batch. */
  Fed run(Iterator<Row> rows, Batches pass) {
    faults.maybeFail();
    if (!rows.hasNext()) {
      return new Fed(0, null); // an empty partition needs no model
    }
    ModelRunner[] runners = new ModelRunner[models.size()];
    try {
      open(runners);
      RowBatcher batcher = plan.batches(rows);
      pass.start(batcher);
      long fed = 0;
      while (batcher.hasNext()) {
        Batch batch = batcher.next();
        if (!pass.handle(batch, runners, batcher)) {
          break;
        }
        fed += batch.rows();
      }
      return new Fed(fed, batcher.error());
    } catch (OutOfMemoryError e) {
      throw new TaskOutOfMemory(forward, e);
    } finally {
      close(runners);
    }
  }

  /**
   * What a lazy pass makes of one batch (e.g. the batch's rows with the model's outputs added);
   * one instance per task.
   */
  interface BatchFunction<T> {
    List<T> apply(Batch batch, ModelRunner[] runners, RowBatcher batcher);
  }

  /**
   * The partition's rows as a lazy iterator over what {@code f} makes of each batch, for a pass
   * whose result is rows rather than a partial (a transform): the runners open at the first
   * batch and close when the rows end (and by the task-completion listener when the consumer
   * stops early or the task fails). A bad row has no partial to travel in: it fails the task
   * with a {@link QcalException} carrying its one-line message (row and column), once the rows
   * before it were handed out.
   */
  <T> Iterator<T> map(Iterator<Row> rows, BatchFunction<T> f) {
    faults.maybeFail();
    if (!rows.hasNext()) {
      return Collections.emptyIterator(); // an empty partition needs no model
    }
    return new Iterator<T>() {
      private final ModelRunner[] runners = new ModelRunner[models.size()];
      private RowBatcher batcher;
      private Iterator<T> current = Collections.emptyIterator();
      private boolean done;

      @Override
      public boolean hasNext() {
        while (!current.hasNext()) {
          if (done) {
            return false;
          }
          current = nextBatch();
        }
        return true;
      }

      @Override
      public T next() {
        if (!hasNext()) {
          throw new NoSuchElementException("no more rows in this partition of " + plan.source());
        }
        return current.next();
      }

      private Iterator<T> nextBatch() {
        try {
          if (batcher == null) {
            open(runners);
            batcher = plan.batches(rows);
          }
          if (batcher.hasNext()) {
            return f.apply(batcher.next(), runners, batcher).iterator();
          }
          done = true;
          close(runners);
          if (batcher.error() != null) {
            throw new QcalException(batcher.error().message());
          }
          return Collections.emptyIterator();
        } catch (OutOfMemoryError e) {
          throw new TaskOutOfMemory(forward, e);
        }
      }
    };
  }

  /** Opens one runner per model into {@code runners}, closed with the task whatever happens. */
  private void open(ModelRunner[] runners) {
    TaskContext task = TaskContext.get();
    if (task != null) {
      task.addTaskCompletionListener((TaskCompletionListener) context -> close(runners));
    }
    for (int m = 0; m < runners.length; m++) {
      runners[m] = ModelRunner.open(models.get(m).source(), runtime);
    }
  }

  private static void close(ModelRunner[] runners) {
    for (ModelRunner r : runners) {
      if (r != null) {
        r.close(); // idempotent
      }
    }
  }

  /** Feeds every input of the batch to the runner and runs it. */
  static ModelOutputs forward(ModelRunner runner, Batch batch) {
    feed(runner, batch);
    return runner.run();
  }

  /** Feeds every input of the batch to the runner. */
  static void feed(ModelRunner runner, Batch batch) {
    for (int i = 0; i < batch.inputCount(); i++) {
      String name = batch.binding(i).inputName();
      long[] shape = batch.shape(i);
      if (batch.binding(i).elementType() == ElementType.INT64) {
        LongBuffer in = runner.longInput(name, shape);
        in.put(batch.longs(i), 0, batch.length(i));
      } else {
        runner.setFloatSlice(name, batch.floats(i), 0, shape);
      }
    }
  }
}
