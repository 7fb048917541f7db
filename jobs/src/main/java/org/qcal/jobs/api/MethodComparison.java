package org.qcal.jobs.api;

import java.util.Map;
import org.qcal.calib.CalibrationMethod;

/**
 * How {@code --choose auto} chose: each method's export run on a sample of the calibration rows
 * beside the FP32 model, and the output SQNR of each (docs/DESIGN.md "Choosing the exported
 * method").
 *
 * @param rows calibration rows in the sample
 * @param output the FP32 output compared (validate's primary output)
 * @param sqnrDb method -> output SQNR in dB, in --methods order
 * @param chosen the method with the highest SQNR (the first of equals in --methods order)
 */
public record MethodComparison(long rows, String output, Map<CalibrationMethod, Double> sqnrDb,
    CalibrationMethod chosen) {
  public MethodComparison {
    sqnrDb = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(sqnrDb));
  }
}
