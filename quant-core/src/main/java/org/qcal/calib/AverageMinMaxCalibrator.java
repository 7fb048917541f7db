package org.qcal.calib;

import org.qcal.Check;
import org.qcal.stats.Histogram;
import org.qcal.stats.TensorStats;

/**
 * The mean over samples of each sample's min and max: the order-independent form of the
 * moving-average min/max of ONNX Runtime ({@code moving_average=True}) and PyTorch's
 * MovingAverageMinMaxObserver, whose result depends on the order of batches. Samples without a
 * finite value are left out of both means. Symmetric: {@code [-a, a]} with {@code a = max(|mean
 * min|, |mean max|)}. A sample is one {@code TensorStats.update} slice; a tensor that could not
 * be cut into samples (TensorStats "unbatched") gets its global min and max, as MinMax.
 */
public final class AverageMinMaxCalibrator implements Calibrator {
  private final boolean symmetric;

  public AverageMinMaxCalibrator(CalibrationOptions options) {
    this.symmetric = Check.notNull(options, "calibration options").symmetric();
  }

  @Override
  public CalibrationMethod method() {
    return CalibrationMethod.AVERAGE_MINMAX;
  }

  @Override
  public Range calibrate(TensorStats stats, Histogram histogram) {
    Check.notNull(stats, "stats");
    double meanMin = stats.meanSampleMin();
    double meanMax = stats.meanSampleMax();
    if (Double.isNaN(meanMin) || Double.isNaN(meanMax)) {
      return Range.ZERO; // no sample (or, unbatched, no value) had a finite value
    }
    float lo = (float) meanMin;
    float hi = (float) meanMax;
    if (symmetric) {
      return Range.symmetric(Math.max(Math.abs(lo), Math.abs(hi)));
    }
    return Range.of(lo, hi);
  }
}
