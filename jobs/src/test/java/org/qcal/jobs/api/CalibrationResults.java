package org.qcal.jobs.api;

import java.util.List;
import java.util.Map;

/**
 * CalibrationResults made in tests without a calibration pass. The record's constructor is
 * called here only, so a change of its components needs one edit for every test.
 */
public final class CalibrationResults {
  public static final String MODEL = "models/cnn.onnx";
  public static final String MODEL_SHA256 = "5f0c".repeat(16);
  public static final String DATA = "data/calib.parquet";
  public static final long SAMPLES = 300;

  private CalibrationResults() {}

  /**
   * The result of {@code tensors} calibrated with {@code parameters} on {@value #SAMPLES} rows of
   * {@link #DATA}; no weights, notes, kernel census, model bytes, passes, graph summary or
   * method comparison.
   */
  public static CalibrationResult of(CalibrationParameters parameters,
      List<TensorCalibration> tensors) {
    return new CalibrationResult(MODEL, MODEL_SHA256, DATA, "parquet", Map.of("input", "pixels"),
        SAMPLES, parameters, tensors, Map.of(), Map.of(), List.of(), null, new byte[0],
        List.of(), null, null);
  }
}
