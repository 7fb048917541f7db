package org.qcal.jobs;

import java.util.List;
import org.qcal.calib.CalibrationMethod;
import org.qcal.jobs.api.CalibrateSettings;
import org.qcal.jobs.api.ExportChoice;

/** The calibrate settings the tests start from: defaults but for what each test varies. */
public final class TestRuns {
  private TestRuns() {}

  /**
   * {@code qcal calibrate} of {@code model} on the first {@code limit} slice rows into {@code
   * out} with {@code options}; stdout dropped, stderr to {@code err}; returns the exit code.
   */
  public static int calibrateCli(String model, int limit, java.nio.file.Path out,
      java.io.Writer err, String... options) {
    List<String> args = new java.util.ArrayList<>(List.of("calibrate", "--model", model,
        "--data", TestPaths.slice(), "--limit", String.valueOf(limit), "--out", out.toString()));
    args.addAll(List.of(options));
    return org.qcal.jobs.cli.Main.run(new java.io.PrintWriter(new java.io.StringWriter()),
        new java.io.PrintWriter(err, true), args.toArray(new String[0]));
  }

  /** {@code methods} (ids), a fixed {@code choose} method (or auto), batches of {@code batch}. */
  public static CalibrateSettings.Builder calibrate(String model, String data, List<String> methods,
      String choose, int batch) {
    return CalibrateSettings.builder().model(model).data(data)
        .methods(methods.stream().map(CalibrationMethod::parse).toList())
        .choose(ExportChoice.parse(choose, 256)).batchSize(batch);
  }
}
