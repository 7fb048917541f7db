package org.qcal.jobs.spark;

import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.qcal.QcalException;
import org.qcal.jobs.data.Batch;
import org.qcal.jobs.data.BatchPlan;
import org.qcal.jobs.data.RowBatcher;
import org.qcal.jobs.validate.AgreementCount;
import org.qcal.jobs.validate.TensorTap;
import org.qcal.jobs.validate.ValidationMetric;
import org.qcal.kernels.Kernels;
import org.qcal.metrics.ClassificationCounts;
import org.qcal.metrics.TopK;
import org.qcal.runtime.HostTensor;
import org.qcal.runtime.ModelOutputs;
import org.qcal.runtime.ModelRunner;
import org.qcal.runtime.RuntimeOptions;

/**
 * The executor side of the validation pass: per batch ({@link PartitionRunner}: sessions, bad
 * rows, out-of-memory), one forward of the FP32 tap model and one of each candidate's tap model
 * (the QDQ model, which ONNX Runtime runs with its int8 kernels, plus its DQ outputs as graph
 * outputs), then the metrics. Only the additive sums leave the task.
 *
 * <p>Candidates run one after the other on the same batch, so only the FP32 outputs and one
 * candidate's are alive at a time.
 */
public final class ValidationPass implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int candidateCount;
  private final List<String> candidateNames;
  private final List<String> outputs;
  private final String classOutput;
  private final List<String> referenceTensors;
  private final int[][] tensorIndex;
  private final TensorTap[][] candidateTensors;
  private final long declaredClasses;
  private final ValidationMetric agreementMetric;
  private final PartitionRunner runner;

  /**
   * @param outputs the FP32 outputs compared (candidates have them under the same names)
   * @param classOutput the output holding class scores, or null when not classifying
   * @param referenceTensors FP32 tap outputs of the quantized tensors
   * @param tensorIndex per candidate, its tensors as indices into {@code referenceTensors}
   * @param candidateTensors per candidate, where its tap model carries each of its tensors
   * @param declaredClasses the class dim the class output declares, or -1 when dynamic
   * @param agreementMetric the output agreement the gate measures on the first output, or null
   */
  public ValidationPass(ModelRef reference, List<ModelRef> candidates, List<String> candidateNames,
      BatchPlan plan, List<String> outputs, String classOutput, List<String> referenceTensors,
      int[][] tensorIndex, TensorTap[][] candidateTensors, RuntimeOptions runtime,
      long declaredClasses, ValidationMetric agreementMetric) {
    this.candidateCount = candidates.size();
    this.candidateNames = List.copyOf(candidateNames);
    this.outputs = List.copyOf(outputs);
    this.classOutput = classOutput;
    this.referenceTensors = List.copyOf(referenceTensors);
    this.tensorIndex = tensorIndex;
    this.candidateTensors = candidateTensors;
    this.declaredClasses = declaredClasses;
    this.agreementMetric = agreementMetric;
    List<ModelRef> models = new ArrayList<>();
    models.add(reference);
    models.addAll(candidates);
    this.runner = new PartitionRunner(models, plan, runtime, FaultInjection.NONE,
        "a validation forward of " + plan.batchSize() + " rows through FP32 and "
            + candidates.size() + " candidates with " + referenceTensors.size()
            + " compared tensors");
  }

  ValidationPartial empty() {
    int[] tensorCounts = new int[candidateCount];
    for (int k = 0; k < tensorCounts.length; k++) {
      tensorCounts[k] = tensorIndex[k].length;
    }
    return new ValidationPartial(outputs.size(), tensorCounts);
  }

  /** Runs one partition. */
  public ValidationPartial run(Iterator<Row> rows) {
    ValidationPartial partial = empty();
    PartitionRunner.Fed fed = runner.run(rows, new Task(partial));
    partial.rows += fed.rows();
    partial.badRow = fed.badRow();
    return partial;
  }

  /** One task's batches: the partial it fills and its reusable buffers. */
  private final class Task implements PartitionRunner.Batches {
    private final ValidationPartial partial;
    private final int[] predictions = new int[runner.plan().batchSize()];
    private final Scratch scratch = new Scratch();

    Task(ValidationPartial partial) {
      this.partial = partial;
    }

    @Override
    public void start(RowBatcher batcher) {
      if (classOutput != null && declaredClasses >= 2) {
        batcher.labelsBelow(declaredClasses, classOutput); // checked before any forward
      }
    }

    @Override
    public boolean handle(Batch batch, ModelRunner[] runners, RowBatcher batcher) {
      long start = cpuNanos();
      ModelOutputs ref = PartitionRunner.forward(runners[0], batch);
      long ranReference = cpuNanos();
      partial.referenceNanos += ranReference - start;
      Scores scores = classOutput == null ? null
          : classify(partial, ref, batch, batcher, predictions);
      partial.metricNanos += cpuNanos() - ranReference;
      if (classOutput != null && scores == null) {
        return false; // a label outside the class range: the batcher holds it
      }
      for (int k = 0; k < candidateCount; k++) {
        long before = cpuNanos();
        ModelOutputs out = PartitionRunner.forward(runners[k + 1], batch);
        long ran = cpuNanos();
        compare(partial, k, ref, out, batch, scores, predictions, scratch);
        partial.candidateNanos += ran - before;
        partial.metricNanos += cpuNanos() - ran;
      }
      return true;
    }
  }

  /**
   * The FP32 class scores of a batch, checked; counts FP32 and fills its predictions. Null when
   * a label lies outside the class range the forward revealed (a dynamic class dim): that row
   * then ends the batcher as a bad row.
   */
  private Scores classify(ValidationPartial partial, ModelOutputs ref, Batch batch,
      RowBatcher batcher, int[] predictions) {
    HostTensor t = ref.get(classOutput);
    long[] shape = t.shape();
    int rows = batch.rows();
    if (shape.length != 2 || shape[0] != rows || shape[1] < 2) {
      throw new QcalException("output '" + classOutput + "' of the FP32 model has shape "
          + Arrays.toString(shape) + " for " + rows + " rows: class scores must be [batch, C]"
          + " with C >= 2");
    }
    int classes = (int) shape[1];
    long[] labels = batch.hasLabels() ? batch.labels() : null;
    int bad = ClassificationCounts.firstLabelOutside(labels, rows, classes);
    if (bad >= 0) {
      batcher.fail(batcher.badRow(bad, RowBatcher.outsideClasses(
          "label column '" + runner.plan().labelColumn() + "'", labels[bad], classes,
          classOutput)));
      return null;
    }
    batcher.labelsBelow(classes, classOutput); // the next rows are checked before a forward
    TopK.argmaxRows(t.floats(), 0, rows, classes, predictions);
    partial.reference.update(t.floats(), 0, rows, classes, labels, null);
    return new Scores(classes, labels);
  }

  private record Scores(int classes, long[] labels) {}

  private void compare(ValidationPartial partial, int k, ModelOutputs ref, ModelOutputs out,
      Batch batch, Scores scores, int[] predictions, Scratch scratch) {
    int rows = batch.rows();
    if (scores != null) {
      HostTensor y = out.get(classOutput);
      sameShape(k, "output", classOutput, ref.get(classOutput), y);
      partial.counts[k].update(y.floats(), 0, rows, scores.classes(), scores.labels(),
          predictions);
    }
    for (int o = 0; o < outputs.size(); o++) {
      String name = outputs.get(o);
      HostTensor x = ref.get(name);
      HostTensor y = out.get(name);
      sameShape(k, "output", name, x, y);
      partial.outputs[k][o].updateBatch(x.floats(), 0, y.floats(), 0, x.shape(), rows);
      if (o == 0 && agreementMetric != null) {
        AgreementCount.count(agreementMetric, partial.agreement[k], x.floats(), y.floats(),
            x.shape(), rows, name);
      }
    }
    for (int t = 0; t < tensorIndex[k].length; t++) {
      String name = referenceTensors.get(tensorIndex[k][t]);
      TensorTap tap = candidateTensors[k][t];
      HostTensor x = ref.get(name);
      HostTensor y = out.get(tap.output());
      sameShape(k, "tensor", name, x, y);
      float[] values = tap.quantized() ? dequantize(tap, y, scratch) : y.floats();
      partial.tensors[k][t].updateBatch(x.floats(), 0, values, 0, x.shape(), rows);
    }
  }

  /** DequantizeLinear on the executor, into the task's buffer (reused across tensors). */
  private static float[] dequantize(TensorTap tap, HostTensor q, Scratch scratch) {
    byte[] bytes = q.bytes();
    int n = q.size();
    Kernels.checkRange(bytes, 0, n);
    if (scratch.floats.length < n) {
      scratch.floats = new float[n];
    }
    Kernels.get().dequantize(bytes, 0, n, tap.unsigned(), tap.scale(), tap.zeroPoint(),
        scratch.floats, 0);
    return scratch.floats;
  }

  /** One task's reusable buffers. */
  private static final class Scratch {
    float[] floats = new float[0];
  }

  private void sameShape(int k, String what, String name, HostTensor x, HostTensor y) {
    if (!Arrays.equals(x.shape(), y.shape())) {
      throw new QcalException("candidate '" + candidateNames.get(k) + "': " + what + " '" + name
          + "' has shape " + Arrays.toString(y.shape()) + ", the FP32 model's has "
          + Arrays.toString(x.shape()));
    }
  }

  /**
   * The task thread's CPU time: with one intra-op thread ONNX Runtime computes on this thread,
   * so it measures forwards and metrics without the noise of whatever else the machine runs.
   */
  static long cpuNanos() {
    return THREADS.getCurrentThreadCpuTime();
  }

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
}
