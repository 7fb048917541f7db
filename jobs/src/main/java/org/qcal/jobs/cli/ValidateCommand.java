package org.qcal.jobs.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.qcal.jobs.api.ValidateSettings;
import org.qcal.jobs.api.ValidationRun;
import org.qcal.jobs.spark.SparkSessions;
import org.qcal.jobs.validate.CandidateResult;
import org.qcal.jobs.validate.Gate;
import org.qcal.jobs.validate.ValidateJob;
import org.qcal.jobs.validate.ValidationMetric;
import org.qcal.jobs.validate.ValidationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code qcal validate}: FP32 against quantized candidates in one pass, with a gate. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs the FP32 model and every candidate (each method of a calibrate output,",
      "and QDQ files) on each batch of the validation data, in one pass on Spark.",
      "Writes validation.json (top-1/top-5, agreement with FP32, SQNR and cosine",
      "per output and per quantized tensor, pass/fail against the budget) into",
      "the output folder, atomically. Exit code 3 when no candidate is within the",
      "budget (outputs still written, marked failed)."
    })
public final class ValidateCommand extends RunCommand {

  @CommandLine.Mixin
  GateOptions gate = new GateOptions();

  @Option(names = "--quantized", paramLabel = "PATH", split = ",",
      description = "QDQ models to validate (repeatable or comma separated), named by file.")
  List<String> quantized = new ArrayList<>();

  @Option(names = "--calibration", paramLabel = "DIR",
      description = "A calibrate or tune output folder: every export its calibration.json"
          + " records becomes a candidate, rebuilt from --model with its recipe and parameters"
          + " (the same sha256).")
  String calibration;

  @Option(names = "--data", required = true, paramLabel = "PATH",
      description = "The validation data: a file or folder (Parquet, ORC, JSON, images, .npy).")
  String data;

  @Option(names = "--batch-size", paramLabel = "ROWS",
      description = "Rows per forward pass (default: ${DEFAULT-VALUE}).")
  int batchSize;


  @Option(names = "--partitions", paramLabel = "N",
      description = "Repartition the rows into N partitions (default: the data's, spread over"
          + " the task slots when fewer). The results do not depend on it.")
  Integer partitions;

  @Option(names = "--tensor-errors", negatable = true, defaultValue = "true",
      fallbackValue = "true", description = "Measure SQNR at every quantized tensor, not only"
          + " at the outputs (default: ${DEFAULT-VALUE}).")
  boolean tensorErrors;

  @Override
  public Integer call() {
    ValidateSettings.Builder b = ValidateSettings.builder().quantized(quantized)
        .calibration(calibration).batchSize(batchSize).tensorErrors(tensorErrors);
    if (partitions != null) {
      b.partitions(partitions);
    }
    input.applyTo(b, data, input.limit);
    output.applyTo(b);
    gate.applyTo(b);
    ValidationRun result = ValidateJob.run(SparkSessions.getOrCreate("qcal validate"),
        b.build(), output.commandLineInputs());
    ValidationReport report = result.report();
    CandidateResult best = report.best();
    if (best != null) {
      System.out.println("qcal: validated " + report.candidates().size() + " candidate(s) on "
          + report.samples() + " samples; best within the budget: " + best.name() + " ("
          + describe(report, best) + "); outputs in " + result.outputDir());
      return ExitCode.OK;
    }
    CandidateResult first = report.candidates().get(0);
    System.err.println("qcal: accuracy gate failed: no candidate within " + budget(report.gate())
        + " (best: " + first.name() + ", " + describe(report, first) + "); outputs in "
        + result.outputDir() + ", marked failed");
    return ExitCode.GATE_FAILED;
  }

  private static String describe(ValidationReport report, CandidateResult r) {
    ValidationMetric m = report.gate().metric();
    if (m == ValidationMetric.SQNR) {
      return String.format(Locale.ROOT, "sqnr %.2f dB", r.value());
    }
    return String.format(Locale.ROOT, "%s %.2f%%, drop %.2f points", m, r.value(), r.drop());
  }

  private static String budget(Gate gate) {
    return gate.metric() == ValidationMetric.SQNR
        ? String.format(Locale.ROOT, "--min-sqnr %s dB", gate.minSqnrDb())
        : String.format(Locale.ROOT, "--max-drop %s points of %s", gate.maxDrop(), gate.metric());
  }
}
