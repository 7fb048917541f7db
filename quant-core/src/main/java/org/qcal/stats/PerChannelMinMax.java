package org.qcal.stats;

import java.util.Arrays;
import org.qcal.Check;
import org.qcal.QcalException;
import org.qcal.kernels.Kernels;
import org.qcal.kernels.RangeScan;
import org.qcal.kernels.ScalarKernels;
import org.qcal.kernels.TensorKernels;

/**
 * Finite min and max of each channel of a row-major float tensor along one axis: the ranges
 * behind per-channel weight quantization (Conv axis 0, MatMul's constant B its last axis), for
 * {@code org.qcal.onnx.WeightQuantizer}.
 * NaN and infinities never enter a range but are counted ({@link #nonFiniteCount()}), so that a
 * caller can refuse broken weights; a channel without finite values gets the range {@code [0,
 * 0]}.
 */
public final class PerChannelMinMax {
  /** Below this many contiguous elements a plain loop beats a kernel call per slice. */
  private static final int KERNEL_MIN_RUN = 16;

  private final float[] mins;
  private final float[] maxs;
  private final long nonFinite;

  private PerChannelMinMax(float[] mins, float[] maxs, long nonFinite) {
    this.mins = mins;
    this.maxs = maxs;
    this.nonFinite = nonFinite;
  }

  /** Ranges of {@code data} with {@code shape} along {@code axis} (negative counts from the end). */
  public static PerChannelMinMax of(float[] data, long[] shape, int axis) {
    Check.notNull(data, "data");
    Check.notNull(shape, "shape");
    int rank = shape.length;
    Check.that(rank >= 1, "shape", "of rank >= 1", Arrays.toString(shape));
    Check.that(axis >= -rank && axis < rank, "axis", "in [" + -rank + ", " + (rank - 1)
        + "] for shape " + Arrays.toString(shape), axis);
    int ax = axis < 0 ? axis + rank : axis;
    long elements = elements(shape);
    Check.that(elements == data.length, "data length", elements + " for shape "
        + Arrays.toString(shape), data.length);
    int channels = (int) shape[ax];
    int outer = (int) product(shape, 0, ax);
    int inner = (int) product(shape, ax + 1, rank);
    float[] mins = new float[channels];
    float[] maxs = new float[channels];
    Arrays.fill(mins, Float.POSITIVE_INFINITY);
    Arrays.fill(maxs, Float.NEGATIVE_INFINITY);
    long nonFinite = 0;
    TensorKernels kernels = Kernels.get();
    RangeScan scan = new RangeScan();
    for (int o = 0; o < outer; o++) {
      for (int c = 0; c < channels; c++) {
        int off = (o * channels + c) * inner;
        if (inner >= KERNEL_MIN_RUN) {
          kernels.scan(data, off, inner, scan);
        } else {
          scanSmall(data, off, inner, scan);
        }
        mins[c] = Math.min(mins[c], scan.min);
        maxs[c] = Math.max(maxs[c], scan.max);
        nonFinite += scan.nanCount + scan.posInfCount + scan.negInfCount;
      }
    }
    for (int c = 0; c < channels; c++) {
      if (mins[c] > maxs[c]) {
        mins[c] = 0f;
        maxs[c] = 0f;
      }
    }
    return new PerChannelMinMax(mins, maxs, nonFinite);
  }

  /** The same extremes and counts as the kernel scan (sums are not needed here). */
  private static void scanSmall(float[] a, int off, int len, RangeScan out) {
    out.reset();
    for (int i = off; i < off + len; i++) {
      float x = a[i];
      if (!ScalarKernels.countedAsNonFinite(x, out)) {
        out.min = Math.min(out.min, x);
        out.max = Math.max(out.max, x);
      }
    }
  }

  private static long elements(long[] shape) {
    for (int i = 0; i < shape.length; i++) {
      Check.that(shape[i] >= 0, "shape dimension " + i, ">= 0", Arrays.toString(shape));
    }
    try {
      long n = 1;
      for (long d : shape) {
        n = Math.multiplyExact(n, d);
      }
      return n;
    } catch (ArithmeticException e) {
      throw new QcalException("shape must have fewer than 2^63 elements, got "
          + Arrays.toString(shape), e);
    }
  }

  private static long product(long[] shape, int from, int to) {
    long n = 1;
    for (int i = from; i < to; i++) {
      n *= shape[i];
    }
    return n;
  }

  /** A copy of the per-channel finite minima. */
  public float[] mins() {
    return mins.clone();
  }

  /** A copy of the per-channel finite maxima. */
  public float[] maxs() {
    return maxs.clone();
  }

  /** Number of NaN and infinite values in the whole tensor. */
  public long nonFiniteCount() {
    return nonFinite;
  }
}
