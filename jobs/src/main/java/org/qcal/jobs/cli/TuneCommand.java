package org.qcal.jobs.cli;

import org.qcal.jobs.api.TuneRun;
import org.qcal.jobs.api.TuneSettings;
import org.qcal.jobs.spark.SparkSessions;
import org.qcal.jobs.tune.TuneJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code qcal tune}: calibrate, validate every candidate, choose within the accuracy budget. */
@Command(
    name = "tune",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Calibrates on --calib-data, builds candidates (every method x asymmetric/symmetric",
      "activations, weights per channel), validates them all in one pass over --val-data and",
      "writes the best one within --max-drop. When none is within it, or the best still drops",
      "more than --target-drop, each tensor's sensitivity is measured (the output SQNR gained",
      "with it alone in float) and the most sensitive are kept in float one step at a time until",
      "a step is within the target. Exit code 3 when the final model misses the budget (outputs",
      "still written, marked failed)."
    })
public final class TuneCommand extends RunCommand {

  @CommandLine.Mixin
  GateOptions gate = new GateOptions();

  @Option(names = "--calib-data", required = true, paramLabel = "PATH",
      description = "The calibration data.")
  String calibData;

  @Option(names = "--val-data", required = true, paramLabel = "PATH",
      description = "The validation data (with --label for accuracy).")
  String valData;

  @CommandLine.Mixin
  QuantizationOptions calibration = new QuantizationOptions();


  @Option(names = "--val-limit", paramLabel = "ROWS",
      description = "Use at most this many validation rows.")
  Long valLimit;

  @Option(names = "--max-float-tensors", paramLabel = "N",
      description = "How many tensors the fallback may keep in float (default:"
          + " ${DEFAULT-VALUE}).")
  int maxFloatTensors;

  @Option(names = "--target-drop", paramLabel = "POINTS",
      description = "The drop the float fallback aims at, in points of the metric, when the"
          + " best candidate is within --max-drop (default: ${DEFAULT-VALUE}); --max-drop or"
          + " more: the fallback runs only when no candidate is within the budget.")
  double targetDrop;

  @Option(names = "--bias-variants", arity = "0..1", fallbackValue = "true",
      paramLabel = "BOOL", description = "Validate every candidate without and with bias"
          + " correction (default: ${DEFAULT-VALUE}); false: as --bias-correction says.")
  boolean biasVariants;

  @Override
  public Integer call() {
    TuneSettings.Builder b = TuneSettings.builder()
        .calibration(c -> {
          input.applyTo(c, calibData, input.limit);
          calibration.applyTo(c);
        })
        .validation(v -> {
          input.applyTo(v, valData, valLimit);
          gate.applyTo(v);
          v.batchSize(calibration.batchSize);
        })
        .maxFloatTensors(maxFloatTensors).targetDrop(targetDrop).biasVariants(biasVariants)
        .output(output.out).overwrite(output.overwrite);
    TuneRun result = calibration.namingOverridesFile(() -> TuneJob.run(
        SparkSessions.getOrCreate("qcal tune"), b.build(),
        calibration.withOverridesFile(output.commandLineInputs())));
    String line = "chose " + result.chosen().name() + " ("
        + TuneJob.describe(result.chosen(), result.gate()) + ")"
        + (result.floatTensors().isEmpty() ? ""
            : ", kept in float: " + String.join(", ", result.floatTensors()))
        + "; outputs in " + result.outputDir();
    if (result.passed()) {
      spec.commandLine().getOut().println("qcal: tuned: " + line);
      return ExitCode.OK;
    }
    spec.commandLine().getErr().println("qcal: accuracy gate failed: " + line + ", marked failed");
    return ExitCode.GATE_FAILED;
  }
}
