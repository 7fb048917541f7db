package org.qcal.jobs.data;

import java.util.List;

/**
 * One batch of model inputs, filled by {@link RowBatcher}. The arrays are the batcher's reusable
 * buffers: only the first {@code rows() * elementsPerSample(i)} elements are this batch's, and
 * they are overwritten by the next call to {@code next()}. Copy what must outlive the batch.
 */
public final class Batch {
  private final List<InputBinding> bindings;
  final float[][] floats;
  final long[][] longs;
  /** Elements per sample of each input in this batch (all rows agree). */
  final int[] counts;
  /** The sample shape of each input in this batch (all rows agree), every dim concrete. */
  final long[][] sampleShapes;
  long[] labels;
  int rows;

  Batch(List<InputBinding> bindings, boolean withLabels) {
    this.bindings = bindings;
    int n = bindings.size();
    this.floats = new float[n][];
    this.longs = new long[n][];
    this.counts = new int[n];
    this.sampleShapes = new long[n][];
    this.labels = withLabels ? new long[0] : null;
  }

  /** Rows (samples) in this batch, at least 1. */
  public int rows() {
    return rows;
  }

  /** The number of model inputs, in the order of the bindings. */
  public int inputCount() {
    return bindings.size();
  }

  public InputBinding binding(int input) {
    return bindings.get(input);
  }

  /** The float32 buffer of a FLOAT input: {@code rows() * elementsPerSample(input)} valid. */
  public float[] floats(int input) {
    if (floats[input] == null) {
      throw new IllegalStateException("input " + bindings.get(input).input().describe()
          + " is " + bindings.get(input).elementType() + ", use longs()");
    }
    return floats[input];
  }

  /** The int64 buffer of an INT64 input: {@code rows() * elementsPerSample(input)} valid. */
  public long[] longs(int input) {
    if (longs[input] == null) {
      throw new IllegalStateException("input " + bindings.get(input).input().describe()
          + " is " + bindings.get(input).elementType() + ", use floats()");
    }
    return longs[input];
  }

  /** Elements per sample of the input in this batch (resolves a dynamic dim). */
  public int elementsPerSample(int input) {
    return counts[input];
  }

  /** The valid length of the input's buffer: {@code rows() * elementsPerSample(input)}. */
  public int length(int input) {
    return rows * counts[input];
  }

  /** The tensor shape to feed: {@code [rows, sample dims...]} with every dim concrete. */
  public long[] shape(int input) {
    long[] sample = sampleShapes[input];
    long[] shape = new long[sample.length + 1];
    shape[0] = rows;
    System.arraycopy(sample, 0, shape, 1, sample.length);
    return shape;
  }

  public boolean hasLabels() {
    return labels != null;
  }

  /** The label of each row ({@code rows()} valid), when the plan has a label column. */
  public long[] labels() {
    if (labels == null) {
      throw new IllegalStateException("the batch plan has no label column");
    }
    return labels;
  }
}
