package org.qcal.calib;

import org.qcal.stats.Histogram;
import org.qcal.stats.TensorStats;

/**
 * Turns the statistics of one tensor into a range. Implementations are immutable and configured
 * at construction ({@link CalibrationOptions}); {@link CalibrationMethod} creates them by name.
 *
 * <p>Shared rules: a tensor without finite values gets {@link Range#ZERO}; histogram methods need
 * the histogram of the same finite values as {@code stats}, on the grid made from {@code stats}
 * (docs/DESIGN.md pass 2), and fall back to the min/max range on a degenerate grid (see {@code
 * HistogramGrid}). Results never reach beyond the data's finite min and max.
 */
public interface Calibrator {

  /** The method this calibrator implements. */
  CalibrationMethod method();

  /**
   * The calibrated range.
   *
   * @param stats the tensor's summary (pass 1), never null
   * @param histogram the tensor's histogram (pass 2); may be null when {@link
   *     CalibrationMethod#needsHistogram()} is false
   */
  Range calibrate(TensorStats stats, Histogram histogram);
}
