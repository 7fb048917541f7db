package org.qcal.jobs.spark;

import java.io.Serializable;
import java.nio.LongBuffer;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.TaskCompletionListener;
import org.apache.spark.sql.Row;
import org.qcal.ElementType;
import org.qcal.jobs.data.Batch;
import org.qcal.jobs.data.BatchPlan;
import org.qcal.jobs.data.RowBatcher;
import org.qcal.runtime.HostTensor;
import org.qcal.runtime.ModelOutputs;
import org.qcal.runtime.ModelRunner;
import org.qcal.runtime.ModelSource;
import org.qcal.runtime.RuntimeOptions;

/**
 * The executor side of a calibration pass: runs the tap models over one partition's rows, batch
 * by batch, and hands every tapped tensor's values to a {@link TensorSink}. There is one tap
 * model per {@link TapGroups group} (usually one): each batch is fed to every group's model in
 * turn, so a task holds one group's outputs at a time. The model bytes come from broadcasts; the
 * ONNX Runtime session is the executor JVM's one for that digest, and the per-task runners are
 * closed by a task-completion listener even when the task fails.
 *
 * <p>A Java {@link OutOfMemoryError} in a forward or a sink fails the task with a {@link
 * TaskOutOfMemory} (an ordinary exception) instead: Spark would treat the error as fatal and end
 * the executor JVM (exit code 52, which in local mode is the driver's too).
 */
public final class TapPass implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * Receives the values of tapped tensor {@code tensor} for a batch of {@code rows} rows; its
   * shape need not start with the batch (see TensorStats on unbatched tensors).
   */
  interface TensorSink extends Serializable {
    void accept(PassPartial partial, int tensor, float[] values, long[] shape, int length,
        int rows);
  }

  /**
   * One tap model: its bytes, digest, the outputs it exposes and the tensor index (in plan
   * order) of each.
   */
  public record Group(Broadcast<byte[]> modelBytes, String digest, List<String> outputs, int[] tensors)
      implements Serializable {}

  private final List<Group> groups;
  private final String modelName;
  private final BatchPlan batchPlan;
  private final int tensorCount;
  private final RuntimeOptions runtime;
  private final FaultInjection faults;

  public TapPass(List<Group> groups, String modelName, BatchPlan batchPlan, RuntimeOptions runtime,
      FaultInjection faults) {
    this.groups = List.copyOf(groups);
    this.modelName = modelName;
    this.batchPlan = batchPlan;
    this.tensorCount = groups.stream().mapToInt(g -> g.tensors().length).sum();
    this.runtime = runtime;
    this.faults = faults;
  }

  int tensorCount() {
    return tensorCount;
  }

  /**
   * Runs the partition into {@code partial} and returns it; a bad row ends the forwards and
   * comes back in the partial (see {@link RowBatcher}).
   */
  PassPartial run(Iterator<Row> rows, PassPartial partial, TensorSink sink) {
    faults.maybeFail();
    if (!rows.hasNext()) {
      return partial; // an empty partition needs no model
    }
    ModelRunner[] runners = new ModelRunner[groups.size()];
    TaskContext task = TaskContext.get();
    if (task != null) {
      task.addTaskCompletionListener((TaskCompletionListener) context -> close(runners));
    }
    try {
      for (int g = 0; g < runners.length; g++) {
        Group group = groups.get(g);
        runners[g] = ModelRunner.open(
            ModelSource.of(modelName, group.digest(), group.modelBytes().value()), runtime);
      }
      RowBatcher batches = batchPlan.batches(rows);
      while (batches.hasNext()) {
        Batch batch = batches.next();
        for (int g = 0; g < runners.length; g++) {
          forward(runners[g], groups.get(g), batch, partial, sink);
        }
        partial.rows += batch.rows();
      }
      partial.badRow = batches.error();
      return partial;
    } catch (OutOfMemoryError e) {
      throw new TaskOutOfMemory("a calibration forward of " + batchPlan.batchSize()
          + " rows with " + tensorCount + " tapped tensors in " + groups.size() + " group(s)", e);
    } finally {
      close(runners);
    }
  }

  private static void forward(ModelRunner runner, Group group, Batch batch, PassPartial partial,
      TensorSink sink) {
    feed(runner, batch);
    long start = System.nanoTime();
    ModelOutputs outputs = runner.run();
    long ran = System.nanoTime();
    for (int t = 0; t < group.outputs().size(); t++) {
      HostTensor tensor = outputs.get(group.outputs().get(t));
      sink.accept(partial, group.tensors()[t], tensor.floats(), tensor.shape(), tensor.size(),
          batch.rows());
    }
    partial.kernelNanos += System.nanoTime() - ran;
    partial.inferenceNanos += ran - start - outputs.copyNanos();
    partial.copyNanos += outputs.copyNanos();
  }

  private static void close(ModelRunner[] runners) {
    for (ModelRunner r : runners) {
      if (r != null) {
        r.close();
      }
    }
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
