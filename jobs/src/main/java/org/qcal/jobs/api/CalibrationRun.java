package org.qcal.jobs.api;

/**
 * What a calibrate run returns.
 *
 * @param calibration the statistics, every method's export and the chosen one
 * @param outputDir where the outputs were written, or null when none were asked for
 */
public record CalibrationRun(CalibrationResult calibration, String outputDir) {
  public long samples() {
    return calibration.samples();
  }
}
