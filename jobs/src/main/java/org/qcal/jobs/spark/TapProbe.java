package org.qcal.jobs.spark;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.qcal.jobs.data.BatchPlan;
import org.qcal.jobs.data.RowBatcher;
import org.qcal.runtime.HostTensor;
import org.qcal.runtime.ModelOutputs;
import org.qcal.runtime.ModelRunner;
import org.qcal.runtime.ModelSource;
import org.qcal.runtime.RuntimeOptions;

/**
 * Measures how many bytes each tapped tensor takes per row fed: one forward of the full tap
 * model over the first row of the first non-empty partition, on an executor (rows are not
 * brought to the driver). An estimate for rows of other shapes (a shape column, a dynamic
 * sequence length) and for tensors that do not grow with the rows (a scalar per batch), which it
 * overstates; exact for the batch-first tensors that dominate memory.
 */
public final class TapProbe implements FlatMapFunction<Iterator<Row>, long[]> {
  private static final long serialVersionUID = 1L;

  private final Broadcast<byte[]> modelBytes;
  private final String modelName;
  private final String digest;
  private final RuntimeOptions runtime;
  private final BatchPlan plan;
  private final List<String> outputs;

  private TapProbe(Broadcast<byte[]> modelBytes, String modelName, String digest,
      RuntimeOptions runtime, BatchPlan plan, List<String> outputs) {
    this.modelBytes = modelBytes;
    this.modelName = modelName;
    this.digest = digest;
    this.runtime = runtime;
    this.plan = plan;
    this.outputs = List.copyOf(outputs);
  }

  /** Bytes per row of each output, or null when the data has no good first row. */
  public static long[] bytesPerRow(JavaRDD<Row> rows, Broadcast<byte[]> modelBytes, String modelName,
      String digest, RuntimeOptions runtime, BatchPlan plan, List<String> outputs) {
    List<long[]> first = rows.mapPartitions(
        new TapProbe(modelBytes, modelName, digest, runtime, plan, outputs)).take(1);
    return first.isEmpty() ? null : first.get(0);
  }

  @Override
  public Iterator<long[]> call(Iterator<Row> rows) {
    if (!rows.hasNext()) {
      return List.<long[]>of().iterator();
    }
    RowBatcher batches = plan.batches(List.of(rows.next()).iterator());
    if (!batches.hasNext()) {
      return List.<long[]>of().iterator(); // a bad row: the pass reports it
    }
    try (ModelRunner runner = ModelRunner.open(
        ModelSource.of(modelName, digest, modelBytes.value()), runtime)) {
      PartitionRunner.feed(runner, batches.next());
      ModelOutputs out = runner.run();
      long[] bytes = new long[outputs.size()];
      for (int t = 0; t < bytes.length; t++) {
        HostTensor tensor = out.get(outputs.get(t));
        bytes[t] = (long) tensor.size() * Float.BYTES;
      }
      return List.of(bytes).iterator();
    }
  }
}
