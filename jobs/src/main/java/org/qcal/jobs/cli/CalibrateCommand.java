package org.qcal.jobs.cli;

import java.util.ArrayList;
import java.util.List;
import org.qcal.jobs.api.CalibrateSettings;
import org.qcal.jobs.api.CalibrationRun;
import org.qcal.jobs.calibrate.CalibrateJob;
import org.qcal.jobs.spark.SparkSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code qcal calibrate}: statistics over a calibration set, parameters, QDQ export. */
@Command(
    name = "calibrate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs the model over the calibration data on Spark, merges exact statistics, derives int8",
      "parameters with every method and writes calibration.json, calibration.cache (TensorRT)",
      "and model.int8.onnx (QDQ) into the output folder, atomically."
    })
public final class CalibrateCommand extends RunCommand {

  @Option(names = "--data", required = true, paramLabel = "PATH",
      description = "The calibration data: a file or folder (Parquet, ORC, JSON, images, .npy).")
  String data;

  @CommandLine.Mixin
  QuantizationOptions calibration = new QuantizationOptions();


  @Override
  public Integer call() {
    CalibrateSettings.Builder b = CalibrateSettings.builder();
    input.applyTo(b, data, input.limit);
    output.applyTo(b);
    calibration.applyTo(b);
    CalibrationRun result = calibration.namingOverridesFile(() -> CalibrateJob.run(
        SparkSessions.getOrCreate("qcal calibrate"), b.build(),
        calibration.withOverridesFile(output.commandLineInputs())));
    // The command line's writer, not System.out: Main.run(out, err, ...) callers read it.
    spec.commandLine().getOut().println("qcal: calibrated " + result.samples()
        + " samples; outputs in " + result.outputDir());
    spec.commandLine().getOut().flush();
    return ExitCode.OK;
  }

  static List<String> split(String csv) {
    List<String> list = new ArrayList<>();
    for (String part : csv.split(",")) {
      if (!part.isBlank()) {
        list.add(part.trim());
      }
    }
    return list;
  }
}
