package org.qcal.jobs;

import java.io.Serializable;
import java.nio.LongBuffer;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.TaskCompletionListener;
import org.apache.spark.sql.Row;
import org.qcal.jobs.data.Batch;
import org.qcal.jobs.data.BatchPlan;
import org.qcal.jobs.data.ElementType;
import org.qcal.jobs.data.RowBatcher;
import org.qcal.runtime.HostTensor;
import org.qcal.runtime.ModelOutputs;
import org.qcal.runtime.ModelRunner;
import org.qcal.runtime.ModelSource;
import org.qcal.runtime.RuntimeOptions;

/**
 * The executor side of a calibration pass: runs the tap model over one partition's rows, batch
 * by batch, and hands every tapped tensor's values to a {@link TensorSink}. The model bytes come
 * from a broadcast; the ONNX Runtime session is the executor JVM's one for that digest, and the
 * per-task runner is closed by a task-completion listener even when the task fails.
 */
final class TapPass implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * Receives the values of tapped tensor {@code tensor} for a batch of {@code rows} rows; its
   * shape need not start with the batch (see TensorStats on unbatched tensors).
   */
  interface TensorSink extends Serializable {
    void accept(PassPartial partial, int tensor, float[] values, long[] shape, int length,
        int rows);
  }

  private final Broadcast<byte[]> modelBytes;
  private final String modelName;
  private final String digest;
  private final BatchPlan batchPlan;
  private final List<String> tapOutputs;
  private final RuntimeOptions runtime;
  private final FaultInjection faults;

  TapPass(Broadcast<byte[]> modelBytes, String modelName, String digest, BatchPlan batchPlan,
      List<String> tapOutputs, RuntimeOptions runtime, FaultInjection faults) {
    this.modelBytes = modelBytes;
    this.modelName = modelName;
    this.digest = digest;
    this.batchPlan = batchPlan;
    this.tapOutputs = List.copyOf(tapOutputs);
    this.runtime = runtime;
    this.faults = faults;
  }

  int tensorCount() {
    return tapOutputs.size();
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
    ModelRunner runner = ModelRunner.open(
        ModelSource.of(modelName, digest, modelBytes.value()), runtime);
    TaskContext task = TaskContext.get();
    if (task != null) {
      task.addTaskCompletionListener((TaskCompletionListener) context -> runner.close());
    }
    try {
      RowBatcher batches = batchPlan.batches(rows);
      while (batches.hasNext()) {
        Batch batch = batches.next();
        feed(runner, batch);
        long start = System.nanoTime();
        ModelOutputs outputs = runner.run();
        long ran = System.nanoTime();
        for (int t = 0; t < tapOutputs.size(); t++) {
          HostTensor tensor = outputs.get(tapOutputs.get(t));
          sink.accept(partial, t, tensor.floats(), tensor.shape(), tensor.size(),
              batch.rows());
        }
        partial.kernelNanos += System.nanoTime() - ran;
        partial.inferenceNanos += ran - start - outputs.copyNanos();
        partial.copyNanos += outputs.copyNanos();
        partial.rows += batch.rows();
      }
      partial.badRow = batches.error();
      return partial;
    } finally {
      runner.close();
    }
  }

  private static void feed(ModelRunner runner, Batch batch) {
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
