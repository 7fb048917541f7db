package org.qcal.stats;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import org.qcal.Check;
import org.qcal.QcalException;
import org.qcal.kernels.Kernels;
import org.qcal.kernels.RangeScan;

/**
 * Mergeable summary of one tensor over many samples: counts of values, NaN, +Inf and -Inf; the
 * finite min, max and absmax; the sum and sum of squares of the finite values (mean, std); and, for
 * the AverageMinMax calibrator, the sums over samples of each sample's min and max.
 *
 * <p><b>Determinism.</b> Split-then-merge gives a state bit-identical to one pass over the same
 * samples, whatever the split and the merge order. {@link #update(float[], int, int)} treats its
 * slice as one sample; the kernel reduces it to a min, a max and two doubles (summed in the fixed
 * order of {@code TensorKernels}), and those per-sample values enter {@link ExactSum}s, whose
 * addition is exact and therefore associative and commutative. Counts are longs; min and max use
 * {@link Math#min(float, float)}, a total order on non-NaN floats ({@code -0.0 < 0.0}). A split
 * must fall on sample boundaries; {@link #updateBatch} cuts a batch into its samples.
 *
 * <p><b>Tensors whose first dim is not the batch.</b> A tapped tensor need not be batch-first
 * (attention after a Transpose, {@code [seq, batch, ...]} layouts, a scalar, a reduction over the
 * batch). {@link #updateBatch(float[], int, long[], int)} takes the tensor's shape and the rows
 * fed: when the first dim equals the rows, each row's slice is a sample as above; otherwise the
 * batch cannot be cut into samples, and its values are added one by one: NaN/Inf counts, min
 * and max as usual, and each finite {@code v} and {@code v * v} (both exact in double) into the
 * exact sums, so the sums are the exact sums of the values, whichever rows shared a batch. Such a
 * tensor has no per-sample extremes: the state is marked <i>unbatched</i> (header flag), keeps no
 * sample sums, and {@link #meanSampleMin()}/{@link #meanSampleMax()} are its global min/max (so
 * AverageMinMax equals MinMax for it). The mark is sticky under merge. {@link #samples()} counts
 * the rows fed in every case. The result is partition invariant whenever the multiset of a
 * tensor's values over the data is (a Transpose or Reshape of per-row values); a tensor that
 * mixes the rows of a batch (a reduction over the batch) has values that depend on which rows
 * shared a batch, which no statistic can undo. A tensor whose first dim equals the rows of a
 * batch by coincidence is read as batch-first in that batch.
 *
 * <p><b>Byte layout</b> of {@link #toByteArray()}, little endian:
 *
 * <pre>
 * offset size
 *  0     1    format version (1)
 *  1     1    family (1 = TensorStats)
 *  2     2    flags: bit 0 = unbatched (no per-sample extremes, see above); other bits 0
 *  4     8    count: all values seen, NaN and infinities included
 * 12     8    NaN count
 * 20     8    +Inf count
 * 28     8    -Inf count
 * 36     4    finite min (float32; +Inf when there is no finite value)
 * 40     4    finite max (float32; -Inf when there is no finite value)
 * 44     8    samples: number of update slices
 * 52     8    samples with at least one finite value
 * 60     ...  four ExactSums (layout in ExactSum): sum, sum of squares, sum of sample minima,
 *             sum of sample maxima
 * </pre>
 *
 * <p>Not thread safe: one instance per task, merged afterwards. Kryo-friendly: plain fields and a
 * no-arg constructor.
 */
public final class TensorStats implements Serializable {
  private static final long serialVersionUID = 1L;

  static final byte FAMILY = 1;
  private static final int HEADER_BYTES = 60;
  private static final ThreadLocal<RangeScan> SCAN = ThreadLocal.withInitial(RangeScan::new);

  private long count;
  private long nanCount;
  private long posInfCount;
  private long negInfCount;
  private float min = Float.POSITIVE_INFINITY;
  private float max = Float.NEGATIVE_INFINITY;
  private long samples;
  private long rangedSamples;
  private ExactSum sum = new ExactSum();
  private ExactSum sumSquares = new ExactSum();
  private ExactSum sumSampleMin = new ExactSum();
  private ExactSum sumSampleMax = new ExactSum();
  /** Some batch could not be cut into samples: no per-sample extremes (class comment). */
  private boolean unbatched;

  private static final short UNBATCHED = 1;

  public TensorStats() {}

  /** Adds the whole array as one sample. */
  public TensorStats update(float[] a) {
    Check.notNull(a, "values");
    return update(a, 0, a.length);
  }

  /** Adds {@code a[off, off + len)} as one sample. */
  public TensorStats update(float[] a, int off, int len) {
    Check.slice(a, off, len, "values");
    RangeScan scan = SCAN.get();
    Kernels.get().scan(a, off, len, scan);
    addSample(len, scan);
    return this;
  }

  /**
   * Adds {@code a[off, off + len)} as {@code samples} samples of equal length, e.g. a batch
   * tensor whose first dimension is the batch. A length that is not a multiple of the samples is
   * the caller's bug, not bad input.
   */
  public TensorStats updateBatch(float[] a, int off, int len, int samples) {
    Check.slice(a, off, len, "values");
    if (samples < 1 || len % samples != 0) {
      throw new IllegalArgumentException("batch length must be a multiple of samples ("
          + samples + "), got " + len);
    }
    int each = len / samples;
    for (int s = 0; s < samples; s++) {
      update(a, off + s * each, each);
    }
    return this;
  }

  /**
   * Adds one batch of a tapped tensor of any shape, fed {@code rows} rows: per-sample when the
   * first dim is {@code rows}, else value by value and marked unbatched (class comment).
   * {@code a[off...]} holds the tensor's elements, row major.
   */
  public TensorStats updateBatch(float[] a, int off, long[] shape, int rows) {
    if (rows < 1) {
      throw new IllegalArgumentException("rows fed must be >= 1, got " + rows);
    }
    long elements = 1;
    for (long d : shape) {
      elements = Math.multiplyExact(elements, d);
    }
    if (elements < 0 || elements > a.length - (long) off) {
      throw new IllegalArgumentException("tensor of shape " + java.util.Arrays.toString(shape)
          + " does not fit " + (a.length - off) + " values");
    }
    int len = (int) elements;
    if (shape.length > 0 && shape[0] == rows) {
      return updateBatch(a, off, len, rows);
    }
    RangeScan scan = SCAN.get();
    Kernels.get().scan(a, off, len, scan);
    count += len;
    nanCount += scan.nanCount;
    posInfCount += scan.posInfCount;
    negInfCount += scan.negInfCount;
    samples += rows;
    if (scan.finiteCount(len) > 0) {
      min = Math.min(min, scan.min);
      max = Math.max(max, scan.max);
      for (int i = off; i < off + len; i++) {
        float v = a[i];
        if (Float.isFinite(v)) {
          sum.add(v);
          sumSquares.add((double) v * v);
        }
      }
    }
    markUnbatched();
    return this;
  }

  /** Drops the sample extremes: only a tensor cut into samples in every batch has them. */
  private void markUnbatched() {
    unbatched = true;
    rangedSamples = 0;
    sumSampleMin = new ExactSum();
    sumSampleMax = new ExactSum();
  }

  /** Whether some batch could not be cut into samples (class comment). */
  public boolean unbatched() {
    return unbatched;
  }

  private void addSample(int len, RangeScan scan) {
    count += len;
    nanCount += scan.nanCount;
    posInfCount += scan.posInfCount;
    negInfCount += scan.negInfCount;
    samples++;
    if (scan.finiteCount(len) > 0) {
      min = Math.min(min, scan.min);
      max = Math.max(max, scan.max);
      sum.add(scan.sum);
      sumSquares.add(scan.sumSquares);
      if (!unbatched) {
        sumSampleMin.add(scan.min);
        sumSampleMax.add(scan.max);
        rangedSamples++;
      }
    }
  }

  /** Adds the other summary into this one (the other is unchanged); returns this. */
  public TensorStats merge(TensorStats other) {
    Check.notNull(other, "other stats");
    if (other == this) {
      other = copy();
    }
    count += other.count;
    nanCount += other.nanCount;
    posInfCount += other.posInfCount;
    negInfCount += other.negInfCount;
    min = Math.min(min, other.min);
    max = Math.max(max, other.max);
    samples += other.samples;
    rangedSamples += other.rangedSamples;
    sum.merge(other.sum);
    sumSquares.merge(other.sumSquares);
    sumSampleMin.merge(other.sumSampleMin);
    sumSampleMax.merge(other.sumSampleMax);
    if (unbatched || other.unbatched) {
      markUnbatched();
    }
    return this;
  }

  /** A deep copy. */
  public TensorStats copy() {
    return fromByteArray(toByteArray());
  }

  public long count() {
    return count;
  }

  public long nanCount() {
    return nanCount;
  }

  public long posInfCount() {
    return posInfCount;
  }

  public long negInfCount() {
    return negInfCount;
  }

  public long finiteCount() {
    return count - nanCount - posInfCount - negInfCount;
  }

  /** True until a finite value has been seen; min and max are then meaningless. */
  public boolean hasNoFinite() {
    return finiteCount() == 0;
  }

  /** Finite minimum, {@code +Inf} when there is none. */
  public float min() {
    return min;
  }

  /** Finite maximum, {@code -Inf} when there is none. */
  public float max() {
    return max;
  }

  /** {@code max(|min|, |max|)} of the finite values, 0 when there is none. */
  public float absMax() {
    return hasNoFinite() ? 0f : Math.max(Math.abs(min), Math.abs(max));
  }

  /** Number of samples (rows fed, or update slices), including those without finite values. */
  public long samples() {
    return samples;
  }

  /**
   * Number of samples that had at least one finite value: the AverageMinMax denominator; 0 for
   * an unbatched tensor, which has no sample extremes.
   */
  public long rangedSamples() {
    return rangedSamples;
  }

  /** Sum of the finite values, correctly rounded from the exact sum of per-sample sums. */
  public double sum() {
    return sum.doubleValue();
  }

  /** Sum of squares of the finite values, as {@link #sum()}. */
  public double sumSquares() {
    return sumSquares.doubleValue();
  }

  /** Mean of the finite values; NaN when there is none. */
  public double mean() {
    if (hasNoFinite()) {
      return Double.NaN;
    }
    return sum.toBigDecimal().divide(BigDecimal.valueOf(finiteCount()), MathContext.DECIMAL128)
        .doubleValue();
  }

  /**
   * Population variance of the finite values (divides by n), from {@code (n S2 - S1^2) / n^2}
   * evaluated exactly on the merged sums, so that merging adds no cancellation error; NaN when
   * there is no finite value. Negative results of per-sample rounding are clamped to 0.
   */
  public double variance() {
    if (hasNoFinite()) {
      return Double.NaN;
    }
    BigDecimal n = BigDecimal.valueOf(finiteCount());
    BigDecimal s1 = sum.toBigDecimal();
    BigDecimal num = sumSquares.toBigDecimal().multiply(n).subtract(s1.multiply(s1));
    double v = num.divide(n.multiply(n), MathContext.DECIMAL128).doubleValue();
    return Math.max(v, 0.0);
  }

  /** Population standard deviation, {@code sqrt(variance())}. */
  public double std() {
    return Math.sqrt(variance());
  }

  /**
   * Mean over samples of each sample's finite min; NaN when no sample had a finite value. For an
   * unbatched tensor the global finite min (NaN when there is none).
   */
  public double meanSampleMin() {
    if (unbatched) {
      return hasNoFinite() ? Double.NaN : min;
    }
    return meanOverSamples(sumSampleMin);
  }

  /** As {@link #meanSampleMin()}, for the maxima. */
  public double meanSampleMax() {
    if (unbatched) {
      return hasNoFinite() ? Double.NaN : max;
    }
    return meanOverSamples(sumSampleMax);
  }

  private double meanOverSamples(ExactSum s) {
    if (rangedSamples == 0) {
      return Double.NaN;
    }
    return s.toBigDecimal().divide(BigDecimal.valueOf(rangedSamples), MathContext.DECIMAL128)
        .doubleValue();
  }

  /** The documented little-endian layout (class comment). */
  public byte[] toByteArray() {
    ExactSum[] sums = sums();
    int size = HEADER_BYTES;
    for (ExactSum s : sums) {
      size += s.serializedSize();
    }
    ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    Layout.writeHeader(out, FAMILY, unbatched ? UNBATCHED : 0);
    out.putLong(count).putLong(nanCount).putLong(posInfCount).putLong(negInfCount);
    out.putFloat(min).putFloat(max).putLong(samples).putLong(rangedSamples);
    for (ExactSum s : sums) {
      s.writeTo(out);
    }
    return out.array();
  }

  /** Reads {@link #toByteArray()}'s layout; malformed bytes give a {@link QcalException}. */
  public static TensorStats fromByteArray(byte[] bytes) {
    Check.notNull(bytes, "TensorStats bytes");
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    try {
      short flags = Layout.flags(in, FAMILY, "TensorStats");
      if ((flags & ~UNBATCHED) != 0) {
        throw new QcalException("TensorStats flags must be 0 or 1, got " + flags);
      }
      TensorStats s = new TensorStats();
      s.unbatched = flags == UNBATCHED;
      s.count = in.getLong();
      s.nanCount = in.getLong();
      s.posInfCount = in.getLong();
      s.negInfCount = in.getLong();
      s.min = in.getFloat();
      s.max = in.getFloat();
      s.samples = in.getLong();
      s.rangedSamples = in.getLong();
      s.sum = ExactSum.readFrom(in);
      s.sumSquares = ExactSum.readFrom(in);
      s.sumSampleMin = ExactSum.readFrom(in);
      s.sumSampleMax = ExactSum.readFrom(in);
      Layout.end(in, "TensorStats");
      s.validate();
      return s;
    } catch (BufferUnderflowException e) {
      throw new QcalException("TensorStats bytes must hold a complete state, got " + bytes.length
          + " bytes", e);
    }
  }

  private void validate() {
    Check.that(count >= 0 && nanCount >= 0 && posInfCount >= 0 && negInfCount >= 0
        && finiteCount() >= 0, "TensorStats counts", "non-negative with NaN + Inf <= count",
        "count " + count + ", NaN " + nanCount + ", +Inf " + posInfCount + ", -Inf "
            + negInfCount);
    Check.that(rangedSamples >= 0 && rangedSamples <= samples, "TensorStats samples",
        "0 <= samples with finite values <= samples", rangedSamples + " of " + samples);
    Check.that(!unbatched || (rangedSamples == 0 && sumSampleMin.isZero()
        && sumSampleMax.isZero()), "TensorStats unbatched state", "without sample extremes",
        rangedSamples + " ranged samples");
    boolean empty = min == Float.POSITIVE_INFINITY && max == Float.NEGATIVE_INFINITY;
    boolean ranged = Float.isFinite(min) && Float.isFinite(max) && min <= max;
    Check.that(hasNoFinite() ? empty : ranged, "TensorStats min/max",
        hasNoFinite() ? "+Inf/-Inf without finite values" : "finite with min <= max",
        "[" + min + ", " + max + "]");
  }

  private ExactSum[] sums() {
    return new ExactSum[] {sum, sumSquares, sumSampleMin, sumSampleMax};
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof TensorStats)) {
      return false;
    }
    TensorStats t = (TensorStats) o;
    return count == t.count && nanCount == t.nanCount && posInfCount == t.posInfCount
        && negInfCount == t.negInfCount && Float.compare(min, t.min) == 0
        && Float.compare(max, t.max) == 0 && samples == t.samples
        && rangedSamples == t.rangedSamples && sum.equals(t.sum)
        && sumSquares.equals(t.sumSquares) && sumSampleMin.equals(t.sumSampleMin)
        && sumSampleMax.equals(t.sumSampleMax) && unbatched == t.unbatched;
  }

  @Override
  public int hashCode() {
    return Objects.hash(count, nanCount, posInfCount, negInfCount, min, max, samples,
        rangedSamples, sum, sumSquares, sumSampleMin, sumSampleMax, unbatched);
  }

  @Override
  public String toString() {
    return "TensorStats{count=" + count + ", nan=" + nanCount + ", +inf=" + posInfCount
        + ", -inf=" + negInfCount + ", min=" + min + ", max=" + max + ", samples=" + samples
        + ", mean=" + mean() + ", std=" + std() + "}";
  }
}
