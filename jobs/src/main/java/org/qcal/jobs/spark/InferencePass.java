package org.qcal.jobs.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.qcal.ElementType;
import org.qcal.QcalException;
import org.qcal.jobs.data.Batch;
import org.qcal.jobs.data.BatchPlan;
import org.qcal.jobs.data.RowBatcher;
import org.qcal.metrics.TopK;
import org.qcal.runtime.HostTensor;
import org.qcal.runtime.ModelOutputs;
import org.qcal.runtime.RuntimeOptions;

/**
 * The executor side of a transform (Spark ML's {@code QuantizedOnnxModel}): one forward of the
 * model per batch ({@link PartitionRunner}: the JVM's one session per model digest, a runner per
 * task, out-of-memory), and each input row comes back, in order, with the outputs appended as
 * new values: every fetched output's slice of that row ({@code array<float>} or {@code
 * array<bigint>}), then optionally the argmax ({@code double}, as Spark ML predictions) and the softmax ({@code
 * array<float>}) of the scores output. Rows are produced lazily, one batch at a time.
 *
 * <p>A bad row (null, wrong length, not numbers) fails the task with a {@link QcalException}
 * naming the row and the column; an output whose first dim is not the batch fails it too.
 */
public final class InferencePass implements Serializable {
  private static final long serialVersionUID = 1L;

  private final List<String> outputs;
  private final String scores;
  private final boolean argmax;
  private final boolean softmax;
  private final PartitionRunner runner;

  /**
   * @param outputs the model outputs appended to each row, in order
   * @param scores the output the argmax and softmax are taken of (any output), or null
   * @param argmax whether to append the index of the row's largest score
   * @param softmax whether to append the softmax of the row's scores
   */
  public InferencePass(ModelRef model, BatchPlan plan, RuntimeOptions runtime,
      List<String> outputs, String scores, boolean argmax, boolean softmax) {
    if ((argmax || softmax) && scores == null) {
      throw new IllegalArgumentException("argmax and softmax need a scores output");
    }
    this.outputs = List.copyOf(outputs);
    this.scores = scores;
    this.argmax = argmax;
    this.softmax = softmax;
    this.runner = new PartitionRunner(List.of(model), plan, runtime, FaultInjection.NONE,
        "an inference forward of " + plan.batchSize() + " rows");
  }

  /** One partition's rows, each with the model's outputs appended. */
  public Iterator<Row> run(Iterator<Row> rows) {
    return runner.map(rows, (batch, runners, batcher) ->
        withOutputs(batch, PartitionRunner.forward(runners[0], batch), batcher));
  }

  private List<Row> withOutputs(Batch batch, ModelOutputs out, RowBatcher batcher) {
    int rows = batch.rows();
    int added = outputs.size() + (argmax ? 1 : 0) + (softmax ? 1 : 0);
    Object[][] values = new Object[rows][];
    for (int r = 0; r < rows; r++) {
      Row in = batcher.row(r);
      values[r] = new Object[in.size() + added];
      for (int i = 0; i < in.size(); i++) {
        values[r][i] = in.get(i);
      }
    }
    int column = values.length == 0 ? 0 : values[0].length - added;
    for (String name : outputs) {
      HostTensor t = out.get(name);
      int per = perRow(t, rows);
      for (int r = 0; r < rows; r++) {
        values[r][column] = t.type() == ElementType.INT64
            ? Arrays.copyOfRange(t.longs(), r * per, (r + 1) * per)
            : Arrays.copyOfRange(t.floats(), r * per, (r + 1) * per);
      }
      column++;
    }
    if (argmax || softmax) {
      HostTensor t = out.get(scores);
      int classes = perRow(t, rows);
      float[] s = t.floats();
      for (int r = 0; r < rows; r++) {
        int c = column;
        if (argmax) {
          values[r][c++] = (double) TopK.argmax(s, r * classes, classes);
        }
        if (softmax) {
          values[r][c] = softmax(s, r * classes, classes);
        }
      }
    }
    List<Row> result = new ArrayList<>(rows);
    for (Object[] v : values) {
      result.add(RowFactory.create(v));
    }
    return result;
  }

  /** Values per row of an output whose first dim must be the batch's rows. */
  private static int perRow(HostTensor t, int rows) {
    long[] shape = t.shape();
    if (shape.length == 0 || shape[0] != rows) {
      throw new QcalException("output '" + t.name() + "' has shape " + Arrays.toString(shape)
          + " for a batch of " + rows + " rows; a transform appends each row's slice of an"
          + " output, so its first dim must be the batch");
    }
    return t.size() / rows;
  }

  /** The softmax of {@code scores[off, off + n)}, in double, as float32. */
  static float[] softmax(float[] scores, int off, int n) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, scores[off + i]);
    }
    double[] e = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      e[i] = Math.exp(scores[off + i] - max);
      sum += e[i];
    }
    float[] p = new float[n];
    for (int i = 0; i < n; i++) {
      p[i] = (float) (e[i] / sum);
    }
    return p;
  }
}
