package org.qcal.jobs.api;

import java.util.List;
import java.util.Map;
import org.qcal.calib.CalibrationMethod;

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
   * {@link #DATA}, whose chosen export is the first method's recipe without a model (what the
   * report reads of it is its name and recipe); no kernel census, passes, graph summary or
   * method comparison.
   */
  public static CalibrationResult of(CalibrationParameters parameters,
      List<TensorCalibration> tensors) {
    CalibrationMethod method = parameters.methods().get(0);
    QuantizedExport chosen = new QuantizedExport(method.id(), parameters.recipe(method), null,
        null, new byte[0], "", Map.of(), Map.of());
    return new CalibrationResult(MODEL, MODEL_SHA256, DATA, "parquet", Map.of("input", "pixels"),
        SAMPLES, parameters, tensors, List.of(chosen), chosen, null, List.of(), null, null,
        BiasShifts.NONE);
  }

  /** Parameters of {@code methods} (ids), default recipe, the first method exported. */
  public static CalibrationParameters parameters(List<String> methods, double percentile,
      int batchSize) {
    List<CalibrationMethod> list = methods.stream().map(CalibrationMethod::parse).toList();
    return new CalibrationParameters(list, Defaults.BINS, Defaults.PASSES,
        Recipe.builder().percentile(percentile).build(), ExportChoice.of(list.get(0)),
        batchSize, false);
  }
}
