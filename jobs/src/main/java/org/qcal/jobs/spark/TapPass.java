package org.qcal.jobs.spark;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.qcal.jobs.data.Batch;
import org.qcal.jobs.data.BatchPlan;
import org.qcal.jobs.data.RowBatcher;
import org.qcal.runtime.HostTensor;
import org.qcal.runtime.ModelOutputs;
import org.qcal.runtime.ModelRunner;
import org.qcal.runtime.RuntimeOptions;

/**
 * The executor side of a calibration pass: runs the tap models over one partition's rows, batch
 * by batch ({@link PartitionRunner}: sessions, bad rows, out-of-memory), and hands every tapped
 * tensor's values to a {@link TensorSink}. There is one tap model per {@link TapGroups group}
 * (usually one): each batch is fed to every group's model in turn, so a task holds one group's
 * outputs at a time.
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
  private final int tensorCount;
  private final PartitionRunner runner;

  public TapPass(List<Group> groups, String modelName, BatchPlan batchPlan, RuntimeOptions runtime,
      FaultInjection faults) {
    this.groups = List.copyOf(groups);
    this.tensorCount = groups.stream().mapToInt(g -> g.tensors().length).sum();
    this.runner = new PartitionRunner(
        groups.stream().map(g -> new ModelRef(g.modelBytes(), modelName, g.digest())).toList(),
        batchPlan, runtime, faults, "a calibration forward of " + batchPlan.batchSize()
            + " rows with " + tensorCount + " tapped tensors in " + groups.size() + " group(s)");
  }

  int tensorCount() {
    return tensorCount;
  }

  /**
   * Runs the partition into {@code partial} and returns it; a bad row ends the forwards and
   * comes back in the partial (see {@link RowBatcher}).
   */
  PassPartial run(Iterator<Row> rows, PassPartial partial, TensorSink sink) {
    PartitionRunner.Fed fed = runner.run(rows, (batch, runners, batcher) -> {
      for (int g = 0; g < runners.length; g++) {
        forward(runners[g], groups.get(g), batch, partial, sink);
      }
      return true;
    });
    partial.rows += fed.rows();
    partial.badRow = fed.badRow();
    return partial;
  }

  private static void forward(ModelRunner runner, Group group, Batch batch, PassPartial partial,
      TensorSink sink) {
    PartitionRunner.feed(runner, batch);
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
}
