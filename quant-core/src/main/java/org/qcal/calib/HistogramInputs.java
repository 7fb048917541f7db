package org.qcal.calib;

import org.qcal.Check;
import org.qcal.QcalException;
import org.qcal.stats.Histogram;
import org.qcal.stats.TensorStats;

/** The checks and fallbacks every histogram calibrator shares (see {@link Calibrator}). */
final class HistogramInputs {
  private HistogramInputs() {}

  /**
   * The range to return without looking at the histogram, or null to go on: {@link Range#ZERO}
   * without finite values, the min/max range on a degenerate grid.
   */
  static Range shortcut(TensorStats stats, Histogram histogram, boolean symmetric,
      CalibrationMethod method) {
    Check.notNull(stats, "stats");
    if (stats.hasNoFinite()) {
      return Range.ZERO;
    }
    Check.notNull(histogram, method + " histogram");
    if (histogram.total() == 0) {
      throw new QcalException(method + " histogram must hold the tensor's finite values, got an "
          + "empty histogram for " + stats.finiteCount() + " finite values");
    }
    if (histogram.grid().isDegenerate()) {
      return minMax(stats, symmetric);
    }
    return null;
  }

  /** {@code [min, max]}, or {@code [-absmax, absmax]} when symmetric. */
  static Range minMax(TensorStats stats, boolean symmetric) {
    if (stats.hasNoFinite()) {
      return Range.ZERO;
    }
    return symmetric ? Range.symmetric(stats.absMax()) : Range.of(stats.min(), stats.max());
  }

  /**
   * The symmetric range of threshold {@code t} when symmetric; otherwise {@code [-t, t]}
   * intersected with the data range widened to contain 0, so that a method computed on |x| never
   * reaches past the data on either side.
   */
  static Range fromThreshold(double t, TensorStats stats, boolean symmetric) {
    float amax = (float) Math.min(t, stats.absMax());
    if (symmetric) {
      return Range.symmetric(amax);
    }
    return Range.of(Math.max(-amax, Math.min(stats.min(), 0f)),
        Math.min(amax, Math.max(stats.max(), 0f)));
  }

  /** {@code [lo, hi]} clipped to the data's finite range, kept ordered. */
  static Range clipToData(double lo, double hi, TensorStats stats) {
    float l = (float) Math.max(lo, stats.min());
    float h = (float) Math.min(hi, stats.max());
    return Range.of(Math.min(l, h), h);
  }
}
