package org.qcal.calib;

import org.qcal.Check;
import org.qcal.stats.Histogram;
import org.qcal.stats.HistogramGrid;
import org.qcal.stats.TensorStats;

/**
 * Clips the tails of the distribution by a percentile {@code p} (default {@link
 * CalibrationDefaults#PERCENTILE}).
 *
 * <ul>
 *   <li>Symmetric: the threshold is the p-th percentile of |x|, on the folded histogram; range
 *       {@code [-t, t]}.
 *   <li>Asymmetric: each tail loses {@code (100 - p) / 2} percent: the range is the {@code (100 -
 *       p) / 2}-th to {@code (100 + p) / 2}-th percentile of x, on the signed histogram.
 * </ul>
 *
 * Both are ONNX Runtime's choices ({@code PercentileCalibrater.compute_percentile} in
 * calibrate.py: {@code searchsorted(cdf, percentile / 100)} on the |x| histogram when symmetric,
 * {@code percent_to_cut_one_side = (100 - percentile) / 200} on each side otherwise), and like it
 * qcal clips the result to the data's min and max.
 *
 * <p><b>Inside the bin</b> qcal interpolates linearly (values assumed uniform within a bin): the
 * q-quantile lies in the first bin {@code i} whose cumulative count reaches {@code q * total},
 * at {@code lowerEdge(i) + w * (q * total - countBefore(i)) / count(i)}. ONNX Runtime and
 * pytorch-quantization return that bin's lower edge, which sits up to one bin width lower. The
 * interpolation makes the percentile of a uniform histogram exact, and {@code p = 100} gives
 * exactly the data's min and max.
 */
public final class PercentileCalibrator implements Calibrator {
  private final boolean symmetric;
  private final double percentile;

  public PercentileCalibrator(CalibrationOptions options) {
    Check.notNull(options, "calibration options");
    this.symmetric = options.symmetric();
    this.percentile = Check.inOpenClosed(options.percentile(), 0, 100, "percentile");
  }

  @Override
  public CalibrationMethod method() {
    return CalibrationMethod.PERCENTILE;
  }

  public double percentile() {
    return percentile;
  }

  @Override
  public Range calibrate(TensorStats stats, Histogram histogram) {
    Range shortcut = HistogramInputs.shortcut(stats, histogram, symmetric, method());
    if (shortcut != null) {
      return shortcut;
    }
    if (symmetric) {
      Histogram folded = histogram.foldAbs();
      double t = quantile(folded, percentile / 100.0);
      return HistogramInputs.fromThreshold(t, stats, true);
    }
    double cut = (100.0 - percentile) / 200.0;
    double lo = cut == 0 ? stats.min() : quantile(histogram, cut);
    double hi = quantile(histogram, 1.0 - cut);
    return HistogramInputs.clipToData(lo, hi, stats);
  }

  /** The q-quantile ({@code 0 < q <= 1}) of the histogram's values, interpolated in its bin. */
  static double quantile(Histogram h, double q) {
    long[] counts = h.counts();
    HistogramGrid grid = h.grid();
    double target = q * h.total();
    long before = 0;
    for (int i = 0; i < counts.length; i++) {
      long c = counts[i];
      if (c > 0 && before + c >= target) {
        double frac = Math.max(0.0, (target - before) / c);
        return grid.lowerEdge(i) + frac * grid.width();
      }
      before += c;
    }
    // q * total rounded above total: the top of the last non-empty bin.
    int last = counts.length - 1;
    while (last > 0 && counts[last] == 0) {
      last--;
    }
    return grid.lowerEdge(last + 1);
  }
}
