package org.qcal.calib;

import org.qcal.Check;
import org.qcal.stats.Histogram;
import org.qcal.stats.TensorStats;

/**
 * The finite min and max over all samples ({@code [-absmax, absmax]} when symmetric): ONNX
 * Runtime's MinMax calibrator without moving average.
 */
public final class MinMaxCalibrator implements Calibrator {
  private final boolean symmetric;

  public MinMaxCalibrator(CalibrationOptions options) {
    this.symmetric = Check.notNull(options, "calibration options").symmetric();
  }

  @Override
  public CalibrationMethod method() {
    return CalibrationMethod.MINMAX;
  }

  @Override
  public Range calibrate(TensorStats stats, Histogram histogram) {
    Check.notNull(stats, "stats");
    return HistogramInputs.minMax(stats, symmetric);
  }
}
