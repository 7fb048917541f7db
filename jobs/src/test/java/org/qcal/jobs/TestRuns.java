package org.qcal.jobs;

import java.util.List;
import org.qcal.calib.CalibrationMethod;
import org.qcal.jobs.api.CalibrateSettings;
import org.qcal.jobs.api.ExportChoice;

/** The calibrate settings the tests start from: defaults but for what each test varies. */
public final class TestRuns {
  private TestRuns() {}

  /** {@code methods} (ids), a fixed {@code choose} method (or auto), batches of {@code batch}. */
  public static CalibrateSettings.Builder calibrate(String model, String data, List<String> methods,
      String choose, int batch) {
    return CalibrateSettings.builder().model(model).data(data)
        .methods(methods.stream().map(CalibrationMethod::parse).toList())
        .choose(ExportChoice.parse(choose, 256)).batchSize(batch);
  }
}
