package org.qcal.jobs.cli;

import org.qcal.jobs.api.ValidateSettings;
import org.qcal.jobs.validate.ValidationMetric;
import picocli.CommandLine.Option;

/** The labels and the accuracy budget; shared by validate and tune. */
public final class GateOptions {

  @Option(names = "--label", paramLabel = "COLUMN",
      description = "The validation data's column of class ids (int or bigint), for top-1 and"
          + " top-5.")
  String label;

  @Option(names = "--metric", paramLabel = "METRIC",
      description = "What the budget applies to: top1, top5, agreement or sqnr (default: top1"
          + " with --label, agreement without).")
  String metric;

  @Option(names = "--max-drop", paramLabel = "POINTS",
      description = "Largest allowed drop against FP32, in percentage points (default:"
          + " ${DEFAULT-VALUE}).")
  double maxDrop;

  @Option(names = "--min-sqnr", paramLabel = "DB",
      description = "With --metric sqnr: lowest allowed SQNR of the first output, in dB"
          + " (default: ${DEFAULT-VALUE}).")
  double minSqnr;

  /** Sets the label and the budget on {@code b}. */
  void applyTo(ValidateSettings.Builder b) {
    b.label(label).metric(metric == null ? null : ValidationMetric.parse(metric))
        .maxDrop(maxDrop).minSqnrDb(minSqnr);
  }
}
